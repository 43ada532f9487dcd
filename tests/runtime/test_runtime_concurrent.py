"""``python -m mangum.runtime`` with ``AWS_LAMBDA_MAX_CONCURRENCY``: many invocations at once on one
event loop, against a loopback Runtime API that hands out concurrent ``/next`` up to the limit.

Concurrency is shown without timing anything: the apps answer once ``n`` requests are inside them
together (:mod:`tests.runtime.concurrent_apps`), which one invocation at a time never reaches.
"""

from __future__ import annotations

import base64
import json
import signal
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from mangum._sources.samples import sample_event
from mangum.local.http_integration import split_integration_response
from mangum.local.invocations import Invocation, InvocationResult
from mangum.local.runtime_api import FunctionSettings, RuntimeApiServer
from mangum.local.runtime_api_wire import Request, RuntimeConnection
from tests.runtime.support import WAIT, runtime_process

APPS = "tests.runtime.concurrent_apps"


@contextmanager
def environment(
    limit: int,
    handler: str,
    env: dict[str, str] | None = None,
    server: RuntimeApiServer | None = None,
    output: Path | None = None,
    timeout_s: float = 60.0,
) -> Iterator[RuntimeApiServer]:
    """A Managed Instances execution environment: a Runtime API allowing ``limit`` invocations in
    flight and one runtime process, whose standard output goes to the file ``output`` if given."""
    api = server or RuntimeApiServer(function=FunctionSettings(timeout_s=timeout_s), max_concurrency=limit)
    with ExitStack() as stack:
        stdout = None if output is None else stack.enter_context(output.open("wb"))
        stack.enter_context(api)
        stack.enter_context(runtime_process(api, handler, env=env, stdout=stdout))
        yield api


def log_lines(output: Path) -> list[dict[str, Any]]:
    """The runtime's JSON log lines."""
    return [json.loads(line) for line in output.read_text().splitlines() if line.startswith("{")]


def http_event(path: str, source: str = "api_gateway_v2") -> dict[str, Any]:
    event = sample_event(source, path=path)
    assert isinstance(event, dict)
    return event


def answer(result: InvocationResult) -> tuple[int, Any]:
    """The status and decoded JSON body of a buffered HTTP API answer."""
    assert result.ok, result.error
    payload = result.json()
    body = payload["body"]
    if payload.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    return payload["statusCode"], json.loads(body) if body.startswith("{") else body


def results(invocations: list[Invocation]) -> list[InvocationResult]:
    return [invocation.result(timeout=WAIT) for invocation in invocations]


def test_invocations_run_together_and_never_more_than_the_limit() -> None:
    with environment(4, f"{APPS}.handler") as server:
        invocations = [server.invoke(http_event("/together?n=4")) for _ in range(12)]
        answers = [answer(result) for result in results(invocations)]

    assert all(status == 200 for status, _ in answers)
    assert all(body["together"] for _, body in answers)  # four were inside at once
    assert {body["peak"] for _, body in answers} <= {4}
    assert server.peak_in_flight == 4


def test_each_invocation_sees_its_own_request_id_and_trace_id(tmp_path: Path) -> None:
    output = tmp_path / "runtime.log"
    with environment(6, f"{APPS}.handler", env={"AWS_LAMBDA_LOG_FORMAT": "JSON"}, output=output) as server:
        invocations = [server.invoke(http_event("/together?n=6")) for _ in range(6)]
        done = results(invocations)

    for invocation, result in zip(invocations, done, strict=True):
        _, body = answer(result)
        assert body["together"]
        assert body["request_id"] == body["context_request_id"] == invocation.request_id
        assert body["trace_id"] == invocation.headers["Lambda-Runtime-Trace-Id"]
        assert body["environ_trace_id"] is None  # the process environment is nobody's
    # Every line the app logged carries the request id of the invocation that logged it.
    lines = [line for line in log_lines(output) if line["logger"] == f"{APPS}"]
    expected = sorted(f"answering {invocation.request_id}" for invocation in invocations)
    assert sorted(line["message"] for line in lines) == expected
    assert all(line["message"] == f"answering {line['requestId']}" for line in lines)
    assert all(line["level"] == "WARNING" and line["timestamp"].endswith("Z") for line in lines)


def test_fastapi_sync_and_async_routes_run_together_with_their_own_request_ids() -> None:
    with environment(8, f"{APPS}.fastapi_handler") as server:
        invocations = [
            server.invoke(http_event(f"/{kind}/together?n=4")) for _ in range(4) for kind in ("sync", "async")
        ]
        done = results(invocations)

    for invocation, result in zip(invocations, done, strict=True):
        status, body = answer(result)
        assert status == 200
        assert body["together"]
        # A sync route runs in a worker thread: the invocation's context goes with it.
        assert body["request_id"] == invocation.request_id


def test_sync_routes_reuse_their_worker_threads_from_one_invocation_to_the_next() -> None:
    with environment(4, f"{APPS}.fastapi_handler") as server:
        counts = [
            answer(server.invoke(http_event("/sync/thread")).result(timeout=WAIT))[1] for _ in range(10)
        ]

    # One after another: anyio's idle worker thread serves the next invocation too.
    assert counts[-1]["threads"] <= 2


def test_the_lifespan_starts_once_and_its_state_is_shared_by_every_invocation(tmp_path: Path) -> None:
    log = tmp_path / "lifespan.log"
    env = {"RUNTIME_TEST_LIFESPAN_LOG": str(log)}
    with environment(8, f"{APPS}.handler", env=env) as server:
        done = results([server.invoke(http_event("/together?n=8")) for _ in range(8)])
        states = {answer(result)[1]["state"] for result in done}

    assert len(states) == 1
    assert None not in states
    assert [line.split()[0] for line in log.read_text().splitlines()] == ["startup", "shutdown"]


def test_streamed_and_buffered_answers_in_flight_together() -> None:
    with environment(8, f"{APPS}.streaming") as server:
        streamed = [server.invoke(http_event("/chunks?count=5", "function_url")) for _ in range(4)]
        buffered = [server.invoke(http_event("/together?n=4")) for _ in range(4)]  # HTTP APIs cannot stream
        streamed_results, buffered_results = results(streamed), results(buffered)

    for invocation, result in zip(streamed, streamed_results, strict=True):
        assert result.ok
        assert result.streamed
        prelude, body = split_integration_response(result.body)
        assert prelude["statusCode"] == 200
        assert body.decode().splitlines() == [f"{invocation.request_id} {n}" for n in range(5)]
    assert all(answer(result)[1]["together"] for result in buffered_results)
    assert not any(result.streamed for result in buffered_results)


def test_a_late_stream_ends_with_an_error_and_the_others_stream_on() -> None:
    env = {"MANGUM_DEADLINE_MARGIN_MS": "1000"}
    with environment(4, f"{APPS}.streaming", env=env, timeout_s=3.0) as server:
        late = server.invoke(http_event("/stalls", "function_url"))
        others = [server.invoke(http_event("/chunks?count=3", "function_url")) for _ in range(3)]
        other_results = results(others)
        late_result = late.result(timeout=WAIT)

    for invocation, result in zip(others, other_results, strict=True):
        assert result.ok
        assert split_integration_response(result.body)[1].decode().splitlines() == [
            f"{invocation.request_id} {n}" for n in range(3)
        ]
    assert late_result.streamed
    assert split_integration_response(late_result.body)[1] == b"first\n"
    assert late_result.error is not None
    assert late_result.error.error_type == "DeadlineExceeded"


class _DroppingServer(RuntimeApiServer):
    """Breaks the connection of any answer to a request id starting with ``drop-``."""

    def _claim(self, request_id: str) -> Invocation | None:
        if request_id.startswith("drop-"):
            raise ConnectionResetError("injected: the answer's connection broke")
        return super()._claim(request_id)


def test_faults_fail_only_their_own_invocation(tmp_path: Path) -> None:
    server = _DroppingServer(function=FunctionSettings(timeout_s=3.0), max_concurrency=8)
    env = {"AWS_LAMBDA_LOG_FORMAT": "JSON", "MANGUM_DEADLINE_MARGIN_MS": "1000"}
    output = tmp_path / "runtime.log"
    with environment(8, f"{APPS}.handler", env=env, server=server, output=output) as api:
        healthy = [api.invoke(http_event("/together?n=3")) for _ in range(3)]
        app_error = api.invoke(http_event("/boom"))
        malformed = api.invoke(b"{not json")
        late = api.invoke(http_event("/forever"))
        dropped = api.invoke(http_event("/together?n=1"), request_id="drop-1")
        after = [api.invoke(http_event("/together?n=2")) for _ in range(2)]
        healthy_results = results(healthy + after)
        app_error_result = app_error.result(timeout=WAIT)
        malformed_result = malformed.result(timeout=WAIT)
        late_result = late.result(timeout=WAIT)
        assert dropped.delivered.wait(WAIT)

    lines = log_lines(output)
    assert all(answer(result)[1]["together"] for result in healthy_results)
    status, body = answer(app_error_result)
    assert status == 500
    assert "secret" not in str(body)
    assert malformed_result.error is not None
    assert malformed_result.error.error_type == "Runtime.UnmarshalError"
    assert answer(late_result)[0] == 504  # its deadline cancelled it alone
    assert not dropped.complete  # its answer never arrived; the lane went on to the next ones
    errors = {line["requestId"]: line for line in lines if line["level"] == "ERROR" and "requestId" in line}
    assert errors["drop-1"]["message"].startswith("Invocation drop-1 could not be answered")
    assert errors[app_error.request_id]["errorType"] == "LookupError"
    assert "stackTrace" in errors[app_error.request_id]


class _BrokenEnvironmentServer(RuntimeApiServer):
    """Answers ``500`` to the response and the error of a request id starting with ``fail-``, as
    Lambda's Runtime API answers when the execution environment is broken."""

    def _route(self, connection: RuntimeConnection, request: Request) -> None:
        if not request.path.startswith("/2018-06-01/runtime/invocation/fail-"):
            super()._route(connection, request)
            return

        def refuse(trailers: dict[str, str]) -> None:
            self._refuse(connection, 500, "ServiceException", "injected: the environment is broken")

        connection.read_body(request, lambda data: None, refuse)


def test_a_5xx_from_the_runtime_api_ends_the_runtime() -> None:
    server = _BrokenEnvironmentServer(max_concurrency=4)
    with server, runtime_process(server, f"{APPS}.plain") as runtime:
        assert server.invoke({"n": 1}).result(timeout=WAIT).ok
        server.invoke({"n": 2}, request_id="fail-1")
        status = runtime.wait(WAIT)

    assert status == 1


def test_a_plain_handler_runs_on_its_lane_with_its_own_ids() -> None:
    with environment(3, f"{APPS}.plain") as server:
        invocations = [server.invoke({"n": n}) for n in range(6)]
        done = results(invocations)

    for invocation, result in zip(invocations, done, strict=True):
        assert result.json() == {
            "request_id": invocation.request_id,
            "log_request_id": invocation.request_id,
            "trace_id": invocation.headers["Lambda-Runtime-Trace-Id"],
        }


def test_the_loop_lag_watchdog_names_the_invocation_that_blocked_the_loop(tmp_path: Path) -> None:
    env = {"AWS_LAMBDA_LOG_FORMAT": "JSON", "MANGUM_LOOP_LAG_MS": "100"}
    output = tmp_path / "runtime.log"
    with environment(4, f"{APPS}.handler", env=env, output=output) as server:
        blocker = server.invoke(http_event("/block?ms=600"))
        blocker.result(timeout=WAIT)
        bystander = server.invoke(http_event("/together?n=1"))
        bystander.result(timeout=WAIT)

    lines = log_lines(output)

    stalls = [line for line in lines if line["message"].startswith("The event loop was blocked")]
    # One stall in the blocking route (a loaded machine may add others, elsewhere).
    (warning,) = [
        line for line in stalls if "concurrent_apps.py" in line["message"] and " in block" in line["message"]
    ]
    assert warning["requestId"] == blocker.request_id
    assert warning["level"] == "WARNING"
    assert warning["logger"] == "mangum.runtime"
    assert warning["blockedMs"] >= 100


def test_a_bad_max_concurrency_is_an_init_error() -> None:
    server = RuntimeApiServer()
    with server, runtime_process(server, f"{APPS}.plain", env={"AWS_LAMBDA_MAX_CONCURRENCY": "many"}):
        error = server.wait_init_error(timeout=WAIT)

    assert error is not None
    assert error.error_type == "ValueError"
    assert "AWS_LAMBDA_MAX_CONCURRENCY" in error.error_message


def test_without_the_variable_one_invocation_at_a_time(server: RuntimeApiServer) -> None:
    with runtime_process(server, f"{APPS}.plain"):
        done = results([server.invoke({"n": n}) for n in range(5)])

    assert all(result.ok for result in done)
    assert server.peak_in_flight == 1


def test_sigterm_runs_the_lifespan_shutdown_once_and_ends_the_process_by_sigterm(tmp_path: Path) -> None:
    log = tmp_path / "lifespan.log"
    env = {"RUNTIME_TEST_LIFESPAN_LOG": str(log)}
    with (
        RuntimeApiServer(max_concurrency=4) as server,
        runtime_process(server, f"{APPS}.handler", env=env) as runtime,
    ):
        results([server.invoke(http_event("/together?n=4")) for _ in range(4)])
        runtime.send_signal(signal.SIGTERM)
        status = runtime.wait(WAIT)

    assert status == -signal.SIGTERM
    assert [line.split()[0] for line in log.read_text().splitlines()] == ["startup", "shutdown"]
