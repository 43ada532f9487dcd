"""``python -m mangum.runtime`` when the Runtime API answers what it cannot go on from: a 500 to
``/response`` or ``/error`` (a non-recoverable state: exit at once, posting nothing more), an
invocation without a request id (a clear error, the event kept out of the log), a request id that
cannot go into a request line (refused before any is built)."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest

from mangum._sources.samples import sample_event
from tests.runtime.scripted_api import Script, scripted_api
from tests.runtime.support import REPO_ROOT, WAIT

SECRET_EVENT = json.dumps({"secret": "sk-event-" + "x" * 600}).encode()


def _run(script: Script, handler: str) -> tuple[int, str]:
    """Run the runtime on ``script`` until it exits: its status and output."""
    with scripted_api(script) as address:
        environment = {
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(REPO_ROOT),
            "AWS_LAMBDA_RUNTIME_API": address,
            "_HANDLER": handler,
            "LAMBDA_TASK_ROOT": str(REPO_ROOT),
        }
        finished = subprocess.run(
            [sys.executable, "-m", "mangum.runtime"],
            env=environment,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=WAIT,
        )
    return finished.returncode, finished.stdout + finished.stderr


def _invocation(request_id: str | None, event: bytes = SECRET_EVENT) -> tuple[dict[str, str], bytes]:
    headers = {} if request_id is None else {"Lambda-Runtime-Aws-Request-Id": request_id}
    return headers, event


STREAMED_EVENT = json.dumps(sample_event("function_url", path="/plain")).encode()


@pytest.mark.parametrize(
    ("handler", "event", "posted"),
    [
        pytest.param("tests.runtime.apps.echo", SECRET_EVENT, "response", id="buffered"),
        pytest.param("tests.runtime.apps.streaming", STREAMED_EVENT, "response", id="streamed"),
        pytest.param("tests.runtime.apps.echo", b'{"fail": "on purpose"}', "error", id="error"),
    ],
)
def test_a_500_to_the_answer_ends_the_runtime_at_once(handler: str, event: bytes, posted: str) -> None:
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    script = Script([_invocation(first, event), _invocation(second, event)], post_status=500)
    status, output = _run(script, handler)
    assert status == 1
    assert "answered 500" in output
    # Nothing after the refused answer: no /error for it, no second /next.
    assert script.requests == [
        "GET /2018-06-01/runtime/invocation/next",
        f"POST /2018-06-01/runtime/invocation/{first}/{posted}",
    ]


def test_an_invocation_without_a_request_id_is_a_clear_error_without_the_event() -> None:
    script = Script([_invocation(None)])
    status, output = _run(script, "tests.runtime.apps.echo")
    assert status == 1
    assert "without a Lambda-Runtime-Aws-Request-Id header" in output
    assert "sk-event" not in output
    assert script.requests == ["GET /2018-06-01/runtime/invocation/next"]


@pytest.mark.parametrize("request_id", ["../../init/error", "a b", "id?x=1", "x" * 200, "%2e%2e"])
def test_a_request_id_that_cannot_go_into_a_path_is_refused_before_any_post(request_id: str) -> None:
    script = Script([_invocation(request_id)])
    status, output = _run(script, "tests.runtime.apps.echo")
    assert status == 1
    assert "which is not one" in output
    assert script.requests == ["GET /2018-06-01/runtime/invocation/next"]
