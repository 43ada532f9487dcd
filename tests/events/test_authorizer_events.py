"""Authorizer events: every sample parses to its kind and dumps back to itself, detection follows its
documented order, the request lookups work on them, and bad events get typed errors."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from mangum.events import (
    AUTHORIZER_DETECTION_ORDER,
    AUTHORIZER_EVENT_MODELS,
    AuthorizerEventType,
    HttpApiAuthorizerEventV1,
    HttpApiAuthorizerEventV2,
    MethodArn,
    RestRequestAuthorizerEvent,
    RestTokenAuthorizerEvent,
    WebSocketAuthorizerEvent,
    detect_authorizer,
    parse_authorizer_event,
    parse_event,
)
from mangum.exceptions import InvalidArn, InvalidEvent, UnsupportedEvent
from tests.events.test_lazy import modules_after
from tests.support.event_files import HANDLER_EVENTS_DIR
from tests.support.handler_samples import (
    AUTHORIZER_SAMPLES,
    EVENT_SAMPLES,
    RESULT_SAMPLES,
    handler_sample_files,
    read_handler_sample,
)
from tests.support.json_schemas import validator
from tests.support.samples import read_sample

SECRET = "Bearer sk-live-0123456789-SECRET"


def test_every_handler_sample_file_has_an_expected_model() -> None:
    assert handler_sample_files() == sorted({*EVENT_SAMPLES, *RESULT_SAMPLES})


def test_every_authorizer_model_has_samples() -> None:
    assert set(AUTHORIZER_SAMPLES.values()) == set(AUTHORIZER_EVENT_MODELS)


@pytest.mark.parametrize("name", sorted(AUTHORIZER_SAMPLES))
def test_sample_parses_to_its_kind_and_round_trips(name: str) -> None:
    raw = read_handler_sample(name)
    event = parse_authorizer_event(raw)
    assert type(event) is AUTHORIZER_SAMPLES[name]
    assert detect_authorizer(raw) is AUTHORIZER_SAMPLES[name]
    assert event.model_dump(by_alias=True, exclude_unset=True) == raw


@pytest.mark.parametrize("name", sorted(AUTHORIZER_SAMPLES))
def test_sample_validates_against_its_schema(name: str) -> None:
    validator("events", AUTHORIZER_SAMPLES[name].__name__).validate(read_handler_sample(name))


def test_authorizer_schema_rejects_a_token_of_the_wrong_type() -> None:
    event = read_handler_sample("restTokenAuthorizer.json")
    event["authorizationToken"] = 5
    errors = list(validator("events", "RestTokenAuthorizerEvent").iter_errors(event))
    assert [list(error.path) for error in errors] == [["authorizationToken"]]


@pytest.mark.parametrize("name", sorted(AUTHORIZER_SAMPLES))
def test_every_sample_has_a_parsable_arn(name: str) -> None:
    event = parse_authorizer_event(read_handler_sample(name))
    arn = event.arn
    raw_arn = event.route_arn if isinstance(event, HttpApiAuthorizerEventV2) else event.method_arn
    assert str(arn) == raw_arn
    assert raw_arn.startswith(f"arn:aws:execute-api:{arn.region}:{arn.account_id}:{arn.api_id}/{arn.stage}/")


# Each kind's marker, in the documented detection order: an earlier kind's marker wins.


def mark_token(event: dict[str, Any]) -> None:
    event["type"] = "TOKEN"


def mark_v2(event: dict[str, Any]) -> None:
    event["version"] = "2.0"


def mark_websocket(event: dict[str, Any]) -> None:
    event.setdefault("requestContext", {})["connectionId"] = "abc="


def mark_v1(event: dict[str, Any]) -> None:
    event["version"] = "1.0"


Marker = Callable[[dict[str, Any]], None]

ORDERED_MARKERS: list[tuple[AuthorizerEventType, Marker]] = [
    (RestTokenAuthorizerEvent, mark_token),
    (HttpApiAuthorizerEventV2, mark_v2),
    (WebSocketAuthorizerEvent, mark_websocket),
    (HttpApiAuthorizerEventV1, mark_v1),
]


def test_markers_follow_the_documented_order() -> None:
    documented = " ".join(AUTHORIZER_DETECTION_ORDER)
    models = [model for model, _ in ORDERED_MARKERS] + [RestRequestAuthorizerEvent]
    positions = [documented.index(f"{model.__name__} ") for model in models]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    "position", range(len(ORDERED_MARKERS)), ids=[m.__name__ for m, _ in ORDERED_MARKERS]
)
def test_an_earlier_kind_wins_on_every_later_sample(position: int) -> None:
    earlier, marker = ORDERED_MARKERS[position]
    later = {model for model, _ in ORDERED_MARKERS[position + 1 :]} | {RestRequestAuthorizerEvent}
    samples = [name for name, model in AUTHORIZER_SAMPLES.items() if model in later]
    assert samples
    for name in samples:
        event = read_handler_sample(name)
        marker(event)
        assert detect_authorizer(event) is earlier, name


@pytest.mark.parametrize(
    "event",
    [
        {},
        {"type": "token"},
        {"type": None, "methodArn": "arn"},
        read_sample("powertools/apiGatewayProxyEvent.json"),
    ],
    ids=["empty", "lower-case-type", "null-type", "rest-api-request"],
)
def test_an_event_without_an_authorizer_type_is_unsupported(event: dict[str, Any]) -> None:
    with pytest.raises(UnsupportedEvent, match="not a Lambda authorizer event") as caught:
        parse_authorizer_event(event)
    assert caught.value.tried == AUTHORIZER_DETECTION_ORDER


@pytest.mark.parametrize("event", [None, [], "TOKEN", 3, [{"type": "TOKEN"}]], ids=repr)
def test_an_event_that_is_not_a_json_object_is_unsupported(event: object) -> None:
    with pytest.raises(UnsupportedEvent, match="not a JSON object"):
        parse_authorizer_event(event)


def test_a_missing_field_is_named_and_no_value_is_shown() -> None:
    event = read_handler_sample("restTokenAuthorizer.json")
    del event["methodArn"]
    event["authorizationToken"] = {"token": SECRET}
    with pytest.raises(InvalidEvent) as caught:
        parse_authorizer_event(event)
    assert caught.value.source == "RestTokenAuthorizerEvent"
    assert {(error.path, error.kind) for error in caught.value.errors} == {
        ("methodArn", "missing"),
        ("authorizationToken", "string_type"),
    }
    assert "SECRET" not in str(caught.value)


def test_a_websocket_authorizer_event_must_be_a_connect() -> None:
    event = read_handler_sample("webSocketAuthorizerQuery.json")
    event["requestContext"]["eventType"] = "MESSAGE"
    with pytest.raises(InvalidEvent) as caught:
        parse_authorizer_event(event)
    assert [error.path for error in caught.value.errors] == ["requestContext.eventType"]


def test_a_v2_event_keeps_its_identity_sources_cookies_and_query() -> None:
    event = parse_authorizer_event(read_handler_sample("httpApiAuthorizerV2.json"))
    assert isinstance(event, HttpApiAuthorizerEventV2)
    assert event.identity_source == ["Bearer token-7"]
    assert event.get_header("Authorization") == "Bearer token-7"
    assert event.get_header("cookie") == "session=abc; theme=dark"
    assert event.get_query_values("tag") == ["a", "b"]
    assert event.source_ip == "203.0.113.9"
    assert event.arn.route == "$default"


def test_a_v2_event_without_cookies_or_identity_source() -> None:
    event = parse_authorizer_event(read_handler_sample("httpApiAuthorizerV2NoCookiesNoIdentitySource.json"))
    assert isinstance(event, HttpApiAuthorizerEventV2)
    assert (event.identity_source, event.cookies, event.get_header("cookie")) == (None, None, None)
    assert event.query_items() == []


def test_a_v1_event_keeps_its_identity_source_and_every_header_value() -> None:
    event = parse_authorizer_event(read_handler_sample("apiGatewayAuthorizerRequestEvent.json"))
    assert isinstance(event, HttpApiAuthorizerEventV1)
    assert (event.identity_source, event.authorization_token) == ("user1,123", "user1,123")
    assert event.get_header_values("header2") == ["value1", "value2"]
    identity = event.request_context.identity
    assert identity is not None
    assert identity.client_cert is not None
    assert identity.client_cert.subject_dn == "www.example.com"


def test_a_v1_event_without_identity_source() -> None:
    event = parse_authorizer_event(read_handler_sample("httpApiAuthorizerV1NoIdentitySource.json"))
    assert isinstance(event, HttpApiAuthorizerEventV1)
    assert (event.identity_source, event.authorization_token, event.query_items()) == (None, None, [])


def test_a_rest_request_event_reads_multi_value_maps_and_keeps_unknown_fields() -> None:
    event = parse_authorizer_event(read_handler_sample("restRequestAuthorizerMultiValue.json"))
    assert isinstance(event, RestRequestAuthorizerEvent)
    assert not isinstance(event, HttpApiAuthorizerEventV1)
    assert event.get_header_values("x-tenant") == ["acme", "globex"]
    assert event.get_query_values("tag") == ["a", "b"]
    assert event.encoded_query() == "tag=a&tag=b"
    identity = event.request_context.identity
    assert identity is not None
    assert identity.model_extra == {
        "vpcId": "vpc-0a1b2c3d",
        "vpceId": "vpce-0f1e2d3c",
    }
    assert (event.arn.http_method, event.arn.resource_path) == ("POST", "/orders")


def test_a_websocket_event_names_its_connection_and_route() -> None:
    event = parse_authorizer_event(read_handler_sample("webSocketAuthorizerQuery.json"))
    assert isinstance(event, WebSocketAuthorizerEvent)
    assert event.connection_id == "Hk5MnfGhjoECJ9g="
    assert event.get_query("QueryAuth1") == "queryValue1"
    assert event.stage_variables == {"StageVar1": "stageValue1"}
    assert (event.arn.route, event.arn.http_method, event.arn.resource_path) == ("$connect", "$connect", "")


def test_a_token_event_with_a_malformed_arn_parses_but_its_arn_does_not() -> None:
    # AWS formats may change: the event is accepted whatever its ARN; only .arn insists on the format.
    event = parse_authorizer_event({"type": "TOKEN", "authorizationToken": "t", "methodArn": SECRET})
    assert isinstance(event, RestTokenAuthorizerEvent)
    with pytest.raises(InvalidArn) as caught:
        _ = event.arn
    assert "SECRET" not in str(caught.value)


def test_rest_request_authorizer_events_also_look_like_rest_requests() -> None:
    # Why Mangum's event_handlers cannot serve REQUEST authorizers: parse_event takes them first.
    raw = read_handler_sample("restRequestAuthorizer.json")
    assert type(parse_event(copy.deepcopy(raw))).__name__ == "ApiGatewayV1Event"
    assert isinstance(MethodArn.parse(raw["methodArn"]), MethodArn)


KIND_MODULES = {
    # The TOKEN kind is in the package itself, which every authorizer loads: no request layout.
    "RestTokenAuthorizerEvent": None,
    "RestRequestAuthorizerEvent": "mangum.events.authorizers.rest",
    "HttpApiAuthorizerEventV1": "mangum.events.authorizers.rest",
    "HttpApiAuthorizerEventV2": "mangum.events.authorizers.http_v2",
    "WebSocketAuthorizerEvent": "mangum.events.authorizers.websocket",
}


@pytest.mark.parametrize("name", sorted(AUTHORIZER_SAMPLES))
def test_parsing_imports_only_the_detected_kind(name: str) -> None:
    path = HANDLER_EVENTS_DIR / name
    loaded = modules_after(
        "import json\nfrom mangum.events import parse_authorizer_event\n"
        f"parse_authorizer_event(json.load(open({str(path)!r})))"
    )
    kinds = {module for module in loaded if module in KIND_MODULES.values()}
    expected = KIND_MODULES[AUTHORIZER_SAMPLES[name].__name__]
    assert kinds == (set() if expected is None else {expected})
    assert "mangum.events.handler_models" not in loaded
