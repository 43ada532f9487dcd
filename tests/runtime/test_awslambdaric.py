"""The Runtime API server checked against AWS's own Python runtime client (``awslambdaric``, pinned in
requirements-dev.txt): what it posts is read as this package's client posts it, and the two runtimes
give the same answers, errors and context for the same handler."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from mangum._sources.samples import sample_event
from mangum.local.runtime_api import RuntimeApiServer
from tests.runtime.support import WAIT, runtime_process

AWSLAMBDARIC: tuple[str, ...] = (sys.executable, "-m", "awslambdaric")
RUNTIMES: dict[str, tuple[str, ...]] = {
    "mangum.runtime": (sys.executable, "-m", "mangum.runtime"),
    "awslambdaric": AWSLAMBDARIC,
}


def _serve(server: RuntimeApiServer, runtime: str, handler: str, events: list[Any]) -> list[Any]:
    command = RUNTIMES[runtime]
    if runtime == "awslambdaric":
        command = (*command, handler)
    with runtime_process(server, handler, command=command):
        return [server.invoke(event).result(timeout=WAIT) for event in events]


def test_both_runtimes_give_the_same_buffered_answers(server: RuntimeApiServer) -> None:
    events = [
        sample_event(source, method=method, path=path, body=body)
        for source in ("api_gateway_v1", "api_gateway_v2", "function_url", "alb")
        for method, path, body in [
            ("GET", "/items/saw?q=1", None),
            ("POST", "/items/x", "{}"),
            ("GET", "/binary", None),
        ]
    ]
    ours = _serve(server, "mangum.runtime", "tests.runtime.apps.handler", events)
    theirs = _serve(server, "awslambdaric", "tests.runtime.apps.handler", events)

    assert all(result.ok for result in ours + theirs)
    assert [result.json() for result in ours] == [result.json() for result in theirs]
    assert {result.content_type for result in theirs} == {"application/json"}


def test_both_runtimes_build_the_same_context(server: RuntimeApiServer) -> None:
    answers = {}
    for runtime in RUNTIMES:
        command = (
            RUNTIMES[runtime] if runtime == "mangum.runtime" else (*AWSLAMBDARIC, "tests.runtime.apps.echo")
        )
        with runtime_process(server, "tests.runtime.apps.echo", command=command):
            invocation = server.invoke(
                {"n": 1},
                request_id=f"req-{runtime}",
                cognito_identity={"cognitoIdentityId": "id-1", "cognitoIdentityPoolId": "pool-1"},
                client_context={"client": {"app_title": "Field app"}, "custom": {"k": "v"}, "env": {}},
            )
            answer = invocation.result(timeout=WAIT).json()
        assert 0 < answer.pop("remaining_ms") <= server.function.timeout_s * 1000
        assert answer.pop("request_id") == f"req-{runtime}"
        assert answer.pop("trace_id") == invocation.headers["Lambda-Runtime-Trace-Id"]
        answers[runtime] = answer

    # awslambdaric passes the memory size on as the environment's string; mangum.types says int.
    assert answers["mangum.runtime"].pop("memory") == int(answers["awslambdaric"].pop("memory")) == 128
    assert answers["mangum.runtime"] == answers["awslambdaric"]
    assert answers["awslambdaric"]["identity"] == "id-1"


def test_both_runtimes_report_a_handler_exception_alike(server: RuntimeApiServer) -> None:
    (ours,) = _serve(server, "mangum.runtime", "tests.runtime.apps.echo", [{"fail": "x"}])
    (theirs,) = _serve(server, "awslambdaric", "tests.runtime.apps.echo", [{"fail": "x"}])

    assert ours.error is not None
    assert theirs.error is not None
    assert (
        set(ours.error.payload)
        == set(theirs.error.payload)
        == {"errorMessage", "errorType", "requestId", "stackTrace"}
    )
    assert (ours.error.error_type, ours.error.error_message) == (
        theirs.error.error_type,
        theirs.error.error_message,
    )
    assert ours.error.stack_trace[-1] == theirs.error.stack_trace[-1]


@pytest.mark.parametrize(
    "handler",
    [
        "tests.runtime.missing_module.handler",
        "tests.runtime.apps.nowhere",
        "handler",
        "tests.runtime.broken_module.handler",
    ],
)
def test_both_runtimes_report_an_init_failure_alike(handler: str) -> None:
    errors = {}
    for runtime, command in RUNTIMES.items():
        with RuntimeApiServer() as server:
            run = command if runtime == "mangum.runtime" else (*command, handler)
            with runtime_process(server, handler, command=run) as process:
                errors[runtime] = server.wait_init_error(WAIT)
                assert process.wait(WAIT) != 0
    ours, theirs = errors["mangum.runtime"], errors["awslambdaric"]

    assert ours is not None
    assert theirs is not None
    assert ours.error_type == theirs.error_type
    if handler != "handler":  # their malformed-name message quotes Python's unpacking error
        assert ours.error_message == theirs.error_message
