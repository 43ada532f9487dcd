"""``Mangum(app, event_handlers=[...])``: events no source recognizes go to the first typed handler
whose event model accepts them; HTTP events still reach the app; the argument is checked at
construction."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from pydantic import BaseModel, RootModel, model_serializer

from mangum import Mangum
from mangum._event_handlers import serializes_to_object
from mangum._sources.registry import DETECTION_ORDER
from mangum.events import (
    EventBridgeEvent,
    ScheduledEvent,
    SqsBatchResponse,
    WarmUpEvent,
    typed_handler,
)
from mangum.exceptions import ConfigurationError, InvalidEvent, InvalidResponse, UnsupportedEvent
from mangum.types import LambdaContext
from tests.events import typed_handler_usage as usage
from tests.support.adapter import CONTEXT, EchoApp, body_of, status_of
from tests.support.handler_samples import read_handler_sample
from tests.support.http_events import v2_event

SEEN: list[str] = []


@typed_handler
def on_schedule(event: ScheduledEvent, context: LambdaContext) -> None:
    SEEN.append(f"schedule {event.source}")


@typed_handler
def on_any_eventbridge(event: EventBridgeEvent, context: LambdaContext) -> dict[str, str]:
    SEEN.append(f"eventbridge {event.detail_type}")
    return {"seen": event.detail_type}


@pytest.fixture(autouse=True)
def clear_seen() -> None:
    SEEN.clear()


def test_the_usage_file_handler_serves_warm_ups_schedules_orders_and_queues() -> None:
    handler = usage.handler
    assert handler(read_handler_sample("warmUpPluginEvent.json"), CONTEXT) == {}
    assert handler(read_handler_sample("warmUpLambdaWarmerFanOutEvent.json"), CONTEXT) == {}
    order = read_handler_sample("eventBridgeEvent.json")
    order["detail"] = {"order": 7, "qty": 2}
    assert handler(order, CONTEXT) == {"order": 7, "qty": 2}
    batch = read_handler_sample("sqsFifoEvent.json")
    assert handler(batch, CONTEXT) == {"batchItemFailures": []}
    batch["Records"][0]["body"] = '{"order": 7, "qty": 0}'
    assert handler(batch, CONTEXT) == {
        "batchItemFailures": [{"itemIdentifier": batch["Records"][0]["messageId"]}]
    }


def test_http_events_still_reach_the_app() -> None:
    app = EchoApp()
    handler = Mangum(app, lifespan="off", event_handlers=[usage.keep_warm, on_any_eventbridge])
    result = handler(v2_event("/items/7"), CONTEXT)
    assert status_of(result) == 200
    assert [scope["path"] for scope in app.scopes] == ["/items/7"]
    assert body_of(usage.handler(v2_event("/orders"), CONTEXT)) == b"/orders"


def test_the_first_handler_whose_model_accepts_the_event_takes_it() -> None:
    narrow_first = Mangum(EchoApp(), lifespan="off", event_handlers=[on_schedule, on_any_eventbridge])
    assert narrow_first(read_handler_sample("scheduledEvent.json"), CONTEXT) == {}
    assert narrow_first(read_handler_sample("eventBridgeEvent.json"), CONTEXT) == {
        "seen": "EC2 Instance State-change Notification"
    }
    broad_first = Mangum(EchoApp(), lifespan="off", event_handlers=[on_any_eventbridge, on_schedule])
    assert broad_first(read_handler_sample("scheduledEvent.json"), CONTEXT) == {"seen": "Scheduled Event"}
    assert SEEN == [
        "schedule aws.events",
        "eventbridge EC2 Instance State-change Notification",
        "eventbridge Scheduled Event",
    ]


def test_an_event_no_handler_accepts_is_unsupported_naming_every_model_and_why() -> None:
    handler = Mangum(EchoApp(), lifespan="off", event_handlers=[usage.keep_warm, on_schedule])
    with pytest.raises(UnsupportedEvent) as caught:
        handler(read_handler_sample("eventBridgeEvent.json"), CONTEXT)
    assert caught.value.tried == (*DETECTION_ORDER, "WarmUpEvent", "ScheduledEvent")
    reason = caught.value.reason
    assert reason.startswith(
        "the event matches no known Lambda event source, and no event handler accepts it"
    )
    assert "WarmUpEvent: source: Input should be 'serverless-plugin-warmup'" in reason
    assert "ScheduledEvent: detail-type: Input should be 'Scheduled Event'" in reason
    assert SEEN == []


def test_an_event_that_is_not_an_object_is_unsupported_by_every_handler() -> None:
    handler = Mangum(EchoApp(), lifespan="off", event_handlers=[usage.keep_warm])
    with pytest.raises(UnsupportedEvent) as caught:
        handler([1, 2], CONTEXT)  # type: ignore[arg-type]  # the point: not a JSON object
    assert caught.value.tried[-1] == "WarmUpEvent"
    assert "WarmUpEvent: the event is a list, not a JSON object" in caught.value.reason


def test_without_event_handlers_the_error_is_the_one_parse_event_raises() -> None:
    with pytest.raises(UnsupportedEvent) as caught:
        Mangum(EchoApp(), lifespan="off")(read_handler_sample("warmUpPluginEvent.json"), CONTEXT)
    assert caught.value.tried == DETECTION_ORDER
    assert "event handler" not in str(caught.value)


def test_an_invalid_http_event_is_not_offered_to_the_handlers() -> None:
    event = v2_event("/")
    event["rawPath"] = 5
    with pytest.raises(InvalidEvent, match="rawPath"):
        Mangum(EchoApp(), lifespan="off", event_handlers=[usage.keep_warm])(event, CONTEXT)


def test_custom_handlers_are_asked_before_everything() -> None:
    class WarmUpsAsHttp:
        @classmethod
        def infer(cls, event: Any, context: Any, config: Any) -> bool:
            return bool(event.get("source") == "serverless-plugin-warmup")

        def __init__(self, event: Any, context: Any, config: Any) -> None:
            self.event = event

        @property
        def body(self) -> bytes:
            return b""

        @property
        def scope(self) -> dict[str, Any]:
            return {"type": "http", "method": "GET", "path": "/warm", "headers": [], "query_string": b""}

        def __call__(self, response: Any) -> dict[str, Any]:
            return {"custom": response["status"]}

    app = EchoApp()
    handler = Mangum(app, lifespan="off", custom_handlers=[WarmUpsAsHttp], event_handlers=[usage.keep_warm])
    assert handler(read_handler_sample("warmUpPluginEvent.json"), CONTEXT) == {"custom": 200}
    assert handler(read_handler_sample("warmUpLambdaWarmerEvent.json"), CONTEXT) == {}
    assert [scope["path"] for scope in app.scopes] == ["/warm"]


def test_a_handler_failure_propagates() -> None:
    @typed_handler
    def broken(event: WarmUpEvent, context: LambdaContext) -> None:
        raise RuntimeError("database unreachable")

    with pytest.raises(RuntimeError, match="database unreachable"):
        Mangum(EchoApp(), lifespan="off", event_handlers=[broken])(
            read_handler_sample("warmUpPluginEvent.json"), CONTEXT
        )


# --- the argument -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("keep_warm", "must be a list of functions decorated with @typed_handler"),
        (usage.keep_warm, "must be a list of functions decorated with @typed_handler"),
        ([usage.keep_warm.function], "must contain only functions decorated with @typed_handler"),
        ([on_schedule, None], "must contain only functions decorated with @typed_handler"),
    ],
    ids=["string", "single-handler", "plain-function", "none-item"],
)
def test_a_bad_event_handlers_argument_is_refused_naming_it(value: object, message: str) -> None:
    with pytest.raises(ConfigurationError, match=f"^event_handlers.*{message}"):
        Mangum(EchoApp(), event_handlers=value)  # type: ignore[arg-type]  # the point


def test_a_handler_whose_result_is_not_an_object_is_refused() -> None:
    @typed_handler
    def text(event: WarmUpEvent, context: LambdaContext) -> str:
        return "warm"

    with pytest.raises(
        ConfigurationError, match=r"event_handlers: .*text must return a model, a mapping or None"
    ):
        Mangum(EchoApp(), event_handlers=[text])
    assert text(read_handler_sample("warmUpPluginEvent.json"), CONTEXT) == "warm"


class Counted(BaseModel):
    count: int


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        (None, True),
        (type(None), True),
        (SqsBatchResponse, True),
        (dict[str, int], True),
        (SqsBatchResponse | None, True),
        (Counted | dict[str, int], True),
        (str, False),
        (list[Counted], False),
        (Counted | str, False),
        (int | None, False),
        (RootModel[dict[str, int]], True),
        (RootModel[list[int]], False),
        (Annotated[Counted, "meta"], True),
        ("Counted", False),
    ],
    ids=repr,
)
def test_which_results_serialize_to_an_object(annotation: object, expected: bool) -> None:
    assert serializes_to_object(annotation) is expected


class Listed(BaseModel):
    """A model whose serializer makes it a JSON list: it passes the construction check."""

    items: list[int]

    @model_serializer
    def _as_list(self) -> list[int]:
        return self.items


def test_a_model_serialized_to_something_else_than_an_object_is_an_invalid_response() -> None:
    @typed_handler
    def listed(event: WarmUpEvent, context: LambdaContext) -> Listed:
        return Listed(items=[1, 2])

    assert listed(read_handler_sample("warmUpPluginEvent.json"), CONTEXT) == [1, 2]
    handler = Mangum(EchoApp(), lifespan="off", event_handlers=[listed])
    with pytest.raises(
        InvalidResponse, match="the WarmUpEvent handler's result is a JSON list, not an object"
    ):
        handler(read_handler_sample("warmUpPluginEvent.json"), CONTEXT)
