"""``python -m mangum serve --max-concurrency N``: a Lambda Managed Instances environment, one worker
process taking N invocations at once through its Runtime API, the app's lifespan started once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from tests.local.support import WAIT, Serve, running_serve


def test_one_worker_serves_n_requests_at_once(tmp_path: Path) -> None:
    log = tmp_path / "lifespan.log"
    env = {"RUNTIME_TEST_LIFESPAN_LOG": str(log)}
    options = ("--max-concurrency", "4", "--source", "http")
    with running_serve("tests.runtime.concurrent_apps:handler", *options, env=env) as serve:

        def get(_: int) -> Any:
            response = httpx.get(f"{serve.base_url}/together?n=4", timeout=WAIT)
            assert response.status_code == 200
            return response.json()

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(get, range(8)))

    assert all(answer["together"] for answer in answers)  # four were inside one process at once
    assert {answer["peak"] for answer in answers} <= {4}
    assert len({answer["request_id"] for answer in answers}) == 8
    assert len({answer["state"] for answer in answers}) == 1
    startups = [line for line in log.read_text().splitlines() if line.startswith("startup")]
    assert len(startups) == 1


def _pid(serve: Serve) -> str:
    answer = httpx.get(f"{serve.base_url}/pid", timeout=WAIT)
    assert answer.status_code == 200
    return answer.text


def test_a_timeout_does_not_kill_the_worker_and_its_other_invocations() -> None:
    options = ("--max-concurrency", "4", "--timeout", "2")
    with running_serve("tests.local.apps:faults", *options) as serve:
        before = _pid(serve)
        late = httpx.get(f"{serve.base_url}/sleep", timeout=WAIT)
        serve.wait_for(r"Task timed out after 2\.00 seconds")
        after = _pid(serve)
        output = serve.output()

    assert late.status_code == 504
    assert after == before  # Managed Instances do not stop an environment at a timeout
    assert "replaced by a new one" not in output


def test_a_crashed_worker_is_replaced_once_for_all_its_slots() -> None:
    with running_serve("tests.local.apps:faults", "--max-concurrency", "4") as serve:
        before = _pid(serve)
        crash = httpx.get(f"{serve.base_url}/crash", timeout=WAIT)
        serve.wait_for("Runtime exited with error: exit status 3")
        with ThreadPoolExecutor(4) as pool:
            after = set(pool.map(lambda _: _pid(serve), range(8)))
        cold_starts = serve.wait_for("cold start")

    assert crash.status_code == 502
    assert len(after) == 1
    assert before not in after
    assert len(cold_starts) == 2  # the first worker, and one successor for its four slots
