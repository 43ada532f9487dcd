"""boto3 clients, created once per container (per region and endpoint) and shared by every invocation.

Creating a client costs milliseconds, so it is never done per invocation. boto3 sessions are not
thread-safe while they create clients, hence the lock; the clients themselves are.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_apigatewaymanagementapi import ApiGatewayManagementApiClient
    from mypy_boto3_dynamodb import DynamoDBClient

    from mangum.websocket.settings import WebSocketSettings

POST_CONCURRENCY = 16
"""How many posts a broadcast has in flight at once; the Management API client pools as many connections."""

_DYNAMODB_CONFIG = Config(retries={"mode": "standard"})
_MANAGEMENT_CONFIG = Config(retries={"mode": "standard"}, max_pool_connections=POST_CONCURRENCY)

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


def dynamodb_client(settings: WebSocketSettings) -> DynamoDBClient:
    """The DynamoDB client for the settings' region and endpoint (botocore's standard retries)."""
    return _cached(
        _dynamodb,
        (settings.region, settings.dynamodb_endpoint),
        lambda session: session.client(
            "dynamodb",
            region_name=settings.region,
            endpoint_url=settings.dynamodb_endpoint,
            config=_DYNAMODB_CONFIG,
        ),
    )


def management_client(settings: WebSocketSettings, endpoint: str) -> ApiGatewayManagementApiClient:
    """The Management API client of one endpoint (``https://{domain}/{stage}`` or the configured one)."""
    return _cached(
        _management,
        (settings.region, endpoint),
        lambda session: session.client(
            "apigatewaymanagementapi",
            region_name=settings.region,
            endpoint_url=endpoint,
            config=_MANAGEMENT_CONFIG,
        ),
    )


def error_code(error: ClientError) -> str:
    """The AWS error code of a failed request, e.g. ``"ConditionalCheckFailedException"``."""
    return str(error.response.get("Error", {}).get("Code", "Unknown"))
