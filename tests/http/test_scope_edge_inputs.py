"""Inputs at the edge of what AWS sends, handled the same way by every HTTP source: a lone
surrogate in the query (JSON carries "\\ud800", UTF-8 cannot), ``isBase64Encoded: null``, and a
path without its leading slash."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl

import pytest

from mangum import Mangum
from mangum.local_context import LocalContext
from mangum.types import LambdaEvent, Scope
from tests.support.adapter import EchoApp, body_of, status_of
from tests.support.http_events import alb_event, cloudfront_event, function_url_event, rest_event, v2_event

SURROGATE_VALUE = "x\ud800y"

# Each source's event with the query q=<value>, in that source's own layout: decoded maps for REST,
# the raw query string for payload 2.0 and CloudFront, maps of values as received for ALB.
QUERY_EVENTS: dict[str, Callable[[str], LambdaEvent]] = {
    "rest": lambda value: rest_event("/items", query={"q": [value]}),
    "http-api": lambda value: v2_event("/items", raw_query=f"q={value}"),
    "function-url": lambda value: function_url_event("/items", raw_query=f"q={value}"),
    "alb": lambda value: alb_event("/items", query={"q": value}),
    "alb-multi-value": lambda value: alb_event("/items", multi_value_query={"q": [value]}),
    "cloudfront": lambda value: cloudfront_event("/items", querystring=f"q={value}"),
}

# Each source's event for a path as given (CloudFront always sends a URI with its slash).
PATH_EVENTS: dict[str, Callable[[str], LambdaEvent]] = {
    "rest": lambda path: rest_event(path, context_path=f"/prod/{path}"),
    "http-api": v2_event,
    "function-url": function_url_event,
    "alb": alb_event,
}


def served(event: LambdaEvent) -> Scope:
    """The scope the app was called with for ``event``."""
    app = EchoApp()
    result = Mangum(app, lifespan="off")(event, LocalContext())
    assert status_of(result) == 200, result
    [scope] = app.scopes
    return scope


@pytest.mark.parametrize("source", QUERY_EVENTS)
def test_a_lone_surrogate_in_the_query_reaches_the_app_as_a_question_mark_from_every_source(
    source: str,
) -> None:
    scope = served(QUERY_EVENTS[source](SURROGATE_VALUE))
    query: bytes = scope["query_string"]
    # Decoded as frameworks decode it (Starlette: latin-1, then percent-decoding as UTF-8).
    assert parse_qsl(query.decode("latin-1"), keep_blank_values=True) == [("q", "x?y")]


@pytest.mark.parametrize("source", ["rest", "http-api", "function-url", "alb"])
def test_is_base64_encoded_null_means_a_text_body(source: str) -> None:
    event = dict(QUERY_EVENTS[source]("plain"))
    event.update(httpMethod="POST", body="aGVsbG8=", isBase64Encoded=None)
    result = Mangum(EchoApp(), lifespan="off")(event, LocalContext())
    assert body_of(result) == b"aGVsbG8=", "the body was taken as text, not base64-decoded"


@pytest.mark.parametrize("source", PATH_EVENTS)
@pytest.mark.parametrize(("path", "expected"), [("items/1", "/items/1"), ("", "/")])
def test_a_path_without_its_leading_slash_is_given_one(source: str, path: str, expected: str) -> None:
    scope = served(PATH_EVENTS[source](path))
    root = scope["root_path"]  # the REST API's stage; the path includes it, as ASGI asks
    assert root == ("/prod" if source == "rest" else "")
    assert (scope["path"], scope["raw_path"]) == (root + expected, (root + expected).encode())


@pytest.mark.parametrize("source", ["rest", "http-api", "function-url", "alb"])
def test_a_text_body_with_a_lone_surrogate_is_a_bad_request_not_a_crash(source: str) -> None:
    event = dict(QUERY_EVENTS[source]("plain"))
    event.update(httpMethod="POST", body=f"name={SURROGATE_VALUE}", isBase64Encoded=False)
    app = EchoApp()
    result = Mangum(app, lifespan="off")(event, LocalContext())
    assert (status_of(result), body_of(result)) == (400, b"Bad Request")
    assert app.scopes == [], "the app was not run"
