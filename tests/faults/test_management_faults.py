"""A Management API that fails, hangs, throttles or answers 410/500 (the loopback server with
injected faults): a post reaches a client at most once, and the invocation answers in time."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator

import pytest

from mangum.websocket.errors import ManagementApiError
from mangum.websocket.management import ManagementApi
from mangum.websocket.runtime import WebSocketRuntime
from mangum.websocket.settings import WebSocketSettings, websocket_settings
from tests.faults.conftest import table_settings
from tests.faults.support import Timed
from tests.support.servers.management_api import (
    FAILED_AFTER_DELIVERY,
    THROTTLED,
    Fault,
    ManagementApiServer,
    Request,
)
from tests.websocket.apps import starlette_chat
from tests.websocket.client import Client, Container
from tests.websocket.conftest import STAGE
from tests.websocket.tables import table_items


@pytest.fixture
def settings(dynalite_endpoint: str, faults: ManagementApiServer) -> WebSocketSettings:
    return table_settings(dynalite_endpoint, faults)


@pytest.fixture
def timed(settings: WebSocketSettings) -> Iterator[Timed]:
    with Container(starlette_chat.make_app(), WebSocketRuntime(settings)) as container:
        yield Timed(container, timeout_ms=1500, margin=0.3)


def echo(text: str) -> str:
    return json.dumps({"action": "echo", "text": text})


def posts_to(server: ManagementApiServer, connection_id: str) -> int:
    return server.state.requests().count(Request("POST", STAGE, connection_id))


def test_a_post_delivered_then_answered_500_is_not_sent_again(
    timed: Timed, faults: ManagementApiServer, caplog: pytest.LogCaptureFixture
) -> None:
    ann = Client(timed, faults)
    ann.connect(query={"name": "ann"})
    faults.state.inject(FAILED_AFTER_DELIVERY)

    assert ann.send(echo("once")) == {"statusCode": 500}

    assert ann.received == [b"once"]
    assert posts_to(faults, ann.id) == 1
    assert any(
        "InternalServerErrorException" in r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR
    )


def test_a_throttled_post_is_sent_again_and_delivered_once(timed: Timed, faults: ManagementApiServer) -> None:
    ann = Client(timed, faults)
    ann.connect(query={"name": "ann"})
    faults.state.inject(Fault(status=429, error_type="LimitExceededException", times=2))

    assert ann.send(echo("patience"))["statusCode"] == 200

    assert ann.received == [b"patience"]
    assert posts_to(faults, ann.id) == 3


def test_a_hanging_post_answers_500_before_the_deadline_and_is_not_repeated(
    timed: Timed, faults: ManagementApiServer, caplog: pytest.LogCaptureFixture
) -> None:
    ann = Client(timed, faults)
    ann.connect(query={"name": "ann"})
    faults.state.inject(Fault(hang=5.0, close=True))

    assert ann.send(echo("stuck")) == {"statusCode": 500}

    assert timed.answered_in_time
    assert posts_to(faults, ann.id) == 1
    logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("the Management API did not answer within" in line for line in logged)
    assert ann.send(echo("next"))["statusCode"] == 200
    assert ann.received == [b"next"]


def test_a_post_cut_off_without_an_answer_is_not_repeated(timed: Timed, faults: ManagementApiServer) -> None:
    ann = Client(timed, faults)
    ann.connect(query={"name": "ann"})
    faults.state.inject(Fault(close=True, delivered=True))

    assert ann.send(echo("maybe")) == {"statusCode": 500}

    assert ann.received == [b"maybe"]
    assert posts_to(faults, ann.id) == 1


def test_a_post_to_a_gone_client_removes_it_and_the_answer_is_200(
    timed: Timed, faults: ManagementApiServer, settings: WebSocketSettings
) -> None:
    ann = Client(timed, faults)
    ann.connect(query={"name": "ann", "room": "hall"})
    ann.leave_silently()

    assert ann.send(echo("gone"))["statusCode"] == 200
    assert table_items(timed.container.runtime.store) == {}
    assert posts_to(faults, ann.id) == 1


def test_closing_is_retried_after_a_500_because_it_is_idempotent(
    settings: WebSocketSettings, faults: ManagementApiServer
) -> None:
    assert settings.api_endpoint is not None
    api = ManagementApi.for_endpoint(settings, settings.api_endpoint)
    target = "close-" + socket.gethostname()
    faults.state.open(target)
    faults.state.inject(Fault(status=500))

    api.close(target)

    assert not faults.state.is_live(target)
    assert faults.state.requests().count(Request("DELETE", STAGE, target)) == 2


def test_an_unreachable_management_api_is_tried_three_times_then_reported(
    dynalite_endpoint: str, faults: ManagementApiServer
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        endpoint = f"http://127.0.0.1:{closed.getsockname()[1]}"  # nothing listens there
    settings = websocket_settings(
        table="unused-table", dynamodb_endpoint=dynalite_endpoint, api_endpoint=endpoint
    )
    api = ManagementApi.for_endpoint(settings, endpoint)

    with pytest.raises(ManagementApiError, match="the Management API could not be reached") as failed:
        api.post("anyone", "hello?")
    assert failed.value.code is None


def test_throttling_on_every_attempt_is_reported_after_three(
    faults: ManagementApiServer, settings: WebSocketSettings
) -> None:
    assert settings.api_endpoint is not None
    api = ManagementApi.for_endpoint(settings, settings.api_endpoint)
    target = "throttled-" + socket.gethostname()
    faults.state.open(target)
    for _ in range(3):
        faults.state.inject(THROTTLED)

    with pytest.raises(ManagementApiError) as failed:
        api.post(target, "never")

    assert failed.value.code == "LimitExceededException"
    assert faults.state.posted(target) == []
    assert faults.state.requests().count(Request("POST", STAGE, target)) == 3
