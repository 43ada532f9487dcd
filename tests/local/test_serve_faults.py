"""Faults as the services answer them: a timeout, a crash, an exception, a malformed result, an
oversized result or event. A worker that crashed or timed out is replaced by a new one (a logged
cold start) and the next request is served."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.local.support import WAIT, Serve, running_serve

INTERNAL = {"message": "Internal server error"}


@pytest.fixture(scope="module")
def rest() -> Iterator[Serve]:
    with running_serve("tests.local.apps:faults", "--timeout", "2") as serve:
        yield serve


def _pid(serve: Serve) -> str:
    answer = httpx.get(f"{serve.base_url}/pid", timeout=WAIT)
    assert answer.status_code == 200
    return answer.text


def test_timeout_is_504_and_the_worker_is_replaced(rest: Serve) -> None:
    before = _pid(rest)
    answer = httpx.get(f"{rest.base_url}/sleep", timeout=WAIT)
    assert (answer.status_code, answer.json()) == (504, {"message": "Endpoint request timed out"})
    rest.wait_for(r"Task timed out after 2\.00 seconds")
    rest.wait_for("replaced by a new one")
    assert len(rest.wait_for("cold start", count=2)) >= 2  # the first worker's and its replacement's
    assert _pid(rest) != before


def test_crash_is_502_and_the_worker_is_replaced(rest: Serve) -> None:
    before = _pid(rest)
    answer = httpx.get(f"{rest.base_url}/crash", timeout=WAIT)
    assert (answer.status_code, answer.json()) == (502, INTERNAL)
    rest.wait_for("Runtime exited with error: exit status 3")
    after = _pid(rest)
    assert after != before
    assert _pid(rest) == after  # the new worker stays warm


@pytest.mark.parametrize("path", ["raise", "malformed", "bad-base64", "not-an-object", "large"])
def test_function_errors_and_malformed_results_are_502(rest: Serve, path: str) -> None:
    answer = httpx.get(f"{rest.base_url}/{path}", timeout=WAIT)
    assert (answer.status_code, answer.json()) == (502, INTERNAL)
    assert answer.headers["content-type"] == "application/json"


def test_malformed_result_is_logged_with_its_reason(rest: Serve) -> None:
    httpx.get(f"{rest.base_url}/malformed", timeout=WAIT)
    rest.wait_for("malformed Lambda proxy response .*statusCode must be a number")


def test_binary_result_is_decoded(rest: Serve) -> None:
    answer = httpx.get(f"{rest.base_url}/binary", timeout=WAIT)
    assert (answer.status_code, answer.content, answer.headers["content-type"]) == (
        200,
        b"\0\1\2\xff",
        "image/x-test",
    )


def test_event_over_lambdas_limit_is_refused_with_500(rest: Serve) -> None:
    # 5 MB of binary is under API Gateway's 10 MB, but its event (base64) is over Lambda's 6 MB.
    body = bytes(range(256)) * (5 * 4096)
    answer = httpx.post(
        f"{rest.base_url}/upload", content=body, headers={"content-type": "application/zip"}, timeout=WAIT
    )
    assert (answer.status_code, answer.json()) == (500, INTERNAL)


def test_request_over_ten_megabytes_is_413(rest: Serve) -> None:
    answer = httpx.post(f"{rest.base_url}/upload", content=b"x" * (10 * 1024 * 1024 + 1), timeout=WAIT)
    assert (answer.status_code, answer.json()) == (413, {"message": "Request Entity Too Large"})


def test_payload_v2_result_without_status_is_the_json_body() -> None:
    with running_serve("tests.local.apps:faults", "--source", "http") as serve:
        answer = httpx.get(f"{serve.base_url}/not-an-object", timeout=WAIT)
        assert (answer.status_code, answer.json()) == (200, ["just", "a", "list"])
        assert answer.headers["content-type"] == "application/json"
        malformed = httpx.get(f"{serve.base_url}/malformed", timeout=WAIT)
        assert (malformed.status_code, malformed.json()) == (502, INTERNAL)


@pytest.mark.parametrize(
    ("source", "status", "text"), [("alb", 502, "502 Bad Gateway"), ("url", 502, "Internal Server Error")]
)
def test_alb_and_function_url_faults(source: str, status: int, text: str) -> None:
    with running_serve("tests.local.apps:faults", "--source", source, "--timeout", "1") as serve:
        crash = httpx.get(f"{serve.base_url}/crash", timeout=WAIT)
        assert crash.status_code == status
        assert text in crash.text
        late = httpx.get(f"{serve.base_url}/sleep", timeout=WAIT)
        assert late.status_code == (504 if source == "alb" else 502)
        assert httpx.get(f"{serve.base_url}/pid", timeout=WAIT).status_code == 200


def test_a_worker_left_with_hung_threads_is_replaced() -> None:
    """Each timed-out sync route leaves its thread running; the second one makes the worker exit
    after answering, and serve starts a new one."""
    with running_serve("tests.local.apps:handler", "--timeout", "2", "--max-leaked-threads", "2") as serve:
        first = _pid(serve)
        for _ in range(2):
            answer = httpx.get(f"{serve.base_url}/hang-sync", timeout=WAIT)
            assert answer.status_code == 504
        serve.wait_for(r"2 threads still running after their invocations ended .*MANGUM_MAX_LEAKED_THREADS=2")
        assert _pid(serve) != first  # the next request is served, by a new worker
        serve.wait_for("worker 1 .*ended.*replaced by a new one")
        assert httpx.get(f"{serve.base_url}/hang-sync", timeout=WAIT).status_code == 504  # and on it goes
