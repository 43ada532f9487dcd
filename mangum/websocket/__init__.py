"""WebSocket APIs on Lambda: connections and groups kept in DynamoDB, frames sent through the
API Gateway Management API.

``Mangum(app)`` serves WebSocket events through :mod:`mangum.websocket.cycle` (one ASGI
``websocket`` cycle per event) with a :class:`WebSocketRuntime` it builds on the first one.

Needs ``pip install 'mangum[full]'`` (boto3). Settings, records and errors import without boto3;
the names that talk to AWS (:class:`WebSocketConnections`, :func:`connections`, :func:`send`,
:func:`broadcast`, :func:`join`, :func:`leave`, :class:`ConnectionStore`, :class:`WebSocketRuntime`,
:func:`create_table`) import boto3 on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mangum import _lazy_attributes
from mangum.websocket.errors import (
    ClientDisconnected,
    ConnectionExists,
    ConnectionGone,
    InvalidGroupName,
    ManagementApiError,
    NoCurrentConnection,
    StoreError,
    TableExists,
    UnknownConnection,
    WebSocketError,
)
from mangum.websocket.record import ConnectionRecord, StoredConnection
from mangum.websocket.redaction import Redaction
from mangum.websocket.settings import WebSocketSettings, websocket_settings

if TYPE_CHECKING:
    from mangum.websocket.api import (
        BroadcastIncomplete,
        BroadcastResult,
        WebSocketConnections,
        broadcast,
        connections,
        join,
        leave,
        send,
    )
    from mangum.websocket.runtime import WebSocketRuntime
    from mangum.websocket.scope import EXTENSION_KEY
    from mangum.websocket.stores.dynamodb import ConnectionStore
    from mangum.websocket.stores.dynamodb_table import CreatedTable, create_table

_NEEDS_BOTO3 = {
    "EXTENSION_KEY": "scope",
    "BroadcastIncomplete": "api",
    "BroadcastResult": "api",
    "WebSocketConnections": "api",
    "broadcast": "api",
    "connections": "api",
    "join": "api",
    "leave": "api",
    "send": "api",
    "ConnectionStore": "stores.dynamodb",
    "WebSocketRuntime": "runtime",
    "CreatedTable": "stores.dynamodb_table",
    "create_table": "stores.dynamodb_table",
}

__all__ = [
    "EXTENSION_KEY",
    "BroadcastIncomplete",
    "BroadcastResult",
    "ClientDisconnected",
    "ConnectionExists",
    "ConnectionGone",
    "ConnectionRecord",
    "ConnectionStore",
    "CreatedTable",
    "InvalidGroupName",
    "ManagementApiError",
    "NoCurrentConnection",
    "Redaction",
    "StoreError",
    "StoredConnection",
    "TableExists",
    "UnknownConnection",
    "WebSocketConnections",
    "WebSocketError",
    "WebSocketRuntime",
    "WebSocketSettings",
    "broadcast",
    "connections",
    "create_table",
    "join",
    "leave",
    "send",
    "websocket_settings",
]


# The boto3-backed names are imported on first access.
__getattr__ = _lazy_attributes(
    globals(), {name: f"{__name__}.{module}" for name, module in _NEEDS_BOTO3.items()}
)
