"""The fuzz run's other ways in (:mod:`tests.fuzz.events`), besides the two buffered handlers:

- ``stream``: a ``Mangum`` handler in ``RESPONSE_STREAM`` mode, answering on a recording sink; its
  streamed answer (prelude, delimiter, body) is read back into the buffered result it stands for,
  so that it is judged as the buffered ones are; a source that cannot stream gets its buffered result;
- for the events of the functions beside an API (authorizers, schedules, queues, warm-ups: every file
  under ``tests/fixtures/events/handlers``), mutated the same way:

  - ``authorizer``: :func:`mangum.events.parse_authorizer_event`, a model or a typed error;
  - ``typed_handler``: a :func:`mangum.events.typed_handler` function on the union of those events'
    models, whose result is validated and serialized on the way out;
  - ``event_handlers``: a ``Mangum`` handler with ``event_handlers`` for each of those kinds, which
    tries its sources first and then the typed handlers in order.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Union

from mangum import Mangum
from mangum.events import (
    EventBridgeEvent,
    ScheduledEvent,
    SqsBatchResponse,
    SqsEvent,
    WarmUpEvent,
    parse_authorizer_event,
    typed_handler,
)
from mangum.events.handler_models import AuthorizerEvent
from mangum.local.http_integration import split_integration_response
from mangum.types import LambdaContext, LambdaEvent
from tests.fuzz.apps import bare_echo
from tests.support.event_files import HANDLER_EVENTS_DIR

Invoke = Callable[[LambdaEvent, LambdaContext], object]
"""How the run calls one of its handlers: the event and a context in, a result (or an error) out."""

BesideEvent = Union[ScheduledEvent, EventBridgeEvent, SqsEvent, WarmUpEvent, AuthorizerEvent]  # noqa: UP007 - a runtime union of aliases
"""Every event the functions beside an API take, as one union (``typed_handler`` validates it)."""


class StreamFailed(Exception):
    """The streamed answer was ended with an error after it started."""


class RecordingSink:
    """A :class:`~mangum.streaming.ResponseSink` keeping what it is given."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.failure: BaseException | None = None

    def write(self, data: bytes) -> None:
        """Keep ``data``."""
        self.writes.append(data)

    def fail(self, error: BaseException) -> None:
        """Keep the error the stream ended with."""
        self.failure = error


def streamed(handler: Mangum) -> Invoke:
    """``handler.stream`` as a buffered call: the result the streamed answer stands for."""

    def invoke(event: LambdaEvent, context: LambdaContext) -> object:
        sink = RecordingSink()
        buffered = handler.stream(event, context, sink)
        if buffered is not None:
            return buffered  # a source that cannot read a stream
        if sink.failure is not None:
            raise StreamFailed(f"the stream ended with {sink.failure!r}")
        prelude, body = split_integration_response(b"".join(sink.writes))
        try:
            text, encoded = body.decode(), False
        except UnicodeDecodeError:
            text, encoded = base64.b64encode(body).decode(), True
        return {**prelude, "body": text, "isBase64Encoded": encoded}

    return invoke


def parsed_authorizer(event: LambdaEvent, context: LambdaContext) -> dict[str, str]:
    """The kind of authorizer event the parser made of ``event`` (its fields are the parser's
    business; what the run checks is that it gives a model or a typed error)."""
    return {"kind": type(parse_authorizer_event(event)).__name__}


@typed_handler
def any_beside_event(event: BesideEvent, context: LambdaContext) -> dict[str, str]:
    """Names the kind of event it was given."""
    return {"kind": type(event).__name__}


@typed_handler
def on_schedule(event: ScheduledEvent, context: LambdaContext) -> None:
    """A schedule: nothing to return."""


@typed_handler
def on_queue(event: SqsEvent, context: LambdaContext) -> SqsBatchResponse:
    """A queue batch: every record fails (a batch response naming each)."""
    return SqsBatchResponse.failed([record.message_id for record in event.records])


@typed_handler
def on_warm_up(event: WarmUpEvent, context: LambdaContext) -> dict[str, bool]:
    """A warm-up ping."""
    return {"warm": True}


def beside_handlers() -> dict[str, Invoke]:
    """The handlers of the events beside an API, by name."""
    return {
        "authorizer": parsed_authorizer,
        "typed_handler": any_beside_event,
        "event_handlers": Mangum(bare_echo, event_handlers=[on_warm_up, on_schedule, on_queue]),
    }


def beside_events() -> list[tuple[str, str]]:
    """Every sample event of the functions beside an API, as (file name, JSON text)."""
    return [(path.name, path.read_text()) for path in sorted(HANDLER_EVENTS_DIR.glob("*.json"))]
