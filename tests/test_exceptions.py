"""mangum's errors (every ``MangumError``, and ``DeadlineExceeded``) survive pickling whole, for a
worker process, a multiprocessing pool, a log handler that ships records: the same class, message,
attributes and notes."""

from __future__ import annotations

import copy
import pickle
import sys

import pytest

from mangum.events.authorizers.responses import Unauthorized
from mangum.exceptions import (
    ConfigurationError,
    DeadlineExceeded,
    FieldError,
    InvalidBody,
    InvalidEvent,
    UnsupportedEvent,
)
from mangum.websocket.api import BroadcastIncomplete, BroadcastResult
from mangum.websocket.errors import (
    ClientDisconnected,
    ConnectionExists,
    ConnectionGone,
    InvalidGroupName,
    ManagementApiError,
    StoreError,
    TableExists,
    UnknownConnection,
)


@pytest.mark.parametrize(
    "error",
    [
        UnsupportedEvent("no source matches", ("api_gateway_v1", "alb")),
        InvalidEvent("ApiGatewayV2Event", (FieldError("rawPath", "Field required", "missing"),)),
        InvalidBody("the body is not valid base64"),
        InvalidBody("the body does not parse", (FieldError("name", "Field required", "missing"),)),
        DeadlineExceeded("blocking the thread"),
        ConfigurationError("lifespan must be 'auto', 'on' or 'off'"),
        StoreError("put_connection", "throttled", permanent=True),
        TableExists("connections", False, "its key is not connection_id"),
        ConnectionExists("abc="),
        UnknownConnection("abc="),
        ConnectionGone("abc="),
        ManagementApiError("post", "abc=", None, "timed out"),
        ClientDisconnected("abc="),  # an OSError too, whose __new__ keeps no args of a subclass
        InvalidGroupName("the group name is empty"),
        Unauthorized(),
    ],
    ids=lambda error: type(error).__name__,
)
def test_an_error_crosses_a_process_boundary_whole(error: BaseException) -> None:
    if sys.version_info >= (3, 11):
        error.add_note("raised in a worker")
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert str(again) == str(error)
    assert again.args == error.args
    assert vars(again) == vars(error)
    if sys.version_info >= (3, 11):
        assert again.__notes__ == ["raised in a worker"]


def test_an_error_holding_other_errors_brings_them_back() -> None:
    failure = ManagementApiError("post", "b=", "ThrottlingException")
    error = BroadcastIncomplete(BroadcastResult("room", ("a=",), ()), {"b=": failure})
    again = pickle.loads(pickle.dumps(error))
    assert str(again) == str(error)
    assert again.result == error.result
    assert [(key, type(value), str(value), value.code) for key, value in again.failures.items()] == [
        ("b=", ManagementApiError, str(failure), "ThrottlingException")
    ]


def test_an_error_that_refers_to_itself_comes_back_whole() -> None:
    error = ConnectionGone("abc=")
    vars(error)["seen_by"] = [error]  # an attribute leading back to the error
    for again in (pickle.loads(pickle.dumps(error)), copy.deepcopy(error)):
        assert type(again) is ConnectionGone
        assert str(again) == str(error)
        assert again.connection_id == "abc="
        assert vars(again)["seen_by"][0] is again
