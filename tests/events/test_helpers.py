"""The request helpers every event model shares: headers, query, cookies and body, per source."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from pydantic import BaseModel, PydanticUserError, ValidationError

from mangum.events import (
    AlbEvent,
    ApiGatewayV1Event,
    ApiGatewayV2Event,
    CloudFrontEvent,
    FunctionUrlEvent,
    RequestEvent,
    WebSocketEvent,
    _base,
)
from mangum.exceptions import InvalidBody
from tests.support.samples import SAMPLE_MODELS, parse_raw, parse_sample, read_sample


class Order(BaseModel):
    item: str
    qty: int


class Shipment(BaseModel):
    order: Order
    express: bool


# Headers: case-insensitive lookup, every value of a repeated header, per source.


def test_rest_headers_come_from_multi_value_headers_with_every_value() -> None:
    event = parse_sample("powertools/apiGatewayProxyEvent.json", ApiGatewayV1Event)
    assert event.get_header_values("HEADER2") == ["value1", "value2"]
    assert event.get_header("header2") == "value1"
    assert event.get_header("origin") == "https://aws.amazon.com"
    assert event.get_header("missing") is None
    assert event.get_header_values("missing") == []


def test_rest_headers_fall_back_to_single_value_headers() -> None:
    raw = read_sample("powertools/apiGatewayProxyEvent.json")
    raw["multiValueHeaders"] = None
    event = parse_raw(raw, ApiGatewayV1Event)
    assert event.get_header_values("Header2") == ["value2"]


def test_console_test_invoke_has_no_headers_and_no_query() -> None:
    event = parse_sample("custom/apiGatewayConsoleTestInvoke.json", ApiGatewayV1Event)
    assert event.header_items() == []
    assert event.query_items() == []
    assert event.encoded_query() == ""
    assert event.body_bytes() == b""
    assert event.source_ip == "test-invoke-source-ip"


def test_http_api_cookies_become_one_cookie_header() -> None:
    event = parse_sample("custom/apiGatewayHttpLambdaAuthorizer.json", ApiGatewayV2Event)
    assert event.get_header_values("Cookie") == ["session=abc; theme=dark"]
    assert event.get_header("ACCEPT") == "text/csv,application/json"


def test_http_api_cookies_replace_a_cookie_header() -> None:
    raw = read_sample("custom/apiGatewayHttpLambdaAuthorizer.json")
    raw["headers"]["Cookie"] = "stale=1"
    event = parse_raw(raw, ApiGatewayV2Event)
    assert event.get_header_values("cookie") == ["session=abc; theme=dark"]


def test_function_url_headers() -> None:
    event = parse_sample("custom/lambdaFunctionUrlNoStageRouteKey.json", FunctionUrlEvent)
    assert event.get_header("Content-Type") == "text/plain"
    assert event.get_header("cookie") is None


def test_alb_multi_value_headers_keep_repeated_values() -> None:
    event = parse_sample("custom/albMultiValueRepeated.json", AlbEvent)
    assert event.multi_value
    assert event.get_header_values("Accept") == ["text/html", "application/json"]
    assert event.get_header_values("COOKIE") == ["session=abc", "theme=dark"]
    assert event.get_header("host") == "lambda-alb-123578498.us-east-2.elb.amazonaws.com"


def test_alb_single_value_headers() -> None:
    event = parse_sample("powertools/albEvent.json", AlbEvent)
    assert not event.multi_value
    assert event.get_header_values("User-Agent") == [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/71.0.3578.98 Safari/537.36"
    ]


def test_cloudfront_headers_keep_every_value_under_the_original_spelling() -> None:
    event = parse_sample("custom/cloudFrontViewerRequest.json", CloudFrontEvent)
    assert event.get_header_values("x-tag") == ["one", "two"]
    assert ("X-Tag", "two") in event.header_items()
    assert ("User-Agent", "curl/8.5.0") in event.header_items()


def test_cloudfront_header_without_key_uses_the_map_name() -> None:
    raw = read_sample("custom/cloudFrontViewerRequest.json")
    raw["Records"][0]["cf"]["request"]["headers"]["x-bare"] = [{"value": "v"}]
    event = parse_raw(raw, CloudFrontEvent)
    assert ("x-bare", "v") in event.header_items()


def test_websocket_connect_headers() -> None:
    event = parse_sample("custom/webSocketConnectQueryAuthorizer.json", WebSocketEvent)
    assert event.get_header("sec-websocket-protocol") == "chat, superchat"


def test_websocket_message_has_no_headers() -> None:
    event = parse_sample("custom/webSocketBinaryMessage.json", WebSocketEvent)
    assert event.header_items() == []


# Query parameters, decoded, with every repeated value, and the query string as a URL carries it.


def test_rest_query_uses_every_multi_value_and_is_re_encoded() -> None:
    raw = read_sample("powertools/apiGatewayProxyEvent.json")
    raw["multiValueQueryStringParameters"] = {"q": ["a b&c", "é"], "parameter1": ["value1"]}
    event = parse_raw(raw, ApiGatewayV1Event)
    assert event.get_query_values("q") == ["a b&c", "é"]
    assert event.encoded_query() == "q=a%20b%26c&q=%C3%A9&parameter1=value1"


def test_rest_query_falls_back_to_single_values() -> None:
    raw = read_sample("powertools/apiGatewayProxyEvent.json")
    raw["multiValueQueryStringParameters"] = None
    event = parse_raw(raw, ApiGatewayV1Event)
    assert event.get_query_values("parameter1") == ["value1"]


def test_http_api_query_comes_from_the_raw_query_string() -> None:
    event = parse_sample("custom/apiGatewayHttpLambdaAuthorizer.json", ApiGatewayV2Event)
    # queryStringParameters has "col": "a,b"; the raw string keeps the two values apart.
    assert event.get_query_values("col") == ["a", "b"]
    assert event.get_query("format") == "csv"
    assert event.encoded_query() == "format=csv&col=a&col=b"


def test_function_url_query_is_decoded() -> None:
    event = parse_sample("custom/lambdaFunctionUrlNoStageRouteKey.json", FunctionUrlEvent)
    assert event.get_query("next") == "a/b"
    assert event.encoded_query() == "limit=10&next=a%2Fb"


def test_alb_query_values_are_decoded_but_the_query_string_is_passed_on_as_sent() -> None:
    event = parse_sample("custom/albMultiValueRepeated.json", AlbEvent)
    assert event.get_query_values("q") == ["café", "a b"]
    assert event.get_query("name[]") == "x&y"
    assert event.get_query("flag") == ""
    assert event.encoded_query() == "q=caf%C3%A9&q=a+b&name%5B%5D=x%26y&flag="


def test_alb_single_value_query() -> None:
    raw = read_sample("powertools/albEvent.json")
    raw["queryStringParameters"] = {"city": "S%C3%A3o%20Paulo"}
    event = parse_raw(raw, AlbEvent)
    assert event.get_query("city") == "São Paulo"
    assert event.encoded_query() == "city=S%C3%A3o%20Paulo"


def test_cloudfront_query() -> None:
    event = parse_sample("custom/cloudFrontViewerRequest.json", CloudFrontEvent)
    assert event.get_query("q") == "café"
    assert event.get_query_values("tag") == ["a", "b"]
    assert event.get_query("empty") == ""
    assert event.get_query("absent") is None


def test_websocket_connect_query() -> None:
    event = parse_sample("custom/webSocketConnectQueryAuthorizer.json", WebSocketEvent)
    assert event.query_items() == [("room", "lobby"), ("token", "t")]
    assert event.encoded_query() == "room=lobby&token=t"


# Bodies: text, base64, JSON, validated into a model.


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("custom/apiGatewayRestLambdaAuthorizer.json", b'{"item": "book", "qty": 2}'),
        ("custom/apiGatewayHttpIamAuthorizer.json", b"\x00\x01\x02\x03\x04"),
        ("custom/lambdaFunctionUrlNoStageRouteKey.json", b"hello"),
        ("custom/albMultiValueRepeated.json", b"field=value"),
        ("custom/cloudFrontViewerRequestTextBody.json", b'{"name": "ada", "tags": ["x"]}'),
        ("custom/cloudFrontOriginRequestBase64Body.json", b"\x00\x01\x02\xff"),
        ("custom/cloudFrontOriginRequest.json", b""),
        ("custom/webSocketBinaryMessage.json", b"\x80\x01\x02\x03\xfe"),
        (
            "powertools/apiGatewayWebSocketApiMessage.json",
            b'{"action": "chat", "message": "Hello from client"}',
        ),
    ],
)
def test_body_bytes(name: str, expected: bytes) -> None:
    event = parse_sample(name, SAMPLE_MODELS[name])
    assert event.body_bytes() == expected


def break_base64(name: str) -> RequestEvent:
    """A sample whose body is flagged base64 but is not."""
    raw = read_sample(name)
    if "Records" in raw:
        raw["Records"][0]["cf"]["request"]["body"] = {"data": "not base64!", "encoding": "base64"}
    else:
        raw["body"], raw["isBase64Encoded"] = "not base64!", True
    return parse_raw(raw, SAMPLE_MODELS[name])


@pytest.mark.parametrize(
    "name",
    [
        "custom/apiGatewayRestLambdaAuthorizer.json",
        "custom/apiGatewayHttpIamAuthorizer.json",
        "custom/lambdaFunctionUrlNoStageRouteKey.json",
        "custom/albMultiValueRepeated.json",
        "custom/cloudFrontViewerRequestTextBody.json",
        "custom/webSocketBinaryMessage.json",
    ],
)
def test_bad_base64_is_invalid_body(name: str) -> None:
    event = break_base64(name)
    with pytest.raises(InvalidBody, match="not valid base64"):
        event.body_bytes()
    with pytest.raises(InvalidBody):
        event.json_body()


def test_text_that_has_no_utf8_form_is_invalid_body() -> None:
    raw = read_sample("custom/lambdaFunctionUrlNoStageRouteKey.json")
    raw["body"] = "\ud800 lone surrogate"
    with pytest.raises(InvalidBody, match="UTF-8"):
        parse_raw(raw, FunctionUrlEvent).body_bytes()


def test_json_body() -> None:
    event = parse_sample("custom/cloudFrontViewerRequestTextBody.json", CloudFrontEvent)
    assert event.json_body() == {"name": "ada", "tags": ["x"]}


def test_json_body_of_a_base64_body() -> None:
    raw = read_sample("custom/apiGatewayHttpIamAuthorizer.json")
    raw["body"] = "WzEsIG51bGwsICJ4Il0="  # [1, null, "x"]
    assert parse_raw(raw, ApiGatewayV2Event).json_body() == [1, None, "x"]


def test_json_body_that_is_not_json_is_invalid_body() -> None:
    event = parse_sample("custom/lambdaFunctionUrlNoStageRouteKey.json", FunctionUrlEvent)
    with pytest.raises(InvalidBody, match="not valid JSON"):
        event.json_body()


def test_parse_body_into_a_model() -> None:
    event = parse_sample("custom/apiGatewayRestLambdaAuthorizer.json", ApiGatewayV1Event)
    assert event.parse_body(Order) == Order(item="book", qty=2)


def test_parse_body_failure_names_each_field_path_and_no_value() -> None:
    raw = read_sample("custom/apiGatewayRestLambdaAuthorizer.json")
    raw["body"] = '{"order": {"item": "private-item-name", "qty": "many"}}'
    event = parse_raw(raw, ApiGatewayV1Event)
    with pytest.raises(InvalidBody) as caught:
        event.parse_body(Shipment)
    assert [(error.path, error.kind) for error in caught.value.errors] == [
        ("order.qty", "int_parsing"),
        ("express", "missing"),
    ]
    assert "Shipment" in str(caught.value)
    assert "order.qty" in str(caught.value)
    assert "many" not in str(caught.value)
    assert "private-item-name" not in str(caught.value)


# Source-specific accessors.


def test_rest_lambda_authorizer_context_keeps_every_key_and_type() -> None:
    event = parse_sample("custom/apiGatewayRestLambdaAuthorizer.json", ApiGatewayV1Event)
    authorizer = event.request_context.authorizer
    assert authorizer is not None
    assert authorizer.principal_id == "user|a1b2c3"
    assert authorizer.integration_latency == 27
    assert event.authorizer_context == {
        "tenant": "acme",
        "isAdmin": True,
        "quota": 42,
        "ratio": 0.75,
        "roles": '["reader","writer"]',
    }


def test_rest_cognito_claims() -> None:
    event = parse_sample("custom/apiGatewayRestCognitoAuthorizer.json", ApiGatewayV1Event)
    authorizer = event.request_context.authorizer
    assert authorizer is not None
    assert authorizer.claims is not None
    assert authorizer.claims["cognito:groups"] == "admins"
    assert event.authorizer_context == {}


def test_rest_iam_identity() -> None:
    event = parse_sample("custom/apiGatewayRestIamIdentity.json", ApiGatewayV1Event)
    identity = event.request_context.identity
    assert identity is not None
    assert identity.user_arn == "arn:aws:sts::123456789012:assumed-role/admin/session-name"
    assert identity.principal_org_id == "o-exampleorgid"
    assert event.request_context.authorizer is None


def test_source_ip_with_a_port_is_kept_as_sent() -> None:
    event = parse_sample("custom/apiGatewayProxySourceIpWithPort.json", ApiGatewayV1Event)
    assert event.source_ip == "198.51.100.23:44321"


def test_http_api_lambda_and_iam_authorizers() -> None:
    lambda_event = parse_sample("custom/apiGatewayHttpLambdaAuthorizer.json", ApiGatewayV2Event)
    authorizer = lambda_event.request_context.authorizer
    assert authorizer is not None
    assert authorizer.lambda_context is not None
    assert authorizer.lambda_context["limits"] == {"daily": 100, "burst": 5}
    assert authorizer.lambda_context["nothing"] is None

    iam_event = parse_sample("custom/apiGatewayHttpIamAuthorizer.json", ApiGatewayV2Event)
    iam_authorizer = iam_event.request_context.authorizer
    assert iam_authorizer is not None
    assert iam_authorizer.iam is not None
    assert iam_authorizer.iam.user_id == "AROAEXAMPLEROLE:CognitoIdentityCredentials"
    assert iam_event.source_ip == "203.0.113.10"


def test_function_url_without_stage_or_route_key() -> None:
    event = parse_sample("custom/lambdaFunctionUrlNoStageRouteKey.json", FunctionUrlEvent)
    assert event.route_key is None
    assert event.request_context.stage is None
    assert event.request_context.http.method == "POST"


def test_websocket_connect_authorizer_and_identity() -> None:
    event = parse_sample("custom/webSocketConnectQueryAuthorizer.json", WebSocketEvent)
    assert event.event_type == "CONNECT"
    assert event.connection_id == "QwErTyUiIAMCKlQ="
    assert event.source_ip == "198.51.100.4"
    authorizer = event.request_context.authorizer
    assert authorizer is not None
    assert authorizer.context() == {"tenant": "acme", "premium": True, "seats": 3}


def test_cloudfront_accessors() -> None:
    event = parse_sample("custom/cloudFrontOriginRequest.json", CloudFrontEvent)
    assert event.config.event_type == "origin-request"
    assert event.request.uri == "/"
    assert event.request.origin is not None
    assert "custom" in event.request.origin


def test_unknown_fields_are_kept_at_every_level() -> None:
    event = parse_sample("custom/apiGatewayHttpUnknownFields.json", ApiGatewayV2Event)
    assert event.model_extra == {"futureTopLevel": {"nested": [1, "two", None, {"deep": True}]}}
    assert event.request_context.model_extra == {"newContextField": 3.5}
    assert event.request_context.http.model_extra == {"newHttpField": ["kept"]}
    authorizer = event.request_context.authorizer
    assert authorizer is not None
    assert authorizer.model_extra == {"newAuthorizerKind": {"x": 1}}
    assert authorizer.jwt is not None
    assert authorizer.jwt.model_extra == {"newJwtField": "kept"}


def test_alb_events_drop_unknown_fields_and_read_the_same() -> None:
    # ALB's event is a fixed set of fields: its models ignore any other (see mangum/events/alb.py).
    raw = read_sample("powertools/albEvent.json")
    padded = {
        **raw,
        "futureTopLevel": 1,
        "requestContext": {"elb": {**raw["requestContext"]["elb"], "new": 2}, "x": 3},
    }
    event = parse_raw(padded, AlbEvent)
    assert event.model_extra is None
    assert event.model_dump(by_alias=True, exclude_unset=True) == raw
    assert event.request_context.elb.target_group_arn == raw["requestContext"]["elb"]["targetGroupArn"]
    assert event.header_items() == parse_raw(raw, AlbEvent).header_items()


@pytest.mark.parametrize("name", sorted(SAMPLE_MODELS))
def test_model_validate_without_options_matches_pydantics(name: str) -> None:
    # The fast path of AwsModel.model_validate gives what pydantic's own method gives.
    model, raw = SAMPLE_MODELS[name], read_sample(name)
    fast = model.model_validate(raw)
    assert type(fast) is model
    assert fast == BaseModel.model_validate.__func__(model, raw)  # type: ignore[attr-defined]  # classmethod's function
    assert fast == model.model_validate(raw, strict=False)


def test_model_validate_passes_options_and_validates_subclasses() -> None:
    class Tagged(AlbEvent):
        tag: str = "none"

    raw = read_sample("powertools/albEvent.json")
    assert type(Tagged.model_validate(raw)) is Tagged
    assert Tagged.model_validate({**raw, "tag": "t"}).tag == "t"
    assert (
        AlbEvent.model_validate(
            {"request_context": {"elb": {"target_group_arn": "a"}}, "http_method": "GET", "path": "/"}
        ).path
        == "/"
    )
    with pytest.raises(PydanticUserError, match="by_alias"):
        AlbEvent.model_validate(raw, by_alias=False)  # pydantic's own check, the options path
    with pytest.raises(ValueError, match="requestContext"):
        AlbEvent.model_validate({**raw, "requestContext": None})
    with pytest.raises(ValueError, match="httpMethod"):
        AlbEvent.model_validate({**raw, "httpMethod": None}, strict=True)


if TYPE_CHECKING:
    Later = Order  # at run time only test_model_rebuild_reads_names_in_its_callers_frame defines it


class Deferred(AlbEvent):
    """An ALB event with a field whose type is not defined when the class is made."""

    later: Later


def test_model_rebuild_reads_names_in_its_callers_frame() -> None:
    # AwsModel.model_rebuild is one frame more between the caller and pydantic's method.
    Later = Order  # the name Deferred's annotation uses, found in this frame
    # force: a rebuild each time, so that the test also holds when it runs again in one process
    assert Deferred.model_rebuild(force=True) is True
    raw = read_sample("powertools/albEvent.json")
    assert Deferred.model_validate({**raw, "later": {"item": "a", "qty": 1}}).later == Later(item="a", qty=1)


def test_model_validate_uses_the_validator_of_a_forced_rebuild() -> None:
    # model_validate remembers each class's validator; a forced rebuild makes a new one (here, from a
    # changed configuration), so the remembered one must be dropped.
    class Bounded(AlbEvent):
        pass

    raw = read_sample("powertools/albEvent.json")
    assert Bounded.model_validate(raw).path == "/lambda"
    Bounded.model_config["str_max_length"] = 1
    Bounded.model_rebuild(force=True)
    with pytest.raises(ValidationError, match="path"):
        Bounded.model_validate(raw)


def test_a_rebuild_between_reading_and_remembering_a_validator_is_not_undone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Another thread's forced rebuild, run between model_validate reading a class's validator and
    # remembering it: the table must not keep the validator the rebuild replaced.
    class Raced(AlbEvent):
        pass

    class RebuiltOnStore(dict[type[BaseModel], Callable[[object], Any]]):
        def __setitem__(self, model: type[BaseModel], validate: Callable[[object], Any]) -> None:
            Raced.model_config["str_max_length"] = 1
            Raced.model_rebuild(force=True)
            super().__setitem__(model, validate)

    monkeypatch.setattr(_base, "_VALIDATE_PYTHON", RebuiltOnStore())
    raw = read_sample("powertools/albEvent.json")
    assert Raced.model_validate(raw).path == "/lambda"  # validated as it began, before the rebuild
    with pytest.raises(ValidationError, match="path"):
        Raced.model_validate(raw)


def test_header_lookups_of_a_copy_see_its_updated_headers() -> None:
    event = parse_sample("powertools/albEvent.json", AlbEvent)
    assert event.get_header("x-new") is None
    copied = event.model_copy(update={"headers": {"X-New": "1"}})
    assert copied.get_header("x-new") == "1"
    assert event.get_header("x-new") is None
    assert event.model_copy(deep=True).get_header("host") == event.get_header("host")
