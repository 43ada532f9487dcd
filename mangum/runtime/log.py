"""Log lines as the managed Python runtime writes them: level, UTC time, request id, message."""

from __future__ import annotations

import io
import logging
import os
import sys
import threading
import time


class _CurrentRequest(threading.local):
    id = ""


current_request = _CurrentRequest()
"""The id of the invocation being served, for the log lines."""

FORMAT = "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s"


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = current_request.id
        return True


def configure_logging() -> None:
    """Send the root logger to stdout, line by line, unless the app already configured it; the level
    is ``AWS_LAMBDA_LOG_LEVEL`` when set (Lambda's advanced logging controls), else ``WARNING``."""
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler(sys.stdout)
    formatter = logging.Formatter(FORMAT, "%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(_RequestIdFilter())
    root.addHandler(handler)
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper()
    # getLevelName maps a known level's name to its number (and anything else to a string).
    root.setLevel(level if isinstance(logging.getLevelName(level), int) else logging.WARNING)
