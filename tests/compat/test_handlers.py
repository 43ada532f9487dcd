"""``mangum.handlers``: PyPI mangum's handler classes, each on the adapter's own conversion, as 0.22
code uses them: called directly, subclassed, and given to ``custom_handlers``; and its ``utils``."""

from __future__ import annotations

from typing import Any

import pytest

from mangum import Mangum
from mangum.exceptions import InvalidBody, UnsupportedEvent
from mangum.handlers import ALB, APIGateway, HTTPGateway, LambdaAtEdge
from mangum.handlers.utils import (
    get_server_and_port,
    handle_base64_response_body,
    handle_exclude_headers,
    handle_multi_value_headers,
    maybe_encode_body,
    strip_api_gateway_path,
)
from mangum.types import LambdaConfig, LambdaContext, LambdaEvent, Response, Scope
from tests.compat import events
from tests.compat.apps import Responding
from tests.support.adapter import CONTEXT

CONFIG = LambdaConfig(
    api_gateway_base_path="/", text_mime_types=["text/", "application/json"], exclude_headers=[]
)


@pytest.mark.parametrize(
    ("method", "path", "query", "body", "base64_body", "query_string", "scope_body"),
    [
        ("GET", "/hello/world", None, None, False, b"", b""),
        (
            "POST",
            "/",
            {"name": ["me"]},
            "field1=value1&field2=value2",
            False,
            b"name=me",
            b"field1=value1&field2=value2",
        ),
        ("GET", "/my/resource", {"name": ["me", "you"]}, None, False, b"name=me&name=you", b""),
        ("GET", "", {"name": ["me", "you"], "pet": ["dog"]}, None, False, b"name=me&name=you&pet=dog", b""),
        (
            "POST",
            "/img",
            None,
            "R0lGODdhAQABAIABAP8AAAAAACwAAAAAAQABAAACAkQBADs=",
            True,
            b"",
            events.PIXEL_GIF,
        ),
        ("POST", "/form-submit", None, "say=Hi&to=Mom", False, b"", b"say=Hi&to=Mom"),
    ],
    ids=["get", "form", "repeated-query", "empty-path", "base64-gif", "form-no-query"],
)
def test_api_gateway_scope_and_body(
    method: str,
    path: str,
    query: dict[str, list[str]] | None,
    body: str | None,
    base64_body: bool,
    query_string: bytes,
    scope_body: bytes,
) -> None:
    event = events.rest(method, path, query, body, base64_body)
    handler = APIGateway(event, CONTEXT, CONFIG)
    scope = handler.scope
    assert handler.body == scope_body
    assert (scope["type"], scope["method"], scope["path"], scope["root_path"]) == (
        "http",
        method,
        path or "/",
        "",
    )
    assert scope["query_string"] == query_string
    assert scope["client"] == ("192.168.100.1", 0)
    assert scope["server"] == ("test.execute-api.us-west-2.amazonaws.com", 443)
    assert scope["scheme"] == "https"
    assert scope["aws.event"] is event
    assert scope["aws.context"] is CONTEXT
    # Header names lower-cased, in the order received.
    assert [name for name, _ in scope["headers"]] == [
        name.lower().encode() for name in events.BROWSER_HEADERS
    ]


def test_api_gateway_base_path_is_what_the_app_does_not_route_on() -> None:
    handler = APIGateway(
        events.rest(path="/test/hello"), CONTEXT, {**CONFIG, "api_gateway_base_path": "test"}
    )
    scope = handler.scope
    assert (scope["root_path"], scope["path"]) == ("/test", "/test/hello")
    assert scope["path"][len(scope["root_path"]) :] == "/hello"


def test_http_gateway_reads_both_payload_formats() -> None:
    v1 = HTTPGateway(
        events.http_v1(query={"parameter1": ["value1", "value2"], "parameter2": ["value"]}), CONTEXT, CONFIG
    )
    assert v1.body == b"Hello from Lambda!"
    assert v1.scope["query_string"] == b"parameter1=value1&parameter1=value2&parameter2=value"
    # Every value of a repeated request header is its own ASGI header (PyPI mangum joined them).
    assert [pair for pair in v1.scope["headers"] if pair[0] == b"header2"] == [
        (b"header2", b"value1"),
        (b"header2", b"value2"),
    ]
    v2 = HTTPGateway(events.http_v2(query="name=me&name=you"), CONTEXT, CONFIG)
    assert v2.body == b""
    assert v2.scope["query_string"] == b"name=me&name=you"
    assert (b"cookie", b"cookie1; cookie2") in v2.scope["headers"]
    assert v2.scope["client"] == ("192.168.100.1", 0)


def test_http_gateway_query_from_single_values_or_none() -> None:
    event = events.http_v1(query={"hello": ["world", "life"]})
    del event["multiValueQueryStringParameters"]
    assert HTTPGateway(event, CONTEXT, CONFIG).scope["query_string"] == b"hello=life"
    del event["queryStringParameters"]
    assert HTTPGateway(event, CONTEXT, CONFIG).scope["query_string"] == b""


@pytest.mark.parametrize("multi_value", [False, True], ids=["single-value", "multi-value"])
def test_alb_scope(multi_value: bool) -> None:
    query = {"name": ["me", "you"], "q2": ["b+c"], "q3": ["b%20c"], "q5": ["%2Fsome%2Fpath%2F"]}
    handler = ALB(events.alb("/lambda", query, multi_value=multi_value, body="a=1"), CONTEXT, CONFIG)
    scope = handler.scope
    assert handler.body == b"a=1"
    # ALB passes the query on as the client sent it (still encoded), the last value without multi-value mode.
    names = "name=me&name=you" if multi_value else "name=you"
    assert scope["query_string"] == f"{names}&q2=b+c&q3=b%20c&q5=%2Fsome%2Fpath%2F".encode()
    assert scope["client"] == ("72.12.164.125", 0)
    assert scope["scheme"] == "http"
    assert scope["server"] == ("lambda-alb-123578498.us-east-2.elb.amazonaws.com", 80)


def test_lambda_at_edge_scope_and_body() -> None:
    handler = LambdaAtEdge(
        events.lambda_at_edge("POST", "/form", "name=me", "say=Hi&to=Mom"), CONTEXT, CONFIG
    )
    scope = handler.scope
    assert handler.body == b"say=Hi&to=Mom"
    assert (scope["method"], scope["path"], scope["query_string"]) == ("POST", "/form", b"name=me")
    assert scope["client"] == ("192.168.100.1", 0)
    assert scope["server"] == ("test.execute-api.us-west-2.amazonaws.com", 443)
    assert (b"x-forwarded-for", b"192.168.100.1") in scope["headers"]


@pytest.mark.parametrize(
    ("handler_class", "event", "expected"),
    [
        (APIGateway, events.rest(), {"multiValueHeaders": {"x-multi": ["a", "b"]}}),
        (
            HTTPGateway,
            events.http_v2(),
            {"headers": {"content-type": "text/plain", "x-multi": "a,b"}, "cookies": []},
        ),
        (
            ALB,
            events.alb(multi_value=True),
            {"multiValueHeaders": {"content-type": ["text/plain"], "x-multi": ["a", "b"]}},
        ),
    ],
    ids=["rest", "http", "alb-multi"],
)
def test_calling_a_handler_lays_the_response_out_for_its_source(
    handler_class: type[APIGateway], event: LambdaEvent, expected: dict[str, Any]
) -> None:
    response = Response(
        status=200,
        headers=[[b"content-type", b"text/plain"], [b"x-multi", b"a"], [b"x-multi", b"b"]],
        body=b"hi",
    )
    result = handler_class(event, CONTEXT, CONFIG)(response)
    assert (result["statusCode"], result["body"], result["isBase64Encoded"]) == (200, "hi", False)
    for key, value in expected.items():
        assert result[key] == value


def test_a_response_lambda_would_refuse_is_a_plain_500(caplog: pytest.LogCaptureFixture) -> None:
    response = Response(status=200, headers=[[b"x-bad", b"a\r\nb"]], body=b"")
    result = APIGateway(events.rest(), CONTEXT, CONFIG)(response)
    assert (result["statusCode"], result["body"]) == (500, "Internal Server Error")
    assert "cannot be returned to Lambda" in caplog.text


def test_a_handler_refuses_events_of_other_sources() -> None:
    assert not APIGateway.infer(events.http_v2(), CONTEXT, CONFIG)
    assert not ALB.infer({"Records": []}, CONTEXT, CONFIG)
    with pytest.raises(UnsupportedEvent, match="ALB does not take api_gateway_v2 events"):
        _ = ALB(events.http_v2(), CONTEXT, CONFIG).scope


def test_a_body_flagged_base64_that_is_not_is_a_typed_error() -> None:
    with pytest.raises(InvalidBody):
        _ = APIGateway(events.rest(body="not base64!", base64_body=True), CONTEXT, CONFIG).body


class TaggedAPIGateway(APIGateway):
    """A subclass as 0.22 users write them: the scope and the result adjusted."""

    @property
    def scope(self) -> Scope:
        scope = super().scope
        scope["tenant"] = self.event["headers"].get("X-Tenant", "none")
        return scope

    def __call__(self, response: Response) -> dict[str, Any]:
        result = super().__call__(response)
        result["headers"]["x-served-by"] = "tagged"
        return result


def test_a_subclass_serves_its_events_through_custom_handlers() -> None:
    app = Responding()
    event = events.rest()
    event["headers"]["X-Tenant"] = "acme"
    result = Mangum(app, lifespan="off", custom_handlers=[TaggedAPIGateway])(event, CONTEXT)
    assert result["headers"] == {"content-type": "text/plain; charset=utf-8", "x-served-by": "tagged"}
    assert app.scopes[0]["tenant"] == "acme"
    # Events of other sources are still served by the adapter itself.
    other = Mangum(app, lifespan="off", custom_handlers=[TaggedAPIGateway])(events.http_v2(), CONTEXT)
    assert "x-served-by" not in other["headers"]


def test_the_subclass_gets_the_adapters_config() -> None:
    seen: list[LambdaConfig] = []

    class Recording(APIGateway):
        def __init__(self, event: LambdaEvent, context: LambdaContext, config: LambdaConfig) -> None:
            super().__init__(event, context, config)
            seen.append(config)

    app = Responding(headers=[(b"content-type", b"application/x-yaml"), (b"server", b"x")], body=b"a: 1")
    handler = Mangum(
        app,
        lifespan="off",
        custom_handlers=[Recording],
        text_mime_types=["application/x-yaml"],
        exclude_headers=["Server"],
    )
    result = handler(events.rest(), CONTEXT)
    assert (result["body"], result["headers"]) == ("a: 1", {"content-type": "application/x-yaml"})
    assert seen[-1] == dict(handler.config)


class ByKeyHandler:
    """A custom handler of its own, written against PyPI mangum's protocol alone."""

    @classmethod
    def infer(cls, event: LambdaEvent, context: LambdaContext, config: LambdaConfig) -> bool:
        return "my-custom-key" in event

    def __init__(self, event: LambdaEvent, context: LambdaContext, config: LambdaConfig) -> None:
        self.event = event
        self.context = context

    @property
    def body(self) -> bytes:
        return b"My request body"

    @property
    def scope(self) -> Scope:
        return {
            "type": "http",
            "http_version": "1.1",
            "method": "GET",
            "headers": [],
            "path": "/",
            "raw_path": None,
            "root_path": "",
            "scheme": "https",
            "query_string": b"",
            "server": ("mangum", 8080),
            "client": ("127.0.0.1", 0),
            "asgi": {"version": "3.0", "spec_version": "2.0"},
            "aws.event": self.event,
            "aws.context": self.context,
        }

    def __call__(self, response: Response) -> dict[str, Any]:
        return {"statusCode": response["status"], "headers": {}, "body": response["body"].decode()}


def test_a_custom_handler_of_its_own() -> None:
    async def echo(scope: Scope, receive: Any, send: Any) -> None:
        message = await receive()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": message["body"] + scope["path"].encode()})

    result = Mangum(echo, lifespan="off", custom_handlers=[ByKeyHandler])({"my-custom-key": 1}, CONTEXT)
    assert result == {"statusCode": 200, "headers": {}, "body": "My request body/"}


# --- mangum.handlers.utils ----------------------------------------------------------------------


def test_maybe_encode_body() -> None:
    assert maybe_encode_body("say=Hi", is_base64=False) == b"say=Hi"
    assert maybe_encode_body(b"raw", is_base64=False) == b"raw"
    assert (
        maybe_encode_body("R0lGODdhAQABAIABAP8AAAAAACwAAAAAAQABAAACAkQBADs=", is_base64=True)
        == events.PIXEL_GIF
    )
    assert maybe_encode_body(b"aGk=", is_base64=True) == b"hi"
    assert maybe_encode_body(None, is_base64=False) == b""


def test_get_server_and_port() -> None:
    assert get_server_and_port({"host": "example.com", "x-forwarded-port": "8443"}) == ("example.com", 8443)
    assert get_server_and_port({"host": "example.com:81"}) == ("example.com", 81)
    assert get_server_and_port({"host": "example.com", "x-forwarded-proto": "http"}) == ("example.com", 80)
    assert get_server_and_port({}) == ("mangum", 80)


def test_strip_api_gateway_path() -> None:
    assert strip_api_gateway_path("/test/hello", api_gateway_base_path="test") == "/hello"
    assert strip_api_gateway_path("/test/hello", api_gateway_base_path="/") == "/test/hello"
    assert strip_api_gateway_path("/test", api_gateway_base_path="/test") == "/"
    assert (
        strip_api_gateway_path("/testing/x", api_gateway_base_path="/test") == "/testing/x"
    )  # whole segments
    assert strip_api_gateway_path("/caf%C3%A9", api_gateway_base_path="/") == "/café"
    assert strip_api_gateway_path("", api_gateway_base_path="/") == "/"


def test_handle_multi_value_headers() -> None:
    single, multi = handle_multi_value_headers(
        [[b"a", b"1"], [b"set-cookie", b"x=1"], [b"Set-Cookie", b"y=2"]]
    )
    assert (single, multi) == ({"a": "1"}, {"set-cookie": ["x=1", "y=2"]})


def test_handle_base64_response_body() -> None:
    text_types = ["text/", "application/json"]
    assert handle_base64_response_body(b"{}", {"content-type": "application/json"}, text_types) == (
        "{}",
        False,
    )
    assert handle_base64_response_body(b"a: 1", {"content-type": "application/x-yaml"}, text_types) == (
        "YTogMQ==",
        True,
    )
    assert handle_base64_response_body(
        b"a: 1", {"content-type": "application/x-yaml"}, ["application/x-yaml"]
    ) == (
        "a: 1",
        False,
    )
    gzipped = {"content-type": "text/plain", "content-encoding": "gzip"}
    assert handle_base64_response_body(b"xx", gzipped, text_types) == ("eHg=", True)
    assert handle_base64_response_body(b"", {}, text_types) == ("", False)


def test_handle_exclude_headers() -> None:
    config = LambdaConfig(api_gateway_base_path="/", text_mime_types=[], exclude_headers=["x-secret"])
    assert handle_exclude_headers({"X-Secret": "s", "x-kept": "k"}, config) == {"x-kept": "k"}
    assert handle_exclude_headers({"x-secret": ["a"], "b": ["c"]}, config) == {"b": ["c"]}
