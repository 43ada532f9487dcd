"""One AWS request on behalf of an invocation: every attempt bounded by its deadline, retried only
when a repeat is safe.

botocore's own retries are off (:mod:`mangum.websocket.clients`): they would sleep past the
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
"""

from __future__ import annotations

import enum
import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from botocore.exceptions import (
    ClientError,
    ConnectionError as BotoConnectionError,
    ConnectTimeoutError,
    EndpointConnectionError,
    HTTPClientError,
    ProxyConnectionError,
    ReadTimeoutError,
)

from mangum._asgi.deadline_guard import shielded
from mangum.deadline import Deadline, current_deadline

if TYPE_CHECKING:
    from botocore.awsrequest import AWSPreparedRequest

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
