"""Errors as the Runtime API takes them: the managed Python runtime's ``{errorMessage, errorType,
requestId, stackTrace}`` JSON, and the two trailers that end a failed stream."""

from __future__ import annotations

import base64
import json
import traceback
from pathlib import Path

_RUNTIME_DIR = str(Path(__file__).resolve().parent)

ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"
ERROR_BODY_TRAILER = "Lambda-Runtime-Function-Error-Body"


class InitError(Exception):
    """A failure the managed runtime reports under a name of its own (``error_type``): the handler
    cannot be loaded (``Runtime.ImportModuleError``, ``Runtime.HandlerNotFound``, ...), or an event
    cannot be decoded (``Runtime.UnmarshalError``)."""

    def __init__(self, error_type: str, message: str, stack_trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.stack_trace = stack_trace or []


def error_payload(error: BaseException, request_id: str = "") -> dict[str, object]:
    """The JSON body reporting ``error``: its class name, message and traceback, one entry a frame."""
    if isinstance(error, InitError):
        return {
            "errorMessage": error.message,
            "errorType": error.error_type,
            "requestId": request_id,
            "stackTrace": error.stack_trace,
        }
    frames = traceback.extract_tb(error.__traceback__)
    # Like the managed runtime, start the trace at the user's code, not at the runtime's own frames.
    while len(frames) > 1 and frames[0].filename.startswith(_RUNTIME_DIR):
        frames = traceback.StackSummary.from_list(frames[1:])
    return {
        "errorMessage": str(error),
        "errorType": type(error).__name__,
        "requestId": request_id,
        "stackTrace": traceback.format_list(frames),
    }


def error_trailers(error: BaseException, request_id: str = "") -> bytes:
    """The trailer section (after the last chunk) that reports ``error`` at the end of a stream."""
    payload = error_payload(error, request_id)
    body = base64.b64encode(json.dumps(payload).encode()).decode("ascii")
    # Field values may not hold CR or LF; a class name never does, but be sure.
    error_type = str(payload["errorType"]).replace("\r", " ").replace("\n", " ")
    return f"{ERROR_TYPE_HEADER}: {error_type}\r\n{ERROR_BODY_TRAILER}: {body}\r\n".encode(
        "latin-1", "replace"
    )
