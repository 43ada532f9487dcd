"""A handler that cannot be loaded is posted to ``/runtime/init/error`` under the managed runtime's
error type, and the runtime exits with status 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mangum.local.runtime_api import RuntimeApiServer
from tests.runtime.support import WAIT, runtime_process


@pytest.mark.parametrize(
    ("handler", "error_type", "message"),
    [
        ("tests.runtime.missing_module.handler", "Runtime.ImportModuleError", "Unable to import module"),
        ("tests.runtime.apps.nowhere", "Runtime.HandlerNotFound", "Handler 'nowhere' missing on module"),
        ("tests.runtime.not_callable.handler", "Runtime.HandlerNotFound", "is a str, not callable"),
        ("handler", "Runtime.MalformedHandlerName", "Bad handler 'handler'"),
        ("sys.handler", "Runtime.BuiltInModuleConflict", "Cannot use built-in module sys"),
        ("tests.runtime.broken_module.handler", "RuntimeError", "configuration missing: DATABASE_URL"),
    ],
)
def test_an_init_failure_is_reported_and_ends_the_process(
    server: RuntimeApiServer, handler: str, error_type: str, message: str
) -> None:
    with runtime_process(server, handler) as process:
        error = server.wait_init_error(WAIT)
        status = process.wait(WAIT)

    assert status == 1
    assert error is not None
    assert error.error_type == error_type
    assert message in error.error_message
    assert set(error.payload) >= {"errorType", "errorMessage", "stackTrace"}
    assert server.delivered == 0


def test_an_exception_during_import_carries_its_traceback(server: RuntimeApiServer) -> None:
    with runtime_process(server, "tests.runtime.broken_module.handler"):
        error = server.wait_init_error(WAIT)

    assert error is not None
    assert any("broken_module.py" in line for line in error.stack_trace)


def test_a_syntax_error_names_the_file_and_line_and_the_task_root_is_on_the_path(
    server: RuntimeApiServer, tmp_path: Path
) -> None:
    (tmp_path / "faulty.py").write_text("def handler(event, context)\n    return 1\n")
    with runtime_process(server, "faulty.handler", env={"LAMBDA_TASK_ROOT": str(tmp_path)}, cwd=tmp_path):
        error = server.wait_init_error(WAIT)

    assert error is not None
    assert error.error_type == "Runtime.UserCodeSyntaxError"
    assert "faulty.py" in error.stack_trace[0]
    assert "Line 1" in error.stack_trace[0]


def test_a_handler_in_the_task_root_is_served(server: RuntimeApiServer, tmp_path: Path) -> None:
    (tmp_path / "lambda_function.py").write_text("def handler(event, context):\n    return event['x'] * 2\n")
    with runtime_process(server, "lambda_function.handler", env={"LAMBDA_TASK_ROOT": str(tmp_path)}):
        result = server.invoke({"x": 21}).result(timeout=WAIT)

    assert result.json() == 42


def test_without_a_runtime_api_the_runtime_says_so() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "mangum.runtime"],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        capture_output=True,
        text=True,
        timeout=WAIT,
        check=False,
    )

    assert completed.returncode == 2
    assert "AWS_LAMBDA_RUNTIME_API is not set" in completed.stderr


def test_a_runtime_api_that_goes_away_ends_the_runtime_with_status_1() -> None:
    server = RuntimeApiServer().start()
    with runtime_process(server, "tests.runtime.apps.echo") as process:
        assert server.invoke({}).result(timeout=WAIT).ok
        server.close()
        assert process.wait(WAIT) == 1
