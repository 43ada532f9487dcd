"""``python -m mangum.runtime`` in a subprocess, buffered: the answers are those of the handler called
in process, the context is built from the Runtime API's headers, and errors take the managed runtime's
shape without ending the process."""

from __future__ import annotations

import time

import pytest

from mangum._sources.samples import sample_event
from mangum.local.runtime_api import RuntimeApiServer
from mangum.local_context import LocalContext
from mangum.runtime.client import PIPELINING_VARIABLE
from tests.runtime import apps
from tests.runtime.support import WAIT, runtime_process, wait_until

SOURCES = ["api_gateway_v1", "api_gateway_v2", "function_url", "alb", "alb_multi_value", "cloudfront"]


def _requests() -> list[tuple[str, str, str, str | None]]:
    return [
        (source, method, path, body)
        for source in SOURCES
        for method, path, body in [
            ("GET", "/items/saw?colour=red&colour=blue", None),
            ("POST", "/items/nail", '{"count": 3}'),
            ("GET", "/binary", None),
            ("GET", "/broken", None),
            ("GET", "/missing", None),
        ]
    ]


def test_answers_equal_the_handler_called_in_process(server: RuntimeApiServer) -> None:
    cases = _requests()
    with runtime_process(server, "tests.runtime.apps.handler"):
        for source, method, path, body in cases:
            event = sample_event(source, method=method, path=path, body=body)
            result = server.invoke(event).result(timeout=WAIT)

            assert result.ok, (source, path, result.error)
            assert not result.streamed
            assert result.content_type == "application/json"
            assert result.json() == apps.handler(event, LocalContext()), (source, path)


def test_an_app_error_is_a_plain_500_without_details(server: RuntimeApiServer) -> None:
    with runtime_process(server, "tests.runtime.apps.handler"):
        result = server.invoke(sample_event("api_gateway_v2", path="/broken")).result(timeout=WAIT)

    assert result.ok
    answer = result.json()
    assert answer["statusCode"] == 500
    assert answer["body"] == "Internal Server Error"
    assert "LookupError" not in result.body.decode()


def test_the_context_comes_from_the_runtime_api_headers(server: RuntimeApiServer) -> None:
    with runtime_process(server, "tests.runtime.apps.echo"):
        before_ms = time.time() * 1000
        invocation = server.invoke(
            {"n": 1},
            request_id="req-0001",
            cognito_identity={"cognitoIdentityId": "eu-west-1:abc", "cognitoIdentityPoolId": "pool"},
            client_context={"client": {"app_title": "Field app"}, "custom": {}, "env": {}},
        )
        result = invocation.result(timeout=WAIT)
        after_ms = time.time() * 1000

    answer = result.json()
    deadline = int(invocation.headers["Lambda-Runtime-Deadline-Ms"])
    assert answer["event"] == {"n": 1}
    assert answer["request_id"] == "req-0001"
    assert answer["function_name"] == server.function.name
    assert answer["memory"] == server.function.memory_mb
    assert answer["arn"] == server.function.arn
    assert answer["identity"] == "eu-west-1:abc"
    assert answer["client_app"] == "Field app"
    assert answer["trace_id"] == invocation.headers["Lambda-Runtime-Trace-Id"]
    # The remaining time counts down to the deadline the API sent, from when the handler ran.
    assert deadline - after_ms - 1 <= answer["remaining_ms"] <= deadline - before_ms + 1


def test_the_remaining_time_is_never_negative(server: RuntimeApiServer) -> None:
    late = RuntimeApiServer(function=type(server.function)(timeout_s=-5)).start()
    try:
        with runtime_process(late, "tests.runtime.apps.echo"):
            answer = late.invoke({}).result(timeout=WAIT).json()
    finally:
        late.close()

    assert answer["remaining_ms"] == 0


def test_a_handler_exception_is_posted_to_error_and_the_runtime_goes_on(server: RuntimeApiServer) -> None:
    with runtime_process(server, "tests.runtime.apps.echo") as process:
        failed = server.invoke({"fail": "on purpose"}, request_id="req-fail").result(timeout=WAIT)
        after = server.invoke({"n": 2}).result(timeout=WAIT)
        assert process.poll() is None

    assert failed.error is not None
    assert failed.error.error_type == "ValueError"
    assert failed.error.error_message == "asked to fail: on purpose"
    assert failed.error.payload["requestId"] == "req-fail"
    # The trace starts at the handler, not in the runtime's own loop.
    assert "tests/runtime/apps.py" in failed.error.stack_trace[0]
    assert "raise ValueError" in failed.error.stack_trace[-1]
    assert after.ok
    assert after.json()["event"] == {"n": 2}


def test_a_result_that_is_not_json_is_a_marshal_error(server: RuntimeApiServer) -> None:
    with runtime_process(server, "tests.runtime.apps.echo"):
        result = server.invoke({"unserializable": True}).result(timeout=WAIT)

    assert result.error is not None
    assert result.error.error_type == "MarshalError"
    assert result.error.error_message.startswith("Unable to marshal response")


def test_an_event_that_is_not_json_is_an_invocation_error(server: RuntimeApiServer) -> None:
    with runtime_process(server, "tests.runtime.apps.echo"):
        result = server.invoke(b"{not json").result(timeout=WAIT)

    assert result.error is not None
    assert result.error.error_type == "Runtime.UnmarshalError"
    assert result.error.error_message.startswith("Unable to unmarshal input")


def test_a_result_lambda_refuses_as_too_large_fails_the_invocation(server: RuntimeApiServer) -> None:
    with runtime_process(server, "tests.runtime.apps.echo") as process:
        result = server.invoke({"big": 7_000_000}).result(timeout=WAIT)
        after = server.invoke({"n": 3}).result(timeout=WAIT)
        assert process.poll() is None

    assert result.error is not None
    assert result.error.error_type == "Function.ResponseSizeTooLarge"
    assert after.ok


@pytest.mark.parametrize("mode", ["BUFFERED", "RESPONSE_STREAM"])
def test_sources_that_cannot_stream_are_answered_buffered_in_either_mode(
    server: RuntimeApiServer, mode: str
) -> None:
    event = sample_event("api_gateway_v2", path="/items/saw")
    with runtime_process(server, "tests.runtime.apps.handler", env={"MANGUM_INVOKE_MODE": mode}):
        result = server.invoke(event).result(timeout=WAIT)

    assert not result.streamed
    assert result.json() == apps.handler(event, LocalContext())


PIPELINING = {PIPELINING_VARIABLE: "1"}


def test_a_pipelining_runtime_asks_for_the_next_invocation_with_each_answer(server: RuntimeApiServer) -> None:
    with runtime_process(server, "tests.runtime.apps.handler", env=PIPELINING):
        for source, method, path, body in _requests()[:10]:
            event = sample_event(source, method=method, path=path, body=body)
            result = server.invoke(event).result(timeout=WAIT)
            # Its /next arrived with the answer: it is waiting before anything else is invoked.
            wait_until(lambda: server.waiting == 1)

            assert result.ok, (source, path, result.error)
            assert result.json() == apps.handler(event, LocalContext()), (source, path)
        assert server.delivered == 10


def test_a_pipelining_runtime_still_fails_a_result_too_large_and_goes_on(server: RuntimeApiServer) -> None:
    with runtime_process(server, "tests.runtime.apps.echo", env=PIPELINING) as process:
        before = server.invoke({"n": 1}).result(timeout=WAIT)
        result = server.invoke({"big": 7_000_000}).result(timeout=WAIT)
        failed = server.invoke(b"{not json").result(timeout=WAIT)
        after = server.invoke({"n": 3}).result(timeout=WAIT)
        assert process.poll() is None

    assert before.ok
    assert after.ok
    assert after.json()["event"] == {"n": 3}
    assert result.error is not None
    assert result.error.error_type == "Function.ResponseSizeTooLarge"
    assert failed.error is not None
    assert failed.error.error_type == "Runtime.UnmarshalError"
