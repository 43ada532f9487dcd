"""The connection stores: one interface, two stores, and the choice between them.

- :mod:`.interface`: :class:`~.interface.BaseConnectionStore`, what every store provides and the
  semantics it keeps, with what the stores share (lifetimes, the group-name rule, deletions to
  finish later);
- :mod:`.dynamodb`: the DynamoDB store (:class:`~.dynamodb.ConnectionStore`), with its items
  (:mod:`.dynamodb_items`), its group memberships (:mod:`.dynamodb_memberships`) and the table it
  needs (:mod:`.dynamodb_table`);
- :mod:`.sqlite`: the embedded SQLite store (:class:`~.sqlite.SqliteConnectionStore`);
- :func:`open_store`: the store the settings name, an SQLite file (``sqlite_path``), else DynamoDB.

The SQLite store needs no boto3; the DynamoDB store's modules (which import boto3) are imported only
when it is the one chosen.
"""

from __future__ import annotations

from mangum.websocket.settings import WebSocketSettings
from mangum.websocket.stores.interface import BaseConnectionStore


def open_store(settings: WebSocketSettings) -> BaseConnectionStore:
    """The store of the settings: :class:`~mangum.websocket.stores.sqlite.SqliteConnectionStore` when
    they name an SQLite file, else the DynamoDB :class:`~mangum.websocket.stores.dynamodb.ConnectionStore`."""
    if settings.sqlite_path is not None:
        from mangum.websocket.stores.sqlite import SqliteConnectionStore

        return SqliteConnectionStore.from_settings(settings)
    from mangum.websocket.stores.dynamodb import ConnectionStore

    return ConnectionStore.from_settings(settings)
