"""``serve --authorizer``: a Lambda authorizer (``tests.local.authorizer_apps:authorize``) in front of
a REST API, an HTTP API and a WebSocket API's ``$connect``, with httpx and websockets as clients."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.local.support import REPO_ROOT, WAIT, Serve, running_serve

AUTHORIZER = "tests.local.authorizer_apps:authorize"


@pytest.fixture(scope="module")
def rest() -> Iterator[Serve]:
    with running_serve("tests.local.apps:echo", "--authorizer", AUTHORIZER, "--authorizer-ttl", "0") as serve:
        yield serve


@pytest.fixture(scope="module")
def rest_token() -> Iterator[Serve]:
    options = ("--authorizer", AUTHORIZER, "--authorizer-type", "token")
    with running_serve("tests.local.apps:echo", *options) as serve:
        yield serve


@pytest.fixture(scope="module")
def http_api() -> Iterator[Serve]:
    options = ("--source", "http", "--stage", "beta", "--authorizer", AUTHORIZER, "--authorizer-ttl", "0")
    with running_serve("tests.local.apps:echo", *options) as serve:
        yield serve


@pytest.fixture(scope="module")
def websocket() -> Iterator[Serve]:
    options = ("--authorizer", AUTHORIZER, "--authorizer-identity", "route.request.querystring.token")
    with running_serve("tests.local.authorizer_apps:tell_authorizer", *options) as serve:
        yield serve


def _call(serve: Serve, token: str | None, method: str = "GET", path: str = "/items/7") -> httpx.Response:
    headers = {} if token is None else {"Authorization": token}
    return httpx.request(method, f"{serve.base_url}{path}", headers=headers, timeout=WAIT)


def _authorizer(answer: httpx.Response) -> dict[str, object]:
    assert answer.status_code == 200, answer.text
    found: dict[str, object] = answer.json()["requestContext"]["authorizer"]
    return found


def test_startup_says_what_is_protected(rest: Serve, rest_token: Serve) -> None:
    line = rest.wait_for(r"^\s+Authorizer\s")[0]
    assert AUTHORIZER in line
    assert "REQUEST, identity header.Authorization, not cached" in line
    assert "every route of the REST API and WebSocket $connect" in line
    assert "TOKEN, identity header.Authorization, cached 300 s" in rest_token.wait_for(r"^\s+Authorizer\s")[0]


def test_rest_request_allow_passes_the_stringified_context(rest: Serve) -> None:
    context = _authorizer(_call(rest, "allow:ann"))
    latency = context.pop("integrationLatency")
    assert isinstance(latency, int)
    assert latency >= 0
    calls = context.pop("calls")
    assert isinstance(calls, str)
    assert calls.isdigit()
    assert context == {
        "principalId": "ann",
        "user": "ann",
        "kind": "RestRequestAuthorizerEvent",
        "route": "GET/items/7",
        "admin": "true",
        "level": "3",
    }


def test_rest_deny_is_403_with_the_explicit_deny_message(rest: Serve) -> None:
    answer = _call(rest, "deny")
    assert answer.status_code == 403
    assert answer.json() == {
        "Message": "User is not authorized to access this resource with an explicit deny"
    }
    assert answer.headers["x-amzn-errortype"] == "AccessDeniedException"
    assert answer.headers["x-amzn-requestid"]


def test_rest_policy_that_allows_nothing_matching_is_403(rest: Serve) -> None:
    assert _call(rest, "get-only:bob").status_code == 200
    answer = _call(rest, "get-only:bob", method="POST")
    assert (answer.status_code, answer.json()) == (
        403,
        {"Message": "User is not authorized to access this resource"},
    )


def test_missing_identity_source_is_401_without_calling_the_authorizer(rest: Serve) -> None:
    before = int(str(_authorizer(_call(rest, "allow:ann"))["calls"]))
    answer = _call(rest, None)
    assert (answer.status_code, answer.json()) == (401, {"message": "Unauthorized"})
    assert _call(rest, "").status_code == 401  # an empty header is missing too
    assert int(str(_authorizer(_call(rest, "allow:ann"))["calls"])) == before + 1


@pytest.mark.parametrize("token", ["boom", "malformed"])
def test_failing_or_malformed_authorizer_is_500(rest: Serve, token: str) -> None:
    answer = _call(rest, token)
    assert (answer.status_code, answer.json()) == (500, {"message": None})
    assert answer.headers["x-amzn-errortype"] == "AuthorizerConfigurationException"


def test_unauthorized_exception_is_401(rest: Serve) -> None:
    answer = _call(rest, "unauthorized")
    assert (answer.status_code, answer.json()) == (401, {"message": "Unauthorized"})
    assert answer.headers["x-amzn-errortype"] == "UnauthorizedException"


def test_rest_token_event_and_cache_by_identity(rest_token: Serve) -> None:
    first = _authorizer(_call(rest_token, "allow:cat", path="/a"))
    assert first["kind"] == "RestTokenAuthorizerEvent"
    again = _authorizer(_call(rest_token, "allow:cat", method="DELETE", path="/b"))
    assert again["calls"] == first["calls"]  # cached: the authorizer was not called again
    other = _authorizer(_call(rest_token, "allow:dan", path="/a"))
    assert int(str(other["calls"])) == int(str(first["calls"])) + 1
    # The cached policy is evaluated again for each route: get-only allows GET, refuses PUT.
    assert _call(rest_token, "get-only:eve").status_code == 200
    assert _call(rest_token, "get-only:eve", method="PUT").status_code == 403


def test_http_api_simple_response_context_under_lambda(http_api: Serve) -> None:
    context = _authorizer(_call(http_api, "simple-allow:ann"))
    assert set(context) == {"lambda"}
    details = context["lambda"]
    assert isinstance(details, dict)
    assert details["kind"] == "HttpApiAuthorizerEventV2"
    assert details["route"] == "GET/items/7"  # the routeArn has no stage in the path
    assert (details["admin"], details["level"], details["user"]) == (True, 3, "ann")


def test_http_api_policy_allow_and_denials(http_api: Serve) -> None:
    assert _authorizer(_call(http_api, "allow:bob"))["lambda"] is not None
    for token, status, body in [
        ("simple-deny", 403, {"message": "Forbidden"}),
        ("deny", 403, {"message": "Forbidden"}),
        ("unauthorized", 401, {"message": "Unauthorized"}),
        (None, 401, {"message": "Unauthorized"}),
        ("boom", 500, {"message": "Internal Server Error"}),
    ]:
        answer = _call(http_api, token)
        assert (answer.status_code, answer.json()) == (status, body), token
        assert answer.headers["apigw-requestid"]


def test_websocket_connect_is_authorized_and_the_context_reaches_every_event(websocket: Serve) -> None:
    async def scenario() -> dict[str, object]:
        async with connect(f"{websocket.ws_origin}/prod?token=allow:ann", open_timeout=WAIT) as client:
            await client.send("hello")
            told: dict[str, object] = json.loads(await asyncio.wait_for(client.recv(), WAIT))
            return told

    try:
        told = asyncio.run(scenario())
    except TimeoutError:
        raise AssertionError(websocket.output()) from None
    assert told["principalId"] == "ann"
    assert (told["kind"], told["route"], told["admin"]) == ("WebSocketAuthorizerEvent", "$connect", "true")


@pytest.mark.parametrize(("query", "status"), [("?token=deny", 403), ("", 401), ("?token=boom", 500)])
def test_websocket_refusals(websocket: Serve, query: str, status: int) -> None:
    async def scenario() -> None:
        async with connect(f"{websocket.ws_origin}/prod{query}", open_timeout=WAIT):
            pass

    with pytest.raises(InvalidStatus) as refused:
        asyncio.run(scenario())
    assert refused.value.response.status_code == status


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--source", "alb"), "--authorizer needs --source rest or http"),
        (("--source", "http", "--authorizer-type", "token"), "token is for REST APIs only"),
        (("--authorizer-identity", "cookie.x"), "header.NAME or querystring.NAME"),
        (("--authorizer-ttl", "-1"), "must be 0 or more"),
    ],
)
def test_options_that_do_not_fit_are_refused(options: tuple[str, ...], message: str) -> None:
    command = [sys.executable, "-m", "mangum", "serve", "tests.local.apps:echo", "--authorizer", AUTHORIZER]
    done = subprocess.run([*command, *options], cwd=REPO_ROOT, capture_output=True, text=True, timeout=WAIT)
    assert done.returncode == 2
    assert message in done.stderr
