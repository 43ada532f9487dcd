"""Talk to connected clients through the API Gateway Management API: post a frame, close a connection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from mangum.websocket.clients import error_code, management_client
from mangum.websocket.errors import ConnectionGone, ManagementApiError

if TYPE_CHECKING:
    from mypy_boto3_apigatewaymanagementapi import ApiGatewayManagementApiClient

    from mangum.websocket.settings import WebSocketSettings

_GONE = "GoneException"


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
        """Send one frame to the client (``str`` is sent as UTF-8)."""
        payload = data.encode() if isinstance(data, str) else data
        with _failures("post", connection_id):
            self.client.post_to_connection(ConnectionId=connection_id, Data=payload)

    def close(self, connection_id: str) -> None:
        """Close the client's connection; API Gateway then sends the DISCONNECT event."""
        with _failures("close", connection_id):
            self.client.delete_connection(ConnectionId=connection_id)


@contextmanager
def _failures(operation: str, connection_id: str) -> Iterator[None]:
    try:
        yield
    except ClientError as error:
        code = error_code(error)
        if code == _GONE:
            raise ConnectionGone(connection_id) from error
        raise ManagementApiError(operation, connection_id, code) from error
    except BotoCoreError as error:
        raise ManagementApiError(operation, connection_id, None) from error
