"""``python -m mangum serve --max-concurrency N``: a Lambda Managed Instances environment, one worker
process taking N invocations at once through its Runtime API, the app's lifespan started once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from tests.local.support import WAIT, running_serve


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
