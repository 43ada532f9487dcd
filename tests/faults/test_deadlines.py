"""Deadlines driven by the clock: the remaining time of a context the test controls, the margin,
and what a deadline bounds (each AWS attempt, the retries, the app)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError

from mangum.config import Config, build_config
from mangum.deadline import (
    DEFAULT_MARGIN,
    MARGIN_VARIABLE,
    Deadline,
    current_deadline,
    deadline_margin,
    deadline_scope,
    remaining_time,
)
from mangum.exceptions import ConfigurationError
from mangum.local_context import LocalContext
from mangum.types import Receive, Scope, Send
from mangum.websocket.aws import OutOfTime, Repeat, call, may_repeat
from mangum.websocket.errors import StoreError
from mangum.websocket.runtime import WebSocketRuntime
from mangum.websocket.settings import WebSocketSettings
from mangum.websocket.stores.dynamodb import ConnectionStore
from tests.faults.clock import ManualClock
from tests.faults.conftest import table_settings
from tests.faults.support import Timed
from tests.support.servers.fault_proxy import FaultProxy, ProxyFault
from tests.support.servers.management_api import ManagementApiServer
from tests.websocket.client import Client, Container
from tests.websocket.factories import message_raw, record


class Context:
    """A stand-in Lambda context whose remaining time is whatever the test says."""

    def __init__(self, millis: object) -> None:
        self.millis = millis

    def get_remaining_time_in_millis(self) -> object:
        return self.millis


def test_a_deadline_counts_down_with_its_clock() -> None:
    clock = ManualClock(1000.0)
    deadline = Deadline.for_invocation(Context(3000), 0.5, clock=clock)
    assert deadline is not None

    assert deadline.remaining() == 2.5
    clock.now += 2.0
    assert (deadline.remaining(), deadline.expired) == (0.5, False)
    assert deadline.within(0.1).remaining() == pytest.approx(0.1)
    assert deadline.within(9.0).remaining() == 0.5
    assert deadline.extended(0.25).remaining() == 0.75
    clock.now += 1.0
    assert (deadline.remaining(), deadline.expired) == (0.0, True)


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        pytest.param(Context(1500), 1.0, id="lambda"),
        pytest.param(Context(300), 0.0, id="less-than-the-margin"),
        pytest.param(Context(0), None, id="zero"),
        pytest.param(Context(-5), None, id="negative"),
        pytest.param(Context("1500"), None, id="not-a-number"),
        pytest.param(Context(True), None, id="bool"),
        pytest.param(Context(float("nan")), None, id="nan"),
        pytest.param(None, None, id="none"),
        pytest.param({}, None, id="dict"),
        pytest.param(object(), None, id="no-method"),
    ],
)
def test_the_remaining_time_minus_the_margin(context: object, expected: float | None) -> None:
    assert remaining_time(context, 0.5) == expected


def test_a_context_that_raises_tells_no_deadline() -> None:
    class Broken:
        def get_remaining_time_in_millis(self) -> int:
            raise RuntimeError("not in Lambda")

    assert Deadline.for_invocation(Broken(), 0.5) is None


def test_local_context_counts_down_in_real_time() -> None:
    remaining = remaining_time(LocalContext(timeout_ms=2000), 0.5)
    assert remaining is not None
    assert 1.0 < remaining <= 1.5


def test_the_margin_comes_from_the_argument_then_the_environment() -> None:
    assert deadline_margin(environ={}) == DEFAULT_MARGIN
    assert deadline_margin(environ={MARGIN_VARIABLE: " 250 "}) == 0.25
    assert deadline_margin(0.1, environ={MARGIN_VARIABLE: "250"}) == 0.1
    assert deadline_margin(0) == 0.0


@pytest.mark.parametrize("value", [-0.1, 61, float("inf"), "0.5", True])
def test_a_bad_margin_argument_is_a_configuration_error(value: object) -> None:
    with pytest.raises(ConfigurationError, match="deadline_margin"):
        deadline_margin(value)


@pytest.mark.parametrize("text", ["soon", "-1", "60001"])
def test_a_bad_margin_variable_names_the_variable(text: str) -> None:
    with pytest.raises(ConfigurationError, match=MARGIN_VARIABLE):
        deadline_margin(environ={MARGIN_VARIABLE: text})


def test_the_adapter_config_carries_the_margin(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Config().deadline_margin == DEFAULT_MARGIN
    assert build_config(deadline_margin=0.2).deadline_margin == 0.2
    monkeypatch.setenv(MARGIN_VARIABLE, "750")
    assert build_config().deadline_margin == 0.75


def test_the_current_deadline_follows_tasks_and_is_restored() -> None:
    outer, inner = Deadline.after(10), Deadline.after(1)

    async def seen_by_a_task() -> Deadline | None:
        return await asyncio.ensure_future(asyncio.sleep(0, current_deadline()))

    with deadline_scope(outer):
        with deadline_scope(inner):
            assert asyncio.run(seen_by_a_task()) is inner
        assert current_deadline() is outer
    assert current_deadline() is None


# --- the retry policy -------------------------------------------------------------------------------


def client_error(code: str, status: int) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code},
            "ResponseMetadata": {
                "HTTPStatusCode": status,
                "HTTPHeaders": {},
                "HostId": "",
                "RequestId": "",
                "RetryAttempts": 0,
            },
        },
        "Operation",
    )


NOT_SENT = [
    EndpointConnectionError(endpoint_url="http://127.0.0.1:9"),
    ConnectTimeoutError(endpoint_url="http://127.0.0.1:9"),
    client_error("LimitExceededException", 429),
    client_error("ProvisionedThroughputExceededException", 400),
    client_error("Whatever", 429),
]
MAYBE_APPLIED = [
    client_error("InternalServerError", 500),
    client_error("ServiceUnavailable", 503),
    ReadTimeoutError(endpoint_url="http://127.0.0.1:9"),
]
FINAL = [client_error("ValidationException", 400), client_error("ForbiddenException", 403), OutOfTime()]


@pytest.mark.parametrize("error", NOT_SENT, ids=lambda error: type(error).__name__)
def test_what_had_no_effect_is_tried_again_even_for_a_post(error: Exception) -> None:
    assert may_repeat(error, Repeat.IF_NOT_SENT)
    assert may_repeat(error, Repeat.IDEMPOTENT)


@pytest.mark.parametrize("error", MAYBE_APPLIED, ids=lambda error: type(error).__name__)
def test_what_may_have_been_applied_is_tried_again_only_when_idempotent(error: Exception) -> None:
    assert not may_repeat(error, Repeat.IF_NOT_SENT)
    assert may_repeat(error, Repeat.IDEMPOTENT)


@pytest.mark.parametrize("error", FINAL, ids=lambda error: type(error).__name__)
def test_errors_of_the_request_itself_are_final(error: Exception) -> None:
    assert not may_repeat(error, Repeat.IDEMPOTENT)


def test_retries_stop_when_the_deadline_leaves_no_room_for_the_backoff() -> None:
    attempts: list[float] = []
    waited: list[float] = []

    def throttled() -> None:
        attempts.append(0)
        raise client_error("ThrottlingException", 400)

    with deadline_scope(Deadline.after(30)), pytest.raises(ClientError):
        call(throttled, Repeat.IDEMPOTENT, sleep=waited.append)
    assert (len(attempts), len(waited)) == (3, 2)

    attempts.clear()
    with deadline_scope(Deadline.after(0.004)), pytest.raises(ClientError):
        call(throttled, Repeat.IDEMPOTENT, sleep=waited.append)
    assert len(attempts) == 1


# --- deadlines over real requests --------------------------------------------------------------------


@pytest.fixture
def settings(proxy: FaultProxy, faults: ManagementApiServer) -> WebSocketSettings:
    return table_settings(proxy.url, faults)


def test_no_request_is_sent_once_the_deadline_has_passed(
    settings: WebSocketSettings, proxy: FaultProxy
) -> None:
    store = ConnectionStore.from_settings(settings)
    before = proxy.seen()

    with (
        deadline_scope(Deadline.after(0)),
        pytest.raises(StoreError, match="not sent: the invocation's deadline"),
    ):
        store.get_connection("anyone")

    assert proxy.seen() == before


def test_a_stalled_attempt_is_cut_at_the_deadline_and_not_retried_past_it(
    settings: WebSocketSettings, proxy: FaultProxy
) -> None:
    store = ConnectionStore.from_settings(settings)
    member = record()
    store.put_connection(member)
    proxy.inject(ProxyFault("stall", operation="GetItem", times=3))

    with deadline_scope(Deadline.after(0.4)) as deadline, pytest.raises(StoreError) as failed:
        store.get_connection(member.connection_id)

    assert deadline is not None
    assert deadline.expired
    assert deadline.remaining() == 0.0
    assert "DynamoDB did not answer within" in str(failed.value)
    assert proxy.seen()["GetItem"] == 1
    proxy.clear()
    assert store.get_connection(member.connection_id) is not None  # no deadline: served normally


@pytest.fixture
def container(settings: WebSocketSettings) -> Iterator[Container]:
    async def hangs_on_message(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        message = await receive()
        if message.get("text") == "hang":
            await asyncio.Event().wait()
        await send({"type": "websocket.send", "text": "fine"})

    with Container(hangs_on_message, WebSocketRuntime(settings)) as made:
        yield made


def test_an_app_still_running_at_the_deadline_is_cancelled_and_logged_where_it_waits(
    container: Container, faults: ManagementApiServer, caplog: pytest.LogCaptureFixture
) -> None:
    timed = Timed(container, timeout_ms=1000, margin=0.3)
    client = Client(timed, faults)
    client.connect()

    assert client.send("hang") == {"statusCode": 500}

    assert timed.answered_in_time
    [logged] = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert "not finished within 0.6" in logged or "not finished within 0.7" in logged
    assert "test_deadlines.py" in logged
    assert "in hangs_on_message" in logged
    assert client.send("next")["statusCode"] == 200
    assert client.received == [b"fine"]


def test_an_invocation_with_no_time_left_sends_nothing_and_answers_at_once(
    container: Container, faults: ManagementApiServer, proxy: FaultProxy, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client(container.invoke, faults)
    client.connect()
    before = proxy.seen()
    late = Timed(container, timeout_ms=200, margin=0.3)

    assert late(message_raw(client.id, "fine")) == {"statusCode": 500}

    assert proxy.seen() == before
    assert late.answered_in_time
    assert any("not sent: the invocation's deadline had passed" in r.getMessage() for r in caplog.records)
