"""``python -m mangum.runtime`` in a subprocess with a ``RESPONSE_STREAM`` handler: the chunks reach the
Runtime API as the app produces them, after a prelude shaped like the buffered answer's headers, and
failures end the stream as Lambda expects."""

from __future__ import annotations

import json
import time

from mangum._sources.samples import sample_event
from mangum.local.http_integration import IntegrationResponseReader, split_integration_response
from mangum.local.invocations import Chunk
from mangum.local.runtime_api import RuntimeApiServer
from mangum.local_context import LocalContext
from mangum.streaming import HTTP_INTEGRATION_CONTENT_TYPE
from tests.runtime import apps
from tests.runtime.support import WAIT, gate, runtime_process

STREAMING = "tests.runtime.apps.streaming"


def test_each_event_arrives_before_the_app_is_allowed_to_produce_the_next(server: RuntimeApiServer) -> None:
    received: list[Chunk] = []
    releases: list[float] = []
    with gate() as app_gate, runtime_process(server, STREAMING):
        event = sample_event("function_url", path=f"/events?count=3&gate={app_gate.port}")
        invocation = server.invoke(event)
        reader = IntegrationResponseReader()
        bodies: list[bytes] = []
        for chunk in invocation.chunks(timeout=WAIT):
            received.append(chunk)
            bodies.append(reader.feed(chunk.data))
            if len(received) < 3:
                # The app is now blocked on the gate: nothing more can have been produced.
                assert not invocation.complete
                releases.append(time.monotonic())
                app_gate.release()
        result = invocation.result(timeout=WAIT)

    assert result.ok
    assert result.streamed
    assert result.content_type == HTTP_INTEGRATION_CONTENT_TYPE
    assert bodies == [b"id: 0\ndata: event 0\n\n", b"id: 1\ndata: event 1\n\n", b"id: 2\ndata: event 2\n\n"]
    # Chunk n arrived before the gate let the app produce chunk n+1, and chunk n+1 after it.
    assert received[0].arrived < releases[0] < received[1].arrived < releases[1] < received[2].arrived
    assert reader.prelude is not None
    assert reader.prelude["statusCode"] == 200


def test_the_function_url_prelude_carries_the_buffered_answers_headers_and_cookies(
    server: RuntimeApiServer,
) -> None:
    path = "/events?count=1"
    with runtime_process(server, STREAMING):
        result = server.invoke(sample_event("function_url", path=path)).result(timeout=WAIT)
    buffered = apps.handler(sample_event("function_url", path=path), LocalContext())

    prelude, body = split_integration_response(result.body)
    assert prelude == {
        "statusCode": buffered["statusCode"],
        "headers": buffered["headers"],
        "cookies": buffered["cookies"],
    }
    assert prelude["headers"]["x-multi"] == "one,two"
    assert body.decode() == buffered["body"]


def test_the_rest_api_prelude_uses_multi_value_headers(server: RuntimeApiServer) -> None:
    path = "/events?count=2"
    with runtime_process(server, STREAMING):
        result = server.invoke(sample_event("api_gateway_v1", path=path)).result(timeout=WAIT)
    buffered = apps.handler(sample_event("api_gateway_v1", path=path), LocalContext())

    prelude, body = split_integration_response(result.body)
    assert prelude == {
        "statusCode": 200,
        "headers": buffered["headers"],
        "multiValueHeaders": buffered["multiValueHeaders"],
    }
    assert len(prelude["multiValueHeaders"]["set-cookie"]) == 2
    assert body.decode() == buffered["body"]


def test_a_streamed_body_is_raw_bytes(server: RuntimeApiServer) -> None:
    with runtime_process(server, STREAMING):
        result = server.invoke(sample_event("function_url", path="/binary")).result(timeout=WAIT)

    prelude, body = split_integration_response(result.body)
    assert prelude["headers"]["content-type"] == "application/octet-stream"
    assert body == bytes(range(256))


def test_a_post_body_reaches_the_app(server: RuntimeApiServer) -> None:
    event = sample_event("function_url", method="POST", path="/items/nail?x=1", body='{"count": 3}')
    with runtime_process(server, STREAMING):
        result = server.invoke(event).result(timeout=WAIT)

    _, body = split_integration_response(result.body)
    assert json.loads(body) == {"path": "/items/nail", "query": "x=1", "body": '{"count": 3}'}


def test_an_error_before_the_response_starts_is_a_500_prelude_without_details(
    server: RuntimeApiServer,
) -> None:
    with runtime_process(server, "tests.runtime.apps.raising"):
        result = server.invoke(sample_event("function_url", path="/")).result(timeout=WAIT)

    assert result.ok
    prelude, body = split_integration_response(result.body)
    assert prelude == {
        "statusCode": 500,
        "headers": {"content-type": "text/plain; charset=utf-8"},
        "cookies": [],
    }
    assert body == b"Internal Server Error"


def test_a_framework_500_is_streamed_as_the_framework_sent_it(server: RuntimeApiServer) -> None:
    with runtime_process(server, STREAMING):
        result = server.invoke(sample_event("function_url", path="/broken")).result(timeout=WAIT)

    prelude, body = split_integration_response(result.body)
    assert prelude["statusCode"] == 500
    assert body == b"Internal Server Error"
    assert result.ok


def test_an_error_after_the_response_started_ends_the_stream_with_error_trailers(
    server: RuntimeApiServer,
) -> None:
    with runtime_process(server, STREAMING) as process:
        failed = server.invoke(sample_event("function_url", path="/events?count=4&fail_at=2")).result(
            timeout=WAIT
        )
        after = server.invoke(sample_event("function_url", path="/plain")).result(timeout=WAIT)
        assert process.poll() is None

    prelude, body = split_integration_response(failed.body)
    assert prelude["statusCode"] == 200
    assert body == b"id: 0\ndata: event 0\n\nid: 1\ndata: event 1\n\n"
    assert failed.error is not None
    assert failed.error.error_type == "RuntimeError"
    assert failed.error.error_message == "failed before event 2"
    assert any("fail_at" in line or "raise RuntimeError" in line for line in failed.error.stack_trace)
    # The connection is usable for the next invocation.
    assert after.ok
    assert split_integration_response(after.body)[1] == b"plain"


def test_an_app_that_returns_mid_body_ends_the_stream_with_an_error(server: RuntimeApiServer) -> None:
    with runtime_process(server, "tests.runtime.apps.incomplete"):
        result = server.invoke(sample_event("function_url", path="/")).result(timeout=WAIT)

    _, body = split_integration_response(result.body)
    assert body == b"half"
    assert result.error is not None
    assert result.error.error_type == "UnexpectedMessage"


def test_the_mode_can_come_from_the_environment(server: RuntimeApiServer) -> None:
    with runtime_process(server, "tests.runtime.apps.handler", env={"MANGUM_INVOKE_MODE": "RESPONSE_STREAM"}):
        result = server.invoke(sample_event("function_url", path="/plain")).result(timeout=WAIT)

    assert result.streamed
    assert split_integration_response(result.body)[1] == b"plain"
