"""boto3 clients, created once per container (per region and endpoint) and shared by every invocation.

Creating a client costs milliseconds, so it is never done per invocation. boto3 sessions are not
thread-safe while they create clients, hence the lock; the clients themselves are.

The clients make one attempt per call (botocore's retries are off: :mod:`mangum.websocket.calls`
retries, within the invocation's deadline and only when a repeat is safe) and time out after
:data:`CONNECT_TIMEOUT` / :data:`READ_TIMEOUT` seconds; during an invocation each attempt's read
timeout is further cut to the time left before its deadline (botocore 1.43.68 and later honour
that; with older ones the client's own timeouts are the bound).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from mangum.websocket.calls import bound_attempt

if TYPE_CHECKING:
    from mypy_boto3_apigatewaymanagementapi import ApiGatewayManagementApiClient
    from mypy_boto3_dynamodb import DynamoDBClient

    from mangum.websocket.settings import WebSocketSettings

POST_CONCURRENCY = 16
"""How many posts a broadcast has in flight at once; the Management API client pools as many connections."""

CONNECT_TIMEOUT = 1.0
"""Seconds to open a connection: AWS answers a TCP and TLS handshake in the region in milliseconds."""
READ_TIMEOUT = 10.0
"""Seconds an attempt waits for an answer when no invocation deadline is closer."""

_DYNAMODB_CONFIG = Config(
    retries={"total_max_attempts": 1}, connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT
)
_MANAGEMENT_CONFIG = Config(
    retries={"total_max_attempts": 1},
    connect_timeout=CONNECT_TIMEOUT,
    read_timeout=READ_TIMEOUT,
    max_pool_connections=POST_CONCURRENCY,
)

KeyT = TypeVar("KeyT", bound=Hashable)
ClientT = TypeVar("ClientT")

_lock = threading.Lock()
_session: boto3.session.Session | None = None
_dynamodb: dict[tuple[str, str | None], DynamoDBClient] = {}
_management: dict[tuple[str, str], ApiGatewayManagementApiClient] = {}


def _cached(
    cache: dict[KeyT, ClientT], key: KeyT, create: Callable[[boto3.session.Session], ClientT]
) -> ClientT:
    """The client under ``key``, created on first use (once, even when threads race for it)."""
    client = cache.get(key)
    if client is None:
        global _session
        with _lock:
            client = cache.get(key)
            if client is None:
                if _session is None:
                    _session = boto3.session.Session()
                client = cache[key] = create(_session)
    return client


def _new_dynamodb(session: boto3.session.Session, settings: WebSocketSettings) -> DynamoDBClient:
    client = session.client(
        "dynamodb",
        region_name=settings.region,
        endpoint_url=settings.dynamodb_endpoint,
        config=_DYNAMODB_CONFIG,
    )
    client.meta.events.register("before-send", bound_attempt)
    return client


def _new_management(
    session: boto3.session.Session, settings: WebSocketSettings, endpoint: str
) -> ApiGatewayManagementApiClient:
    client = session.client(
        "apigatewaymanagementapi",
        region_name=settings.region,
        endpoint_url=endpoint,
        config=_MANAGEMENT_CONFIG,
    )
    client.meta.events.register("before-send", bound_attempt)
    return client


def dynamodb_client(settings: WebSocketSettings) -> DynamoDBClient:
    """The DynamoDB client for the settings' region and endpoint."""
    return _cached(
        _dynamodb,
        (settings.region, settings.dynamodb_endpoint),
        lambda session: _new_dynamodb(session, settings),
    )


def management_client(settings: WebSocketSettings, endpoint: str) -> ApiGatewayManagementApiClient:
    """The Management API client of one endpoint (``https://{domain}/{stage}`` or the configured one)."""
    return _cached(
        _management, (settings.region, endpoint), lambda session: _new_management(session, settings, endpoint)
    )


def error_code(error: ClientError) -> str:
    """The AWS error code of a failed request, e.g. ``"ConditionalCheckFailedException"``."""
    return str(error.response.get("Error", {}).get("Code", "Unknown"))
