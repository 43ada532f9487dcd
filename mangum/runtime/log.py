"""Log lines as the managed Python runtime writes them, in Lambda's text or JSON format.

- Text (the default): ``[LEVEL]\\tUTC time\\trequest id\\tmessage``.
- JSON (``AWS_LAMBDA_LOG_FORMAT=JSON``, Lambda's advanced logging controls): one object a line with
  ``timestamp``, ``level``, ``message``, ``logger`` and ``requestId``, and for a record with an
  exception ``errorType``, ``errorMessage``, ``stackTrace`` and ``location``; attributes given
  with ``extra=`` are added as fields.
- ``AWS_LAMBDA_LOG_LEVEL`` sets the root logger's level (``TRACE`` is ``DEBUG``; ``WARN`` and
  ``FATAL`` are Python's ``WARNING`` and ``CRITICAL``).

The request id of a line is the invocation that wrote it: the one the runtime serves, one at a
time, or, with many in flight at once (:mod:`mangum.runtime.concurrent`), the invocation whose
code (thread, task, or a task or worker thread it started) logs, through a context variable.
"""

from __future__ import annotations

import io
import json
import logging
import os
import sys
import threading
import time
import traceback
from contextvars import ContextVar


class _CurrentRequest(threading.local):
    id = ""


current_request = _CurrentRequest()
"""The id of the invocation being served one at a time, for the log lines."""


class InvocationScope:
    """What the code of one invocation among many in flight sees of it: its request id and X-Ray
    trace header, until :meth:`end` (a task it left running logs without an id afterwards)."""

    __slots__ = ("ended", "request_id", "trace_id")

    def __init__(self, request_id: str, trace_id: str | None) -> None:
        self.request_id = request_id
        self.trace_id = trace_id
        self.ended = False

    def end(self) -> None:
        """The invocation is answered."""
        self.ended = True


current_invocation: ContextVar[InvocationScope | None] = ContextVar("mangum.invocation", default=None)
"""The invocation whose code runs in this context, when many are in flight at once."""


def request_id() -> str:
    """The id of the invocation whose code is running (empty outside any)."""
    scope = current_invocation.get()
    if scope is None:
        return current_request.id
    return "" if scope.ended else scope.request_id


def trace_id() -> str | None:
    """The X-Ray trace header (``Lambda-Runtime-Trace-Id``) of the invocation whose code is running.

    With one invocation at a time it is also in ``os.environ["_X_AMZN_TRACE_ID"]``, as on the
    managed runtime; with many at once the process environment cannot tell them apart, and only
    this function can.
    """
    scope = current_invocation.get()
    if scope is None:
        return os.environ.get("_X_AMZN_TRACE_ID")
    return None if scope.ended else scope.trace_id


FORMAT = "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s"
LEVEL_ALIASES = {"TRACE": "DEBUG", "WARN": "WARNING", "FATAL": "CRITICAL"}
"""Lambda's application log levels that Python names otherwise."""


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # A line logged on behalf of an invocation (the loop-lag watchdog's) names it already.
        if not hasattr(record, "aws_request_id"):
            record.aws_request_id = request_id()
        return True


_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "aws_request_id",
    "taskName",
}


class JsonFormatter(logging.Formatter):
    """One JSON object a line, in the fields of the managed Python runtime's JSON log format."""

    def __init__(self) -> None:
        super().__init__()
        self.converter = time.gmtime

    def format(self, record: logging.LogRecord) -> str:
        # A dict logged alone stays an object, as the managed runtime keeps it.
        dict_alone = isinstance(record.msg, dict) and not record.args
        message: object = record.msg if dict_alone else record.getMessage()
        entry: dict[str, object] = {
            "timestamp": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "message": message,
            "logger": record.name,
        }
        request = getattr(record, "aws_request_id", "")
        if request:
            entry["requestId"] = request
        if record.exc_info and record.exc_info[0] is not None:
            kind, error, trace = record.exc_info
            entry["errorType"] = kind.__name__
            entry["errorMessage"] = str(error)
            entry["stackTrace"] = traceback.format_tb(trace)
            entry["location"] = f"{record.pathname}:{record.funcName}:{record.lineno}"
        for key, value in record.__dict__.items():
            if key not in _RECORD_FIELDS and key not in entry:
                entry[key] = value
        return json.dumps(entry, ensure_ascii=False, default=str)


def log_level(value: str) -> int | None:
    """The Python level of a Lambda application log level name (``None`` for an unknown one)."""
    name = value.strip().upper()
    level = logging.getLevelName(LEVEL_ALIASES.get(name, name))
    # getLevelName maps a known level's name to its number (and anything else to a string).
    return level if isinstance(level, int) else None


def configure_logging() -> None:
    """Send the root logger to stdout, line by line, unless the app already configured it, in the
    format ``AWS_LAMBDA_LOG_FORMAT`` names; the level is ``AWS_LAMBDA_LOG_LEVEL`` when set
    (Lambda's advanced logging controls), else ``WARNING``."""
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler(sys.stdout)
    formatter: logging.Formatter
    if os.environ.get("AWS_LAMBDA_LOG_FORMAT", "").upper() == "JSON":
        formatter = JsonFormatter()
    else:
        formatter = logging.Formatter(FORMAT, "%Y-%m-%dT%H:%M:%S")
        formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(_RequestIdFilter())
    root.addHandler(handler)
    level = log_level(os.environ.get("AWS_LAMBDA_LOG_LEVEL", ""))
    root.setLevel(logging.WARNING if level is None else level)
