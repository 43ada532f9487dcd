"""The connection store against a real dynalite: what each operation leaves in the table."""

from __future__ import annotations

import json
import math
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from mangum.events.websocket import WebSocketEvent
from mangum.websocket.errors import ConnectionExists, InvalidGroupName, StoreError, UnknownConnection
from mangum.websocket.record import ConnectionRecord
from mangum.websocket.stores.dynamodb import CONNECTION_LIFETIME_SECONDS, TTL_MARGIN_SECONDS, ConnectionStore
from tests.websocket.counting import DynamoDbRequests
from tests.websocket.factories import connect_event, connection_id, record
from tests.websocket.tables import table_items

LIFETIME = CONNECTION_LIFETIME_SECONDS + TTL_MARGIN_SECONDS


def test_put_connection_writes_one_record_with_the_connect_event(store: ConnectionStore) -> None:
    target = connection_id()
    event = connect_event(
        target,
        subprotocols="chat.v2, chat.v1",
        authorizer={"principalId": "user-7", "tenant": "acme", "roles": ["admin"]},
        query={"room": "lobby", "token": "a b"},
    )
    before = int(time.time())

    store.put_connection(ConnectionRecord.from_connect_event(event, subprotocol="chat.v2"))

    after = int(time.time())
    items = table_items(store)
    assert set(items) == {(f"conn#{target}", "record")}
    item = items[(f"conn#{target}", "record")]
    assert set(item) == {"record", "ttl"}
    assert before + LIFETIME <= item["ttl"] <= after + LIFETIME
    stored = json.loads(item["record"])
    assert stored["connection_id"] == target
    assert stored["subprotocol"] == "chat.v2"
    rebuilt = WebSocketEvent.model_validate(stored["connect_event"])
    # Redacted by default: browsers carry tokens in it (the chosen subprotocol is kept above).
    assert rebuilt.get_header("sec-websocket-protocol") is None
    assert rebuilt.get_query("room") == "lobby"
    assert rebuilt.get_query("token") is None  # redacted by default (tests/websocket/test_redaction.py)
    assert rebuilt.request_context.authorizer is not None
    assert rebuilt.request_context.authorizer.principal_id == "user-7"
    assert rebuilt.request_context.authorizer.context() == {"tenant": "acme", "roles": ["admin"]}
    assert rebuilt.source_ip == event.source_ip


def test_a_second_put_for_the_same_connection_is_refused(store: ConnectionStore) -> None:
    first = record()
    store.put_connection(first)
    written = table_items(store)
    duplicate = ConnectionRecord.from_connect_event(first.connect_event, subprotocol="other")

    with pytest.raises(ConnectionExists) as refused:
        store.put_connection(duplicate)

    assert refused.value.connection_id == first.connection_id
    assert table_items(store) == written


def test_get_connection_is_one_consistent_read_and_no_write(store: ConnectionStore) -> None:
    written = ConnectionRecord.from_connect_event(
        connect_event(connection_id(), authorizer={"principalId": "u"}), subprotocol="chat.v1"
    )
    store.put_connection(written)
    store.join_group(written.connection_id, "lobby")

    with DynamoDbRequests(store.client) as requests:
        found = store.get_connection(written.connection_id)

    assert requests.counts == {"GetItem": 1}
    assert requests.writes == 0
    assert found is not None
    assert found.record == written
    assert found.groups == {"lobby"}
    assert found.expires_at == table_items(store)[(f"conn#{written.connection_id}", "record")]["ttl"]


def test_unknown_and_expired_connections_are_absent(store: ConnectionStore) -> None:
    written = record()
    store.put_connection(written)
    after_expiry = ConnectionStore(store.client, store.table, clock=lambda: time.time() + LIFETIME + 1)

    assert store.get_connection(connection_id()) is None
    assert store.get_connection(written.connection_id) is not None
    assert after_expiry.get_connection(written.connection_id) is None
    with pytest.raises(UnknownConnection):
        after_expiry.join_group(written.connection_id, "lobby")


def test_join_records_the_membership_on_both_sides(store: ConnectionStore) -> None:
    member = record()
    store.put_connection(member)
    before = int(time.time())

    store.join_group(member.connection_id, "lobby")
    store.join_group(member.connection_id, "lobby")  # joining twice changes nothing
    store.join_group(member.connection_id, "team/ops é")

    after = int(time.time())
    items = table_items(store)
    key = f"conn#{member.connection_id}"
    assert set(items) == {(key, "record"), ("group#lobby", key), ("group#team/ops é", key)}
    assert items[(key, "record")]["groups"] == {"lobby", "team/ops é"}
    assert before + LIFETIME <= items[("group#lobby", key)]["ttl"] <= after + LIFETIME
    assert list(store.group_members("lobby")) == [member.connection_id]
    assert list(store.group_members("team/ops é")) == [member.connection_id]
    assert list(store.group_members("elsewhere")) == []


def test_joining_for_an_unknown_connection_writes_nothing(store: ConnectionStore) -> None:
    with pytest.raises(UnknownConnection):
        store.join_group(connection_id(), "lobby")

    assert table_items(store) == {}


def test_leave_removes_the_membership_on_both_sides(store: ConnectionStore) -> None:
    member = record()
    store.put_connection(member)
    store.join_group(member.connection_id, "lobby")
    store.join_group(member.connection_id, "news")

    store.leave_group(member.connection_id, "lobby")
    store.leave_group(member.connection_id, "never-joined")

    key = f"conn#{member.connection_id}"
    items = table_items(store)
    assert set(items) == {(key, "record"), ("group#news", key)}
    assert items[(key, "record")]["groups"] == {"news"}
    assert list(store.group_members("lobby")) == []


def test_leaving_after_the_connection_is_gone_does_not_recreate_it(store: ConnectionStore) -> None:
    store.leave_group(connection_id(), "lobby")

    assert table_items(store) == {}


def test_delete_connection_removes_the_record_and_every_membership(store: ConnectionStore) -> None:
    leaving, staying = record(), record()
    store.put_connection(leaving)
    store.put_connection(staying)
    groups = {f"group-{n}" for n in range(30)}  # more than one BatchWriteItem (25 at most)
    for group in groups:
        store.join_group(leaving.connection_id, group)
    store.join_group(staying.connection_id, "group-0")

    removed = store.delete_connection(leaving.connection_id)

    assert removed == groups
    staying_key = f"conn#{staying.connection_id}"
    assert set(table_items(store)) == {(staying_key, "record"), ("group#group-0", staying_key)}
    assert store.get_connection(leaving.connection_id) is None
    assert list(store.group_members("group-0")) == [staying.connection_id]


def test_delete_connection_removes_memberships_its_record_no_longer_lists(store: ConnectionStore) -> None:
    orphan = record()
    store.put_connection(orphan)
    store.join_group(orphan.connection_id, "lobby")
    store.delete_connection(orphan.connection_id)
    store.put_connection(orphan)  # the same id comes back without the membership...
    store.join_group(orphan.connection_id, "news")
    store.client.put_item(  # ...and a late write left the old one behind, unknown to the record
        TableName=store.table,
        Item={
            "pk": {"S": "group#lobby"},
            "sk": {"S": f"conn#{orphan.connection_id}"},
            "ttl": {"N": "9999999999"},
        },
    )

    removed = store.delete_connection(orphan.connection_id, also_groups=["lobby"])

    assert removed == {"lobby", "news"}
    assert table_items(store) == {}


def test_deleting_an_unknown_connection_is_harmless(store: ConnectionStore) -> None:
    assert store.delete_connection(connection_id()) == frozenset()
    assert table_items(store) == {}


def test_group_members_follows_every_page(store: ConnectionStore) -> None:
    members = sorted(connection_id() for _ in range(20))
    for member in members:
        store.put_connection(record(member))
        store.join_group(member, "crowd")

    with DynamoDbRequests(store.client) as requests:
        found = list(store.group_members("crowd", page_size=7))

    assert sorted(found) == members
    assert requests.counts == {"Query": math.ceil(20 / 7)}


def test_group_members_skips_expired_memberships(store: ConnectionStore) -> None:
    stale, fresh = connection_id(), connection_id()
    store.put_connection(record(fresh))
    store.join_group(fresh, "lobby")
    store.client.put_item(  # TTL deletion lags: an expired item can still be there
        TableName=store.table,
        Item={
            "pk": {"S": "group#lobby"},
            "sk": {"S": f"conn#{stale}"},
            "ttl": {"N": str(int(time.time()) - 1)},
        },
    )

    assert list(store.group_members("lobby")) == [fresh]


@pytest.mark.parametrize("group", ["", "x" * 513, "lone \ud800 surrogate"])
def test_bad_group_names_are_refused(store: ConnectionStore, group: str) -> None:
    member = record()
    store.put_connection(member)

    with pytest.raises(InvalidGroupName):
        store.join_group(member.connection_id, group)
    with pytest.raises(InvalidGroupName):
        list(store.group_members(group))


def test_failures_raise_store_error_with_the_cause(store: ConnectionStore) -> None:
    missing = ConnectionStore(store.client, "no-such-table")

    with pytest.raises(StoreError) as failed:
        missing.put_connection(record())
    assert failed.value.operation == "put_connection"
    assert "ResourceNotFoundException" in str(failed.value)
    assert failed.value.__cause__ is not None

    for operation in (
        lambda: missing.get_connection(connection_id()),
        lambda: missing.delete_connection(connection_id()),
        lambda: missing.join_group(connection_id(), "g"),
        lambda: missing.leave_group(connection_id(), "g"),
        lambda: list(missing.group_members("g")),
    ):
        with pytest.raises(StoreError, match="ResourceNotFoundException"):
            operation()


def test_ttl_values_are_whole_epoch_seconds(store: ConnectionStore) -> None:
    member = record()
    store.put_connection(member)
    store.join_group(member.connection_id, "lobby")

    for item in table_items(store).values():
        assert isinstance(item["ttl"], Decimal)
        assert item["ttl"] == int(item["ttl"])


def test_concurrent_lifecycles_leave_nothing_behind(store: ConnectionStore) -> None:
    def lifecycle(worker: int) -> None:
        for _ in range(5):
            member = record()
            store.put_connection(member)
            store.join_group(member.connection_id, "everyone")
            store.join_group(member.connection_id, f"worker-{worker}")
            store.leave_group(member.connection_id, f"worker-{worker}")
            assert member.connection_id in set(store.group_members("everyone"))
            store.delete_connection(member.connection_id)

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lifecycle, range(16)))

    assert table_items(store) == {}


def test_each_operation_sends_the_documented_requests(store: ConnectionStore) -> None:
    member = record()
    store.put_connection(member)
    groups = [f"group-{n}" for n in range(30)]
    for group in groups[1:]:
        store.join_group(member.connection_id, group)

    with DynamoDbRequests(store.client) as joining:
        store.join_group(member.connection_id, groups[0])
    with DynamoDbRequests(store.client) as leaving:
        store.leave_group(member.connection_id, groups[0])
    with DynamoDbRequests(store.client) as deleting:
        store.delete_connection(member.connection_id)

    # join: the record's set and version, the membership, the record read back
    # (mangum.websocket.stores.dynamodb_memberships)
    assert joining.counts == {"UpdateItem": 1, "PutItem": 1, "GetItem": 1}
    assert leaving.counts == {"UpdateItem": 1, "DeleteItem": 1}
    # delete: mark closing, 29 memberships (25 + 4), then the record
    assert deleting.counts == {"UpdateItem": 1, "BatchWriteItem": 2, "DeleteItem": 1}


def test_a_deletion_the_store_refuses_for_good_is_given_up_and_the_next_one_finished(
    store: ConnectionStore,
) -> None:
    refused = "x" * 3000  # a key DynamoDB refuses (over its 2,048-byte limit): ValidationException
    member = record()
    store.put_connection(member)
    store.remember_deletion(refused)
    store.remember_deletion(member.connection_id)

    assert store.retry_deletions() == 0

    assert store.unfinished_deletions == ()
    assert store.get_connection(member.connection_id) is None, "the deletion after it was finished"


def test_a_request_the_store_refuses_is_a_permanent_failure(store: ConnectionStore) -> None:
    with pytest.raises(StoreError) as refused:
        store.delete_connection("x" * 3000)
    assert refused.value.permanent
