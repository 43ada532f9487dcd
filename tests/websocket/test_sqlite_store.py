"""The embedded SQLite connection store: the semantics of the DynamoDB store (records written once,
closing before deleting, memberships only of live records, expiry), shared by processes through
one file, without boto3."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mangum import Mangum
from mangum.local_context import LocalContext
from mangum.websocket.errors import ConnectionExists, InvalidGroupName, StoreError, UnknownConnection
from mangum.websocket.record import ConnectionRecord
from mangum.websocket.settings import websocket_settings
from mangum.websocket.stores import open_store
from mangum.websocket.stores.interface import (
    CONNECTION_LIFETIME_SECONDS,
    TTL_MARGIN_SECONDS,
    BaseConnectionStore,
)
from mangum.websocket.stores.sqlite import SqliteConnectionStore
from tests.websocket.apps import starlette_chat
from tests.websocket.factories import connect_raw, connection_id, disconnect_raw, message_raw, record

LIFETIME = CONNECTION_LIFETIME_SECONDS + TTL_MARGIN_SECONDS


@pytest.fixture
def path(tmp_path: Path) -> str:
    return str(tmp_path / "connections.db")


@pytest.fixture
def store(path: str) -> SqliteConnectionStore:
    return SqliteConnectionStore(path)


def test_it_is_a_connection_store(store: SqliteConnectionStore) -> None:
    typed: BaseConnectionStore = store
    assert typed.unfinished_deletions == ()


def test_put_get_and_a_refused_second_put(store: SqliteConnectionStore) -> None:
    plain = record()
    first = ConnectionRecord.from_connect_event(plain.connect_event, subprotocol="chat.v1")
    store.put_connection(first)
    store.put_connection(first)  # a repeat of the same write is recognised
    stored = store.get_connection(first.connection_id)
    assert stored is not None
    assert stored.record.subprotocol == "chat.v1"
    assert stored.record.connect_event.connection_id == first.connection_id
    assert stored.groups == frozenset()
    assert stored.expires_at >= int(time.time()) + LIFETIME - 1
    with pytest.raises(ConnectionExists):
        store.put_connection(ConnectionRecord.from_connect_event(first.connect_event, subprotocol="other"))
    assert store.get_connection(connection_id()) is None


def test_groups_of_live_records_only(store: SqliteConnectionStore) -> None:
    ann, bob = record(), record()
    store.put_connection(ann)
    store.put_connection(bob)
    store.join_group(ann.connection_id, "red")
    store.join_group(ann.connection_id, "red")
    store.join_group(bob.connection_id, "red")
    store.join_group(bob.connection_id, "blue")
    assert sorted(store.group_members("red")) == sorted([ann.connection_id, bob.connection_id])
    assert list(store.group_members("red", page_size=1)) == sorted([ann.connection_id, bob.connection_id])
    store.leave_group(bob.connection_id, "red")
    store.leave_group(bob.connection_id, "never-joined")
    assert list(store.group_members("red")) == [ann.connection_id]
    stored = store.get_connection(bob.connection_id)
    assert stored is not None
    assert stored.groups == {"blue"}
    with pytest.raises(UnknownConnection):
        store.join_group(connection_id(), "red")
    with pytest.raises(InvalidGroupName):
        store.join_group(ann.connection_id, "")


def test_close_then_delete(store: SqliteConnectionStore) -> None:
    ann = record()
    store.put_connection(ann)
    store.join_group(ann.connection_id, "red")
    closed = store.close_connection(ann.connection_id, "disconnect-1")
    assert closed is not None
    assert closed.groups == {"red"}
    assert store.close_connection(ann.connection_id, "disconnect-1") is not None  # the same closer again
    assert store.get_connection(ann.connection_id) is None  # closing: not live any more
    assert list(store.group_members("red")) == []
    with pytest.raises(UnknownConnection):
        store.join_group(ann.connection_id, "blue")
    assert store.delete_connection(ann.connection_id, closed=closed, also_groups=["green"]) == {
        "red",
        "green",
    }
    assert store.close_connection(ann.connection_id, "disconnect-2") is None
    assert store.delete_connection(ann.connection_id) == frozenset()


def test_another_closer_finishes_the_deletion_and_gets_nothing(store: SqliteConnectionStore) -> None:
    ann = record()
    store.put_connection(ann)
    store.join_group(ann.connection_id, "red")
    assert store.close_connection(ann.connection_id, "first") is not None
    assert store.close_connection(ann.connection_id, "second") is None
    assert store.close_connection(ann.connection_id, "first") is None  # the record is gone now


def test_expired_records_are_not_live(path: str) -> None:
    writer = SqliteConnectionStore(path)
    ann = record()
    writer.put_connection(ann)
    writer.join_group(ann.connection_id, "red")
    later = SqliteConnectionStore(path, clock=lambda: time.time() + LIFETIME + 1)
    assert later.get_connection(ann.connection_id) is None
    assert list(later.group_members("red")) == []
    later.put_connection(ConnectionRecord.from_connect_event(ann.connect_event, subprotocol="new"))


def test_a_failed_deletion_is_remembered_and_retried(path: str, tmp_path: Path) -> None:
    store = SqliteConnectionStore(path)
    ann = record()
    store.put_connection(ann)
    store.close()
    store.path = str(tmp_path / "missing-folder" / "file.db")  # the file cannot be opened now
    with pytest.raises(StoreError):
        store.delete_connection(ann.connection_id)
    assert store.unfinished_deletions == (ann.connection_id,)
    assert store.get_connection(ann.connection_id) is None
    assert store.retry_deletions() == 1
    store.path = path
    assert store.retry_deletions() == 0
    assert SqliteConnectionStore(path).get_connection(ann.connection_id) is None


def _join_many(path: str, connection: str, groups: list[str]) -> None:
    store = SqliteConnectionStore(path)
    for group in groups:
        store.join_group(connection, group)


def test_processes_share_the_file(path: str) -> None:
    store = SqliteConnectionStore(path)
    members = [record() for _ in range(4)]
    for member in members:
        store.put_connection(member)
    groups = [f"g{number}" for number in range(20)]
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_join_many, args=(path, member.connection_id, groups)) for member in members
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    for group in groups:
        assert sorted(store.group_members(group)) == sorted(member.connection_id for member in members)


def test_text_sqlite_cannot_encode_is_a_store_error(store: SqliteConnectionStore) -> None:
    lone = "\ud800"  # a lone surrogate: UTF-8 has no bytes for it (found by tests/fuzz/events.py)
    with pytest.raises(StoreError, match="put_connection"):
        store.put_connection(record(lone))
    with pytest.raises(StoreError, match="get_connection"):
        store.get_connection(lone)
    with pytest.raises(StoreError, match="close_connection"):
        store.close_connection(lone, "closer")
    with pytest.raises(StoreError, match="delete_connection"):
        store.delete_connection(lone)
    assert store.unfinished_deletions == ()  # nothing is stored under it: nothing is left to retry
    ann = record()
    store.put_connection(ann)  # the store works on
    assert store.get_connection(ann.connection_id) is not None


def test_an_event_for_a_connection_id_sqlite_cannot_store_answers_500(path: str) -> None:
    settings = websocket_settings(sqlite_path=path, region="us-east-1")
    handler = Mangum(starlette_chat.make_app(), websocket=settings)
    lone = "\ud800"
    assert handler(connect_raw(lone, query={"name": "ann"}), LocalContext()) == {"statusCode": 500}
    assert handler(message_raw(lone, "hello"), LocalContext()) == {"statusCode": 500}
    assert handler(disconnect_raw(lone), LocalContext()) == {"statusCode": 500}


def test_a_deletion_that_cannot_be_stored_holds_up_no_later_one(path: str) -> None:
    settings = websocket_settings(sqlite_path=path, region="us-east-1")
    handler = Mangum(starlette_chat.make_app(), websocket=settings)
    lone, bob = "\ud800", connection_id()
    assert handler(connect_raw(bob, query={"name": "bob"}), LocalContext()) == {"statusCode": 200}
    assert handler(disconnect_raw(lone), LocalContext()) == {"statusCode": 500}
    odd_closer = disconnect_raw(bob)
    odd_closer["requestContext"]["requestId"] = lone  # the closer written into bob's record
    assert handler(odd_closer, LocalContext()) == {"statusCode": 500}  # bob's deletion is left to finish
    # The next invocation finishes it (the lone surrogate's was never kept): bob's id is free again.
    assert handler(connect_raw(bob, query={"name": "bob"}), LocalContext()) == {"statusCode": 200}


def test_settings_choose_the_store(path: str) -> None:
    settings = websocket_settings(environ={"MANGUM_WEBSOCKET_SQLITE": path, "AWS_REGION": "us-east-1"})
    assert settings.table == "mangum-connections"
    assert isinstance(open_store(settings), SqliteConnectionStore)


def test_the_sqlite_store_does_not_import_boto3(path: str) -> None:
    code = (
        "import sys\n"
        "from mangum.websocket.settings import websocket_settings\n"
        "from mangum.websocket.stores import open_store\n"
        f"environ = {{'MANGUM_WEBSOCKET_SQLITE': {path!r}, 'AWS_REGION': 'x'}}\n"
        "store = open_store(websocket_settings(environ=environ))\n"
        "assert 'boto3' not in sys.modules and 'botocore' not in sys.modules, 'boto3 was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
