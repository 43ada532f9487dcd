"""Lambda fidelity: warm workers, one invocation at a time each; the app's lifespan once per worker,
shut down by SIGTERM when ``serve`` stops; Lambda's START / END / REPORT lines."""

from __future__ import annotations

import re
import signal
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.local.support import WAIT, running_serve

REPORT = re.compile(
    r"^REPORT RequestId: (?P<id>[0-9a-f-]{36})\tDuration: (?P<duration>\d+\.\d\d) ms\t"
    r"Billed Duration: (?P<billed>\d+) ms\tMemory Size: 256 MB\tMax Memory Used: (?P<used>\d+) MB"
    r"(\tInit Duration: (?P<init>\d+\.\d\d) ms)?$"
)


def test_lifespan_once_per_worker_and_sigterm_on_shutdown(tmp_path: Path) -> None:
    log = tmp_path / "lifespan.log"
    env = {"SERVE_TEST_LIFESPAN_LOG": str(log)}
    with running_serve("tests.local.apps:handler", "--workers", "2", "--source", "http", env=env) as serve:
        with ThreadPoolExecutor(4) as pool:
            answers = list(
                pool.map(lambda _: httpx.get(f"{serve.base_url}/pid", timeout=WAIT).text, range(12))
            )
        pids = set(answers)
        assert 1 <= len(pids) <= 2
        startups = [line for line in log.read_text().splitlines() if line.startswith("startup")]
        assert sorted(startups) == sorted(f"startup {pid}" for pid in pids)
        status = serve.stop()
    assert status in (0, -signal.SIGINT)  # uvicorn ends as interrupted, once shut down
    shutdowns = {line.split()[1] for line in log.read_text().splitlines() if line.startswith("shutdown")}
    assert pids <= shutdowns


def test_start_end_report_lines() -> None:
    with running_serve("tests.local.apps:faults", "--memory", "256") as serve:
        ids = {httpx.get(f"{serve.base_url}/pid", timeout=WAIT).headers["x-amzn-requestid"] for _ in range(3)}
        reports = serve.wait_for("^REPORT", count=3)
        output = serve.output().splitlines()
    matches = [REPORT.match(line) for line in reports]
    assert all(matches), reports
    found = [match for match in matches if match is not None]
    assert [match["init"] is not None for match in found] == [True, False, False]  # the cold start
    for match in found:
        assert int(match["billed"]) >= float(match["duration"])
        assert int(match["used"]) > 10
        start, end = f"START RequestId: {match['id']} Version: $LATEST", f"END RequestId: {match['id']}"
        assert output.index(start) < output.index(end) < output.index(match.group(0))
    # Lambda's request id is the invocation's; the REST API's own id is a different one.
    assert not ids & {match["id"] for match in found}
