"""Source detection and its documented order, and the typed errors for bad events."""

from __future__ import annotations

import copy
from collections.abc import Callable
from types import MappingProxyType
from typing import Any

import pytest

from mangum._sources.registry import DETECTION_ORDER
from mangum.events import (
    AlbEvent,
    ApiGatewayV1Event,
    ApiGatewayV2Event,
    CloudFrontEvent,
    EventModelType,
    FunctionUrlEvent,
    WebSocketEvent,
    detect_source,
    parse_event,
)
from mangum.exceptions import InvalidEvent, UnsupportedEvent
from tests.support.samples import SAMPLE_MODELS, read_sample, samples_of

SECRET = "Bearer sk-live-0123456789-SECRET"

Event = dict[str, Any]


@pytest.mark.parametrize("name", sorted(SAMPLE_MODELS))
def test_detect_source_on_every_sample(name: str) -> None:
    assert detect_source(read_sample(name)) is SAMPLE_MODELS[name]


# Each source's marker, in the documented detection order: giving a later source's event an
# earlier source's marker must make the earlier source win.


def mark_cloudfront(event: Event) -> None:
    event["Records"] = [{"cf": {}}]


def mark_alb(event: Event) -> None:
    event.setdefault("requestContext", {})["elb"] = {"targetGroupArn": "arn"}


def mark_websocket(event: Event) -> None:
    event.setdefault("requestContext", {})["connectionId"] = "abc="


def mark_function_url(event: Event) -> None:
    event["version"] = "2.0"
    event.setdefault("requestContext", {})["domainName"] = "x.lambda-url.us-east-1.on.aws"


def mark_http_api(event: Event) -> None:
    event["version"] = "2.0"


def mark_rest(event: Event) -> None:
    event["httpMethod"] = "GET"


ORDERED_MARKERS: list[tuple[EventModelType, Callable[[Event], None]]] = [
    (CloudFrontEvent, mark_cloudfront),
    (AlbEvent, mark_alb),
    (WebSocketEvent, mark_websocket),
    (FunctionUrlEvent, mark_function_url),
    (ApiGatewayV2Event, mark_http_api),
    (ApiGatewayV1Event, mark_rest),
]

ORDER_PAIRS = [
    (earlier, later)
    for index, (earlier, _) in enumerate(ORDERED_MARKERS)
    for later, _ in ORDERED_MARKERS[index + 1 :]
]


def test_markers_follow_the_documented_order() -> None:
    documented = " ".join(DETECTION_ORDER)
    positions = [documented.index(model.__name__) for model, _ in ORDERED_MARKERS]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    ("earlier", "later"), ORDER_PAIRS, ids=[f"{a.__name__}-over-{b.__name__}" for a, b in ORDER_PAIRS]
)
def test_earlier_source_wins_on_an_ambiguous_event(earlier: EventModelType, later: EventModelType) -> None:
    marker = dict(ORDERED_MARKERS)[earlier]
    for name in samples_of(later):
        event = read_sample(name)
        marker(event)
        assert detect_source(event) is earlier, name


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({"Records": [], "httpMethod": "GET"}, ApiGatewayV1Event),
        ({"Records": ["not a record"], "version": "2.0"}, ApiGatewayV2Event),
        ({"Records": [{"eventSource": "aws:s3"}], "httpMethod": "GET"}, ApiGatewayV1Event),
        ({"requestContext": "elb", "httpMethod": "GET"}, ApiGatewayV1Event),
        ({"requestContext": {"eventType": "MESSAGE"}, "version": "2.0"}, WebSocketEvent),
        ({"version": "2.0", "requestContext": {"domainName": "api.example.com"}}, ApiGatewayV2Event),
        ({"version": "2.0", "requestContext": {"domainName": 7}}, ApiGatewayV2Event),
        ({"version": "1.0", "httpMethod": "GET"}, ApiGatewayV1Event),
    ],
)
def test_detection_on_hand_made_ambiguous_events(event: Event, expected: EventModelType) -> None:
    assert detect_source(event) is expected


@pytest.mark.parametrize(
    "event", [None, [], [{"httpMethod": "GET"}], "event", b"{}", 42, 1.5, True], ids=repr
)
def test_an_event_that_is_not_a_json_object_is_unsupported(event: object) -> None:
    with pytest.raises(UnsupportedEvent, match="not a JSON object") as caught:
        parse_event(event)
    assert caught.value.tried == DETECTION_ORDER


@pytest.mark.parametrize(
    "event",
    [
        {},
        {"Records": [{"eventSource": "aws:sqs", "body": "x"}]},
        {"version": "1.0", "path": "/"},
        {"requestContext": {"stage": "prod"}, "rawPath": "/"},
    ],
)
def test_an_event_of_no_known_shape_is_unsupported_and_lists_what_was_tried(event: Event) -> None:
    with pytest.raises(UnsupportedEvent) as caught:
        parse_event(event)
    assert caught.value.tried == DETECTION_ORDER
    for tried in DETECTION_ORDER:
        assert tried in str(caught.value)


def set_path(event: Event, path: tuple[str | int, ...], value: object) -> Event:
    """A copy of ``event`` with the value at ``path`` replaced."""
    changed = copy.deepcopy(event)
    target: Any = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


def drop_path(event: Event, path: tuple[str | int, ...]) -> Event:
    """A copy of ``event`` without the key at ``path``."""
    changed = copy.deepcopy(event)
    target: Any = changed
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return changed


INVALID_CASES: list[tuple[str, tuple[str | int, ...], object, str, str]] = [
    ("powertools/apiGatewayProxyEvent.json", ("httpMethod",), 5, "httpMethod", "string_type"),
    (
        "powertools/apiGatewayProxyEvent.json",
        ("requestContext", "identity", "sourceIp"),
        ["1.2.3.4"],
        "requestContext.identity.sourceIp",
        "string_type",
    ),
    (
        "custom/apiGatewayConsoleTestInvoke.json",
        ("multiValueHeaders",),
        {"Accept": "text/html"},
        "multiValueHeaders.Accept",
        "list_type",
    ),
    (
        "powertools/apiGatewayProxyV2Event.json",
        ("requestContext", "http", "method"),
        None,
        "requestContext.http.method",
        "string_type",
    ),
    ("powertools/apiGatewayProxyV2Event.json", ("cookies",), "a=1", "cookies", "list_type"),
    ("powertools/lambdaFunctionUrlEvent.json", ("rawPath",), {}, "rawPath", "string_type"),
    (
        "powertools/lambdaFunctionUrlEvent.json",
        ("requestContext", "timeEpoch"),
        "soon",
        "requestContext.timeEpoch",
        "int_parsing",
    ),
    (
        "powertools/albEvent.json",
        ("requestContext", "elb", "targetGroupArn"),
        1,
        "requestContext.elb.targetGroupArn",
        "string_type",
    ),
    ("custom/albMultiValueRepeated.json", ("isBase64Encoded",), "maybe", "isBase64Encoded", "bool_parsing"),
    (
        "powertools/apiGatewayWebSocketApiMessage.json",
        ("requestContext", "eventType"),
        "OPEN",
        "requestContext.eventType",
        "literal_error",
    ),
    (
        "custom/cloudFrontViewerRequest.json",
        ("Records", 0, "cf", "request", "headers", "host", 0, "value"),
        3,
        "Records.0.cf.request.headers.host.0.value",
        "string_type",
    ),
    (
        "custom/cloudFrontViewerRequestTextBody.json",
        ("Records", 0, "cf", "request", "body", "encoding"),
        "gzip",
        "Records.0.cf.request.body.encoding",
        "literal_error",
    ),
]


@pytest.mark.parametrize(("name", "path", "value", "error_path", "kind"), INVALID_CASES)
def test_a_wrong_type_is_invalid_event_naming_the_field_path(
    name: str, path: tuple[str | int, ...], value: object, error_path: str, kind: str
) -> None:
    event = set_path(read_sample(name), path, value)
    with pytest.raises(InvalidEvent) as caught:
        parse_event(event)
    assert caught.value.source == SAMPLE_MODELS[name].__name__
    assert [(error.path, error.kind) for error in caught.value.errors] == [(error_path, kind)]
    assert error_path in str(caught.value)


@pytest.mark.parametrize(
    ("name", "path", "error_path"),
    [
        ("powertools/apiGatewayProxyEvent.json", ("path",), "path"),
        ("powertools/apiGatewayProxyV2Event.json", ("requestContext", "http"), "requestContext.http"),
        ("powertools/albEvent.json", ("path",), "path"),
        ("powertools/apiGatewayWebSocketApiConnect.json", ("requestContext", "connectionId"), ""),
        ("custom/cloudFrontOriginRequest.json", ("Records", 0, "cf", "request", "uri"), ""),
    ],
)
def test_a_missing_field_is_invalid_event(name: str, path: tuple[str | int, ...], error_path: str) -> None:
    event = drop_path(read_sample(name), path)
    expected_path = error_path or ".".join(str(part) for part in path)
    with pytest.raises(InvalidEvent) as caught:
        parse_event(event)
    assert [(error.path, error.kind) for error in caught.value.errors] == [(expected_path, "missing")]


def test_every_error_of_an_event_is_reported() -> None:
    event = read_sample("powertools/apiGatewayProxyV2Event.json")
    event = set_path(event, ("rawPath",), 1)
    event = set_path(event, ("isBase64Encoded",), [])
    with pytest.raises(InvalidEvent) as caught:
        parse_event(event)
    assert sorted(error.path for error in caught.value.errors) == ["isBase64Encoded", "rawPath"]


def with_secret_header(name: str) -> Event:
    """A sample carrying SECRET in its Authorization header, in the layout of its source."""
    event = read_sample(name)
    if "Records" in event:
        headers = event["Records"][0]["cf"]["request"]["headers"]
        headers["authorization"] = [{"key": "Authorization", "value": SECRET}]
    elif event.get("multiValueHeaders") is not None:
        event["multiValueHeaders"]["Authorization"] = [SECRET]
    else:
        event["headers"] = {**(event.get("headers") or {}), "Authorization": SECRET}
    return event


BROKEN_ELSEWHERE: dict[EventModelType, tuple[tuple[str | int, ...], object]] = {
    ApiGatewayV1Event: (("requestContext", "requestTimeEpoch"), "later"),
    ApiGatewayV2Event: (("requestContext", "http"), None),
    FunctionUrlEvent: (("rawPath",), 404),
    AlbEvent: (("httpMethod",), ["GET"]),
    WebSocketEvent: (("requestContext", "eventType"), "OPEN"),
    CloudFrontEvent: (("Records", 0, "cf", "request", "method"), {}),
}

SECRET_SAMPLES = [
    "powertools/apiGatewayProxyEvent.json",
    "custom/apiGatewayConsoleTestInvoke.json",
    "powertools/apiGatewayProxyV2Event.json",
    "powertools/lambdaFunctionUrlEvent.json",
    "powertools/albEvent.json",
    "custom/albMultiValueRepeated.json",
    "custom/webSocketConnectQueryAuthorizer.json",
    "custom/cloudFrontViewerRequest.json",
]


@pytest.mark.parametrize("name", SECRET_SAMPLES)
def test_invalid_event_message_never_contains_header_values(name: str) -> None:
    path, value = BROKEN_ELSEWHERE[SAMPLE_MODELS[name]]
    event = set_path(with_secret_header(name), path, value)
    with pytest.raises(InvalidEvent) as caught:
        parse_event(event)
    error = caught.value
    assert error.errors
    for text in (str(error), repr(error), *(str(detail) for detail in error.errors)):
        assert "sk-live" not in text
    assert error.__cause__ is None
    assert error.__suppress_context__


@pytest.mark.parametrize("name", SECRET_SAMPLES)
def test_a_secret_header_of_the_wrong_type_is_not_echoed(name: str) -> None:
    event = with_secret_header(name)
    if "Records" in event:
        event["Records"][0]["cf"]["request"]["headers"]["authorization"] = [{"value": [SECRET]}]
    elif "Authorization" in (event.get("multiValueHeaders") or {}):
        event["multiValueHeaders"]["Authorization"] = SECRET
    else:
        event["headers"]["Authorization"] = {"token": SECRET}
    with pytest.raises(InvalidEvent) as caught:
        parse_event(event)
    assert "sk-live" not in str(caught.value)
    assert "sk-live" not in repr(caught.value)


def test_any_mapping_is_accepted_not_only_dict() -> None:
    event = read_sample("custom/lambdaFunctionUrlNoStageRouteKey.json")
    event["requestContext"] = MappingProxyType(event["requestContext"])
    assert detect_source(MappingProxyType(event)) is FunctionUrlEvent
    assert type(parse_event(MappingProxyType(event))) is FunctionUrlEvent
