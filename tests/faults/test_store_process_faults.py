"""A DynamoDB that stalls (its process stopped with SIGSTOP) or dies (SIGKILL): every invocation
still answers before Lambda's deadline, says what stalled, and the next one after recovery is
served normally; a DISCONNECT that could not be recorded does not let the connection come back."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from mangum.websocket.runtime import WebSocketRuntime
from tests.faults.conftest import table_settings
from tests.faults.support import Timed, inspect
from tests.support.servers.dynalite import DynaliteProcess
from tests.support.servers.management_api import ManagementApiServer
from tests.websocket.apps import starlette_chat
from tests.websocket.client import Client, Container
from tests.websocket.tables import table_items

TIMEOUT_MS = 1500


@pytest.fixture
def container(dynalite: DynaliteProcess, faults: ManagementApiServer) -> Iterator[Container]:
    with Container(starlette_chat.make_app(), WebSocketRuntime(table_settings(dynalite.url, faults))) as made:
        yield made


@pytest.fixture
def timed(container: Container) -> Timed:
    return Timed(container, timeout_ms=TIMEOUT_MS, margin=0.3)


def echo(text: str) -> str:
    return json.dumps({"action": "echo", "text": text})


def errors(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR)


def test_a_stalled_dynamodb_answers_500_in_time_naming_the_read_then_recovers(
    dynalite: DynaliteProcess, timed: Timed, faults: ManagementApiServer, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client(timed, faults)
    assert client.connect(query={"name": "ann"})["statusCode"] == 200

    dynalite.pause()
    try:
        stalled = client.send(echo("lost"))
    finally:
        dynalite.resume()

    assert stalled == {"statusCode": 500}
    assert timed.answered_in_time
    assert "get_connection failed: DynamoDB did not answer within" in errors(caplog)
    assert "invocation's deadline" in errors(caplog)
    assert client.send(echo("after"))["statusCode"] == 200
    assert client.received == [b"after"]


def test_a_connect_whose_record_stalls_is_refused_in_time_and_leaves_no_record(
    dynalite: DynaliteProcess, timed: Timed, container: Container, faults: ManagementApiServer
) -> None:
    client = Client(timed, faults)

    dynalite.pause()
    try:
        refused = client.connect(query={"name": "ann", "room": "lobby"})
    finally:
        dynalite.resume()

    assert refused == {"statusCode": 500}
    assert timed.answered_in_time
    # The stalled put is applied once dynalite resumes; the container deletes it on its next call.
    assert container.runtime.store.unfinished_deletions == (client.id,)
    other = Client(timed, faults)
    assert other.connect(query={"name": "bob"})["statusCode"] == 200
    assert set(table_items(container.runtime.store)) == {(f"conn#{other.id}", "record")}
    assert not container.runtime.store.unfinished_deletions


def test_a_killed_dynamodb_answers_500_at_once_then_serves_after_a_restart(
    dynalite: DynaliteProcess, timed: Timed, faults: ManagementApiServer, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client(timed, faults)
    assert client.connect(query={"name": "ann"})["statusCode"] == 200

    dynalite.kill()
    assert client.send(echo("lost")) == {"statusCode": 500}
    assert timed.answered_in_time
    assert "DynamoDB could not be reached" in errors(caplog)

    dynalite.restart()
    assert client.send(echo("after"))["statusCode"] == 200
    assert client.received == [b"after"]


@pytest.mark.parametrize("fault", ["pause", "kill"])
def test_a_disconnect_the_store_missed_never_lets_a_later_message_run_the_app(
    fault: str, dynalite: DynaliteProcess, timed: Timed, container: Container, faults: ManagementApiServer
) -> None:
    ann, bob = Client(timed, faults), Client(timed, faults)
    assert ann.connect(query={"name": "ann", "room": "hall"})["statusCode"] == 200
    assert bob.connect(query={"name": "bob", "room": "hall"})["statusCode"] == 200

    if fault == "pause":
        dynalite.pause()
    else:
        dynalite.kill()
    assert ann.disconnect() == {"statusCode": 500}
    assert timed.answered_in_time
    if fault == "pause":
        dynalite.resume()
    else:
        dynalite.restart()

    # A MESSAGE for the closed connection still in flight: the app must not run for it.
    faults.state.open(ann.id)
    assert ann.send(echo("ghost")) == {"statusCode": 410}
    assert ann.received == []
    store = container.runtime.store
    assert store.unfinished_deletions == ()
    assert set(table_items(store)) == {(f"conn#{bob.id}", "record"), ("group#hall", f"conn#{bob.id}")}
    assert inspect(store).none
