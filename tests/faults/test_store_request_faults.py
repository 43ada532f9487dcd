"""DynamoDB requests that stall, fail, get throttled, lose their answer after being applied, or
leave a batch unprocessed (a fault proxy in front of dynalite): the state stays consistent."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from mangum.websocket.errors import StoreError
from mangum.websocket.runtime import WebSocketRuntime
from mangum.websocket.settings import WebSocketSettings
from mangum.websocket.stores.dynamodb import ConnectionStore
from tests.faults.conftest import table_settings
from tests.faults.support import Timed, inspect
from tests.support.servers.fault_proxy import THROTTLED, FaultProxy, ProxyFault
from tests.support.servers.management_api import ManagementApiServer
from tests.websocket.apps import starlette_chat
from tests.websocket.client import Client, Container
from tests.websocket.factories import disconnect_raw, record
from tests.websocket.tables import table_items


@pytest.fixture
def settings(proxy: FaultProxy, faults: ManagementApiServer) -> WebSocketSettings:
    return table_settings(proxy.url, faults)


@pytest.fixture
def containers(settings: WebSocketSettings) -> Iterator[list[Container]]:
    """Two containers of the chat on the same table."""
    made = [Container(starlette_chat.make_app(), WebSocketRuntime(settings)) for _ in range(2)]
    yield made
    for container in made:
        container.close()


def say(group: str, text: str) -> str:
    return json.dumps({"action": "say", "group": group, "text": text})


def test_a_deletion_cut_short_leaves_a_closing_record_no_container_serves(
    containers: list[Container], proxy: FaultProxy, faults: ManagementApiServer
) -> None:
    first, second = Timed(containers[0], timeout_ms=1500), Timed(containers[1], timeout_ms=1500)
    ann = Client(first, faults)
    assert ann.connect(query={"name": "ann", "room": "hall"})["statusCode"] == 200

    proxy.inject(ProxyFault("stall", operation="DeleteItem", times=5))
    assert ann.disconnect() == {"statusCode": 500}  # marked closing; deleting the record stalled
    assert first.answered_in_time
    faults.state.open(ann.id)  # a MESSAGE still in flight, served by another container
    assert ann_in(second, ann).send(json.dumps({"action": "echo", "text": "ghost"})) == {"statusCode": 410}
    proxy.clear()

    store = containers[0].runtime.store
    assert inspect(store).ghosts == [ann.id]
    bob = Client(first, faults)
    assert bob.connect(query={"name": "bob"})["statusCode"] == 200  # finishes the deletion first
    assert store.unfinished_deletions == ()
    assert set(table_items(store)) == {(f"conn#{bob.id}", "record")}


def ann_in(invoke: Timed, client: Client) -> Client:
    """The same client, its events invoked in another container."""
    other = Client(invoke, client.server)
    other.id = client.id
    return other


@dataclass
class Member:
    """A store behind the proxy, and one connection of it in 26 groups (two batches to delete)."""

    store: ConnectionStore
    proxy: FaultProxy
    connection_id: str


@pytest.fixture
def member(settings: WebSocketSettings, proxy: FaultProxy) -> Member:
    store = ConnectionStore.from_settings(settings)
    written = record()
    store.put_connection(written)
    for group in range(26):
        store.join_group(written.connection_id, f"group-{group}")
    return Member(store, proxy, written.connection_id)


def test_unprocessed_batch_deletes_are_sent_again(member: Member) -> None:
    member.proxy.inject(ProxyFault("unprocessed", operation="BatchWriteItem", keep=10, times=2))

    member.store.delete_connection(member.connection_id)

    assert member.proxy.seen()["BatchWriteItem"] == 4  # 25 + 1, the first two only in part
    assert table_items(member.store) == {}


def test_batch_deletes_left_unprocessed_leave_a_ghost_that_is_finished_later(member: Member) -> None:
    store = member.store
    member.proxy.inject(ProxyFault("unprocessed", operation="BatchWriteItem", keep=3, times=50))

    with pytest.raises(StoreError, match="memberships left unprocessed"):
        store.delete_connection(member.connection_id)

    found = inspect(store)
    assert (found.ghosts, found.unlisted) == ([member.connection_id], [])
    assert found.orphans != []  # memberships of the closing record, all still listed by it
    assert store.get_connection(member.connection_id) is None
    member.proxy.clear()
    assert store.retry_deletions() == 0
    assert table_items(store) == {}


def test_a_put_applied_whose_answer_was_lost_is_recognised(
    containers: list[Container], proxy: FaultProxy, faults: ManagementApiServer
) -> None:
    ann = Client(containers[0].invoke, faults)
    proxy.inject(ProxyFault("fail_after_forward", operation="PutItem"))

    assert ann.connect(query={"name": "ann"})["statusCode"] == 200

    assert proxy.seen()["PutItem"] == 2
    assert set(table_items(containers[0].runtime.store)) == {(f"conn#{ann.id}", "record")}


def test_a_disconnect_whose_closing_answer_was_lost_still_runs_the_app_once(
    containers: list[Container], proxy: FaultProxy, faults: ManagementApiServer
) -> None:
    ann, bob = Client(containers[0].invoke, faults), Client(containers[0].invoke, faults)
    ann.connect(query={"name": "ann", "room": "hall"})
    bob.connect(query={"name": "bob", "room": "hall"})
    proxy.inject(ProxyFault("fail_after_forward", operation="UpdateItem"))

    assert ann.disconnect() == {"statusCode": 200}

    assert bob.received == [b"ann left (1001 Going away)"]
    store = containers[0].runtime.store
    assert set(table_items(store)) == {(f"conn#{bob.id}", "record"), ("group#hall", f"conn#{bob.id}")}
    assert inspect(store).none


def test_throttled_and_failed_reads_are_retried_within_three_attempts(
    containers: list[Container], proxy: FaultProxy, faults: ManagementApiServer
) -> None:
    ann = Client(containers[0].invoke, faults)
    ann.connect(query={"name": "ann"})

    proxy.inject(THROTTLED)
    proxy.inject(ProxyFault("fail", operation="GetItem"))
    assert ann.send(json.dumps({"action": "echo", "text": "twice unlucky"}))["statusCode"] == 200
    assert proxy.seen()["GetItem"] == 3

    proxy.inject(ProxyFault("fail", operation="GetItem", times=3))
    assert ann.send(json.dumps({"action": "echo", "text": "lost"})) == {"statusCode": 500}
    assert proxy.seen()["GetItem"] == 6
    assert ann.received == [b"twice unlucky"]


def test_a_join_applied_twice_after_a_lost_answer_stays_consistent(
    containers: list[Container], proxy: FaultProxy, faults: ManagementApiServer
) -> None:
    ann, bob = Client(containers[0].invoke, faults), Client(containers[0].invoke, faults)
    ann.connect(query={"name": "ann"})
    bob.connect(query={"name": "bob"})
    proxy.inject(ProxyFault("fail_after_forward", operation="UpdateItem"))
    proxy.inject(ProxyFault("fail_after_forward", operation="PutItem"))

    assert ann.send(json.dumps({"action": "join", "group": "news"}))["statusCode"] == 200
    assert bob.send(say("news", "hello"))["statusCode"] == 200

    assert ann.received == [b'{"joined":"news"}', b'{"from": "bob", "text": "hello"}']
    assert inspect(containers[0].runtime.store).none


def test_the_disconnect_of_a_connection_whose_deletion_was_cut_short_finishes_it(
    member: Member, containers: list[Container], faults: ManagementApiServer
) -> None:
    member.proxy.inject(ProxyFault("unprocessed", operation="BatchWriteItem", keep=3, times=50))
    with pytest.raises(StoreError):
        member.store.delete_connection(member.connection_id)  # a broadcast's cleanup, say
    member.proxy.clear()
    assert inspect(member.store).ghosts == [member.connection_id]

    # Another container, which knows nothing of it, gets the connection's DISCONNECT.
    assert containers[1].invoke(disconnect_raw(member.connection_id)) == {"statusCode": 200}

    assert table_items(member.store) == {}
