"""The WebSocket support's calls to AWS, all in one place: the boto3 clients, and each request made
through them on behalf of an invocation.

**Requests** (:func:`call`): every attempt bounded by the invocation's deadline, retried only when a
repeat is safe.

botocore's own retries are off (see the clients below): they would sleep past the
invocation's deadline and repeat requests that are not idempotent. Instead :func:`call` makes up
to :data:`ATTEMPTS` attempts with jittered exponential backoff, and only while the deadline
(:func:`mangum.deadline.current_deadline`) leaves room for the delay and one more attempt. Each
attempt is bounded too: :func:`bound_attempt`, a botocore ``before-send`` hook, gives it the time
left as its read timeout and refuses to send once the deadline has passed (:class:`OutOfTime`).

What is retried (:class:`Repeat`):

- always, because the request provably had no effect: a connection that could not be made
  (refused, DNS, connect timeout) and a throttling answer (429, ``ThrottlingException``,
  ``ProvisionedThroughputExceededException``, ``LimitExceededException``...), which AWS gives
  before doing anything;
- for idempotent requests only (:attr:`Repeat.IDEMPOTENT`): failures after the request was sent,
  which may or may not have been applied (a 5xx answer, a read timeout, a connection closed
  mid-answer). Every DynamoDB write of the store is idempotent by design; a Management API
  ``PostToConnection`` is not (:attr:`Repeat.IF_NOT_SENT`): a post that reached the client and then
  answered 500 is reported, never sent again.

**Clients** (:func:`dynamodb_client`, :func:`management_client`): created once per container (per
region and endpoint) and shared by every invocation.

Creating a client costs milliseconds, so it is never done per invocation. boto3 sessions are not
thread-safe while they create clients, hence the lock; the clients themselves are.

The clients make one attempt per call (botocore's retries are off: :func:`call`
retries, within the invocation's deadline and only when a repeat is safe) and time out after
:data:`CONNECT_TIMEOUT` / :data:`READ_TIMEOUT` seconds; during an invocation each attempt's read
timeout is further cut to the time left before its deadline (botocore 1.43.68 and later honour
that; with older ones the client's own timeouts are the bound).
"""

from __future__ import annotations

import enum
import random
import threading
import time
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    ConnectionError as BotoConnectionError,
    ConnectTimeoutError,
    EndpointConnectionError,
    HTTPClientError,
    ProxyConnectionError,
    ReadTimeoutError,
)

from mangum.deadline import Deadline, current_deadline, shielded

if TYPE_CHECKING:
    from botocore.awsrequest import AWSPreparedRequest
    from mypy_boto3_apigatewaymanagementapi import ApiGatewayManagementApiClient
    from mypy_boto3_dynamodb import DynamoDBClient

    from mangum.websocket.settings import WebSocketSettings

T = TypeVar("T")

ATTEMPTS = 3
BASE_DELAY = 0.025
MAX_DELAY = 1.0
MIN_ATTEMPT_SECONDS = 0.005
"""An attempt is not started with less time than this left: it could not get an answer."""

THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "LimitExceededException",
        "SlowDown",
    }
)
_TRANSIENT_STATUS = frozenset({500, 502, 503, 504})
_TRANSIENT_CODES = frozenset({"InternalServerError", "ServiceUnavailable", "RequestTimeout"})


class Repeat(enum.Enum):
    """Which failures of a request may be answered by sending it again."""

    IF_NOT_SENT = enum.auto()
    """Only failures that prove the request had no effect (a post to a client)."""
    IDEMPOTENT = enum.auto()
    """Also failures after sending: applying the request twice is the same as once."""


class OutOfTime(Exception):
    """The invocation's deadline passed before an attempt could be sent: nothing was sent."""

    def __init__(self) -> None:
        super().__init__("not sent: the invocation's deadline had passed")


def _status(error: ClientError) -> int | None:
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return status if isinstance(status, int) else None


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def not_sent(error: BaseException) -> bool:
    """Whether the request certainly had no effect: no connection was made, or it was throttled."""
    if isinstance(error, EndpointConnectionError | ConnectTimeoutError | ProxyConnectionError | OutOfTime):
        return True
    return isinstance(error, ClientError) and (_code(error) in THROTTLING_CODES or _status(error) == 429)


def transient(error: BaseException) -> bool:
    """Whether the failure may pass on a new attempt (it may also have been applied already)."""
    if isinstance(error, HTTPClientError | BotoConnectionError):
        return True
    if isinstance(error, ClientError):
        return _status(error) in _TRANSIENT_STATUS or _code(error) in _TRANSIENT_CODES
    return False


def may_repeat(error: BaseException, repeat: Repeat) -> bool:
    """Whether ``error`` may be answered by another attempt under ``repeat``."""
    if isinstance(error, OutOfTime):
        return False
    if not_sent(error):
        return True
    return repeat is Repeat.IDEMPOTENT and transient(error)


def backoff(attempt: int) -> float:
    """Seconds to wait before attempt ``attempt + 1``: full jitter under an exponential cap."""
    return random.uniform(0, min(MAX_DELAY, BASE_DELAY * 2**attempt))


def call(
    request: Callable[[], T],
    repeat: Repeat,
    *,
    attempts: int = ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """``request()``, attempted again after failures :func:`may_repeat` allows, while the current
    deadline leaves time for the backoff and another attempt. Raises the last failure."""
    deadline = current_deadline()
    attempt = 1
    while True:
        try:
            with shielded():  # sent from the app's send(): not to be cut off by the deadline's signal
                return request()
        except Exception as error:
            if attempt >= attempts or not may_repeat(error, repeat):
                raise
            delay = backoff(attempt)
            if deadline is not None and deadline.remaining() < delay + MIN_ATTEMPT_SECONDS:
                raise
            sleep(delay)
            attempt += 1


def bound_attempt(request: AWSPreparedRequest, **_: object) -> None:
    """botocore ``before-send`` hook: the attempt's read timeout is at most the time left before
    the current deadline; no attempt is sent once it has passed."""
    deadline = current_deadline()
    if deadline is None:
        return
    left = deadline.remaining()
    if left < MIN_ATTEMPT_SECONDS:
        raise OutOfTime()
    # The request context (botocore 1.43.68+) takes a per-attempt read timeout; the stubs lag behind.
    context: object = getattr(request, "context", None)
    if isinstance(context, dict):
        configured = getattr(context.get("client_config"), "read_timeout", None)
        limit = configured if isinstance(configured, int | float) else left
        context["read_timeout"] = min(limit, left)


def describe(error: BaseException, service: str, elapsed: float, deadline: Deadline | None) -> str:
    """What went wrong, for an error message that names what stalled: the AWS error code, or why
    there was no answer and how long it was waited for."""
    if isinstance(error, OutOfTime):
        return f"not sent: the invocation's deadline had passed ({elapsed:.2f}s spent)"
    if isinstance(error, ReadTimeoutError):
        why = (
            "the time left before the invocation's deadline"
            if deadline and deadline.expired
            else "its timeout"
        )
        return f"{service} did not answer within {elapsed:.2f}s ({why})"
    if isinstance(error, EndpointConnectionError | ConnectTimeoutError):
        return f"{service} could not be reached ({type(error).__name__} after {elapsed:.2f}s)"
    if isinstance(error, ClientError):
        return _code(error) or f"HTTP {_status(error)}"
    return f"{type(error).__name__} after {elapsed:.2f}s"


# --- the clients ---------------------------------------------------------------------------------

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
