"""The Runtime API server checked against AWS's Node.js runtime client (npm ``aws-lambda-ric``, pinned
in package.json and installed by scripts/setup): its buffered answers, errors, init errors, and its
streamed HTTP integration responses with their prelude and error trailers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from mangum.local.http_integration import split_integration_response
from mangum.local.invocations import InvocationResult
from mangum.local.runtime_api import RuntimeApiServer
from mangum.streaming import HTTP_INTEGRATION_CONTENT_TYPE
from tests.runtime.support import REPO_ROOT, WAIT, runtime_process

RIC = REPO_ROOT / "node_modules" / "aws-lambda-ric" / "index.mjs"
FUNCTION = Path(__file__).resolve().parent / "node_function"


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    assert found is not None, "node is needed (CI machines have it)"
    assert RIC.exists(), f"{RIC} is missing: run scripts/setup (npm ci installs aws-lambda-ric)"
    return found


def _run(node: str, handler: str, events: list[Any]) -> tuple[list[InvocationResult], RuntimeApiServer]:
    with RuntimeApiServer() as server:
        env = {"LAMBDA_TASK_ROOT": str(FUNCTION)}
        with runtime_process(server, handler, env=env, command=(node, str(RIC), handler), cwd=FUNCTION):
            results = [server.invoke(event).result(timeout=WAIT) for event in events]
            if not events:
                server.wait_init_error(WAIT)
    return results, server


def test_a_buffered_answer(node: str) -> None:
    (result,), server = _run(node, "index.buffered", [{"a": 1}])

    assert result.ok
    assert not result.streamed
    answer = result.json()
    assert answer["statusCode"] == 200
    assert json.loads(answer["body"])["event"] == {"a": 1}
    assert json.loads(answer["body"])["arn"] == server.function.arn


def test_an_invocation_error(node: str) -> None:
    (result,), _ = _run(node, "index.fails", [{}])

    assert result.error is not None
    assert (result.error.error_type, result.error.error_message) == ("TypeError", "node says no")
    assert result.error.stack_trace[0] == "TypeError: node says no"


def test_an_init_error(node: str) -> None:
    _, server = _run(node, "index.missing", [])

    (error,) = server.init_errors
    assert error.error_type == "Runtime.HandlerNotFound"


def test_a_streamed_http_integration_response(node: str) -> None:
    (result,), _ = _run(node, "index.stream", [{}])

    assert result.ok
    assert result.streamed
    assert result.content_type == HTTP_INTEGRATION_CONTENT_TYPE
    prelude, body = split_integration_response(result.body)
    assert prelude == {
        "statusCode": 201,
        "headers": {"content-type": "text/event-stream"},
        "cookies": ["session=abc"],
    }
    assert body == b"data: one\n\ndata: two\n\n"
    # Each write went out as its own chunk: the prelude, the delimiter, then each event.
    assert [chunk.data for chunk in result.chunks][-2:] == [b"data: one\n\n", b"data: two\n\n"]
    assert result.chunks[-1].arrived > result.chunks[-2].arrived


def test_a_stream_that_fails_ends_with_error_trailers(node: str) -> None:
    (result,), _ = _run(node, "index.stream", [{"fail": True}])

    assert split_integration_response(result.body)[1] == b"data: one\n\ndata: two\n\n"
    assert result.error is not None
    assert (result.error.error_type, result.error.error_message) == ("Error", "mid-stream failure")
    assert result.error.stack_trace[0] == "Error: mid-stream failure"
