"""Errors of the WebSocket connection store and the Management API (none of them needs boto3)."""

from __future__ import annotations

from mangum.exceptions import MangumError


class WebSocketError(MangumError):
    """Base class of the errors raised by :mod:`mangum.websocket`."""


class StoreError(WebSocketError):
    """A DynamoDB request failed (after the retries that were safe and fitted the invocation's
    deadline, see :mod:`mangum.websocket.aws`); the botocore error is chained.

    ``operation`` names the store operation, e.g. ``"put_connection"``; ``permanent`` says the
    request itself was refused (a ``ValidationException``, text the store cannot hold), so that
    repeating it can never succeed, where other failures may pass with the store's trouble.
    """

    def __init__(self, operation: str, detail: str, *, permanent: bool = False) -> None:
        self.operation = operation
        self.permanent = permanent
        super().__init__(f"connection store: {operation} failed: {detail}")


class TableExists(StoreError):
    """``create_table`` found a table of that name already; nothing was changed. ``usable`` says
    whether its keys are the ones the connection store needs."""

    def __init__(self, table: str, usable: bool, detail: str) -> None:
        self.table = table
        self.usable = usable
        super().__init__("create_table", detail)


class ConnectionExists(StoreError):
    """``put_connection`` found a record for that connection id already; nothing was written."""

    def __init__(self, connection_id: str) -> None:
        self.connection_id = connection_id
        super().__init__("put_connection", f"connection {connection_id!r} is already recorded")


class UnknownConnection(WebSocketError):
    """The connection has no record (it disconnected, expired, or was never accepted)."""

    def __init__(self, connection_id: str) -> None:
        self.connection_id = connection_id
        super().__init__(f"no record of connection {connection_id!r}")


class ConnectionGone(WebSocketError):
    """The Management API answered 410 Gone: the client is no longer connected."""

    def __init__(self, connection_id: str) -> None:
        self.connection_id = connection_id
        super().__init__(f"connection {connection_id!r} is gone")


class ManagementApiError(WebSocketError):
    """A Management API request failed for another reason than 410 Gone; the cause is chained.

    ``operation`` is ``"post"`` or ``"close"``; ``code`` the AWS error code when there was an answer;
    ``detail`` says why there was none (a timeout, no connection, the deadline).
    """

    def __init__(
        self, operation: str, connection_id: str, code: str | None, detail: str | None = None
    ) -> None:
        self.operation = operation
        self.connection_id = connection_id
        self.code = code
        reason = code or detail or "no answer"
        super().__init__(f"management API: {operation} to connection {connection_id!r} failed: {reason}")


class InvalidGroupName(WebSocketError, ValueError):
    """A group name is empty or longer than the store allows."""


class NoCurrentConnection(WebSocketError, ValueError):
    """``join`` / ``leave`` were called without a connection id outside of a connection's invocation."""


class ClientDisconnected(WebSocketError, OSError):
    """Raised into the app by ``send()`` when its connection is closed (ASGI spec 2.4): the client
    left (the Management API answered 410 Gone), the app closed it, or the event is a DISCONNECT.

    The app may catch it to clean up; letting it propagate is not an error.
    """

    def __init__(self, connection_id: str) -> None:
        self.connection_id = connection_id
        super().__init__(f"connection {connection_id!r} is closed")
