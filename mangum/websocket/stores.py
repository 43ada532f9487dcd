"""Which connection store the settings name: an SQLite file (``sqlite_path``), else DynamoDB.

The SQLite store needs no boto3; the DynamoDB store's module (which imports boto3) is imported only
when it is the one chosen.
"""

from __future__ import annotations

from mangum.websocket.settings import WebSocketSettings
from mangum.websocket.store_protocol import ConnectionStoreProtocol


def open_store(settings: WebSocketSettings) -> ConnectionStoreProtocol:
    """The store of the settings: :class:`~mangum.websocket.sqlite_store.SqliteConnectionStore` when
    they name an SQLite file, else the DynamoDB :class:`~mangum.websocket.store.ConnectionStore`."""
    if settings.sqlite_path is not None:
        from mangum.websocket.sqlite_store import SqliteConnectionStore

        return SqliteConnectionStore.from_settings(settings)
    from mangum.websocket.store import ConnectionStore

    return ConnectionStore.from_settings(settings)
