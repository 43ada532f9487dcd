"""Talk to connected clients through the API Gateway Management API: post a frame, close a connection.

A post is not idempotent: one that reached the client and then failed (a 500, a timeout, a
connection cut before the answer) is reported, not sent again, so the client never gets a frame
twice. It is attempted again only when it provably had no effect: the connection could not be made,
or API Gateway throttled it (429 ``LimitExceededException``). Closing is idempotent and is retried
after any transient failure. See :mod:`mangum.websocket.aws`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from mangum.deadline import current_deadline
from mangum.websocket.aws import OutOfTime, Repeat, call, describe, error_code, management_client
from mangum.websocket.errors import ConnectionGone, ManagementApiError

if TYPE_CHECKING:
    from mypy_boto3_apigatewaymanagementapi import ApiGatewayManagementApiClient

    from mangum.websocket.settings import WebSocketSettings

_GONE = "GoneException"
_SERVICE = "the Management API"


class ManagementApi:
    """One API's Management API endpoint.

    410 Gone raises :class:`ConnectionGone` (the caller removes the connection and goes on); any
    other failure raises :class:`ManagementApiError` with the botocore error chained.
    """

    def __init__(self, client: ApiGatewayManagementApiClient) -> None:
        self.client = client

    @classmethod
    def for_endpoint(cls, settings: WebSocketSettings, endpoint: str) -> ManagementApi:
        """The Management API at ``endpoint``, through the container's shared client."""
        return cls(management_client(settings, endpoint))

    def post(self, connection_id: str, data: str | bytes) -> None:
        """Send one frame to the client (``str`` is sent as UTF-8); never sent twice."""
        payload = data.encode() if isinstance(data, str) else data
        _request(
            "post",
            connection_id,
            Repeat.IF_NOT_SENT,
            lambda: self.client.post_to_connection(ConnectionId=connection_id, Data=payload),
        )

    def close(self, connection_id: str) -> None:
        """Close the client's connection; API Gateway then sends the DISCONNECT event."""
        _request(
            "close",
            connection_id,
            Repeat.IDEMPOTENT,
            lambda: self.client.delete_connection(ConnectionId=connection_id),
        )


def _request(operation: str, connection_id: str, repeat: Repeat, request: Callable[[], object]) -> None:
    started = time.monotonic()
    try:
        call(request, repeat)
    except ClientError as error:
        code = error_code(error)
        if code == _GONE:
            raise ConnectionGone(connection_id) from error
        raise ManagementApiError(operation, connection_id, code) from error
    except (BotoCoreError, OutOfTime) as error:
        detail = describe(error, _SERVICE, time.monotonic() - started, current_deadline())
        raise ManagementApiError(operation, connection_id, None, detail) from error
