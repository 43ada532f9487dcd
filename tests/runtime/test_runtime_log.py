"""The runtime's log lines: Lambda's JSON format field for field as the managed Python runtime writes
it (awslambdaric's own formatter is the reference), the levels Lambda names, and the request id of
each line taken from the invocation whose code logged it."""

from __future__ import annotations

import io
import json
import logging
import sys
import threading
from collections.abc import Iterator

import pytest
from awslambdaric.lambda_runtime_log_utils import (  # type: ignore[import-untyped]  # no type information
    JsonFormatter as ManagedRuntimeJsonFormatter,
)

from mangum.runtime import log
from mangum.runtime.log import InvocationScope, JsonFormatter, current_invocation, log_level, request_id


def _record(message: object, *args: object, error: bool = False, **extra: object) -> logging.LogRecord:
    exc_info = None
    if error:
        try:
            raise KeyError("missing")
        except KeyError:
            exc_info = sys.exc_info()
    record = logging.LogRecord("app.orders", logging.ERROR, "/var/task/app.py", 12, message, args, exc_info)
    record.funcName = "create"
    record.aws_request_id = "req-1"
    record.__dict__.update(extra)
    return record


@pytest.mark.parametrize(
    ("message", "args", "error", "extra"),
    [
        ("order %s refused", ("A1",), False, {}),
        ("failed", (), True, {}),
        ({"event": "stock", "left": 3}, (), False, {}),
        ("with extra", (), False, {"orderId": "A1", "total": 12.5}),
    ],
    ids=["text", "exception", "dict", "extra"],
)
def test_json_lines_have_the_managed_runtimes_fields(
    message: object, args: tuple[object, ...], error: bool, extra: dict[str, object]
) -> None:
    ours = json.loads(JsonFormatter().format(_record(message, *args, error=error, **extra)))
    reference = json.loads(
        ManagedRuntimeJsonFormatter().format(_record(message, *args, error=error, **extra))
    )

    reference.pop("timestamp")  # the same instant; ours carries milliseconds, as Lambda's examples do
    assert ours.pop("timestamp").endswith("Z")
    # awslambdaric adds asyncio's task name on 3.12+ and its frame type; neither is a log field.
    for name in ("taskName", "_frame_type"):
        reference.pop(name, None)
    assert ours == reference


def test_json_timestamps_are_utc_with_milliseconds() -> None:
    record = _record("x")
    record.created, record.msecs = 0.25, 250.0

    assert json.loads(JsonFormatter().format(record))["timestamp"] == "1970-01-01T00:00:00.250Z"


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("TRACE", logging.DEBUG),
        ("debug", logging.DEBUG),
        ("INFO", logging.INFO),
        ("WARN", logging.WARNING),
        ("ERROR", logging.ERROR),
        ("FATAL", logging.CRITICAL),
        ("LOUD", None),
        ("", None),
    ],
)
def test_lambda_log_levels(name: str, level: int | None) -> None:
    assert log_level(name) == level


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    """The root logger, restored afterwards (a test empties it for :func:`log.configure_logging`
    once pytest's own capturing handlers are in place)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield root
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.parametrize("log_format", ["JSON", "Text"])
def test_each_line_carries_the_request_id_of_the_invocation_that_wrote_it(
    root_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch, log_format: str
) -> None:
    monkeypatch.setenv("AWS_LAMBDA_LOG_FORMAT", log_format)
    monkeypatch.setenv("AWS_LAMBDA_LOG_LEVEL", "INFO")
    output = io.StringIO()
    monkeypatch.setattr(sys, "stdout", output)
    root_logger.handlers.clear()
    log.configure_logging()
    assert root_logger.level == logging.INFO
    all_in = threading.Barrier(4)

    def invocation(number: int) -> None:
        scope = InvocationScope(f"req-{number}", None)
        current_invocation.set(scope)  # a fresh thread: its own context
        all_in.wait()
        logging.getLogger("app").info("from %d", number)
        scope.end()
        logging.getLogger("app").info("after %d", number)

    threads = [threading.Thread(target=invocation, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    lines = output.getvalue().splitlines()
    if log_format == "JSON":
        found = {(entry["message"], entry.get("requestId")) for entry in map(json.loads, lines)}
    else:
        found = {(line.split("\t")[3], line.split("\t")[2] or None) for line in lines}
    assert found == {(f"from {n}", f"req-{n}") for n in range(4)} | {(f"after {n}", None) for n in range(4)}


def test_one_invocation_at_a_time_keeps_the_thread_local_id() -> None:
    log.current_request.id = "sequential"
    try:
        assert request_id() == "sequential"
        token = current_invocation.set(InvocationScope("among-many", "Root=1-x"))
        assert request_id() == "among-many"
        assert log.trace_id() == "Root=1-x"
        current_invocation.reset(token)
    finally:
        log.current_request.id = ""
