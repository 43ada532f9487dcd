"""Real Starlette and FastAPI apps called with built scopes: routes match, generated URLs are right."""

from __future__ import annotations

import asyncio
import json

from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from mangum.types import ASGI, HTTPScope, Message
from tests.support.http_events import HOST, rest_event, scope_of, v2_event

HEADERS = {"Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-Port": "443"}


def staged(path: str) -> HTTPScope:
    """The scope of a REST API request for ``path`` on the default domain's ``prod`` stage."""
    return scope_of(rest_event(path, context_path=f"/prod{path}", headers=HEADERS))


async def _drive(app: ASGI, scope: HTTPScope) -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


def call(app: ASGI, scope: HTTPScope) -> tuple[int, bytes]:
    """Run one request through ``app``: its status and whole body."""
    sent = asyncio.run(_drive(app, scope))
    start = next(message for message in sent if message["type"] == "http.response.start")
    body = b"".join(message.get("body", b"") for message in sent if message["type"] == "http.response.body")
    return start["status"], body


async def item(request: Request) -> JSONResponse:
    return JSONResponse(
        {
            "id": request.path_params["id"],
            "url": str(request.url),
            "url_for": str(request.url_for("item", id="7")),
        }
    )


starlette_app = Starlette(routes=[Route("/items/{id}", item, name="item")])


def test_starlette_routes_and_generates_urls_under_the_rest_stage() -> None:
    status, body = call(starlette_app, staged("/items/42"))
    assert status == 200
    assert json.loads(body) == {
        "id": "42",
        "url": f"https://{HOST}/prod/items/42",
        "url_for": f"https://{HOST}/prod/items/7",
    }


def test_starlette_under_an_http_api_stage_stripped_as_base_path() -> None:
    scope = scope_of(v2_event("/prod/items/42", headers={"host": HOST}), base_path="/prod")
    status, body = call(starlette_app, scope)
    assert status == 200
    assert json.loads(body)["url_for"] == f"https://{HOST}/prod/items/7"


def test_starlette_without_a_stage_generates_urls_from_the_root() -> None:
    status, body = call(starlette_app, scope_of(rest_event("/items/42", headers=HEADERS)))
    assert status == 200
    assert json.loads(body)["url_for"] == f"https://{HOST}/items/7"


def test_starlette_routes_a_percent_encoded_path_decoded() -> None:
    scope = scope_of(v2_event("/items/caf%C3%A9", headers={"host": HOST}))
    status, body = call(starlette_app, scope)
    assert status == 200
    assert json.loads(body)["id"] == "café"


def test_starlette_does_not_route_the_stage_as_part_of_the_path() -> None:
    status, _ = call(starlette_app, staged("/prod/items/42"))
    assert status == 404


fastapi_app = FastAPI()


@fastapi_app.get("/hello")
def hello() -> dict[str, str]:
    return {"hello": "world"}


def test_fastapi_docs_reference_openapi_under_the_stage() -> None:
    status, body = call(
        fastapi_app, scope_of(rest_event("/docs", context_path="/prod/docs", headers=HEADERS))
    )
    assert status == 200
    assert b"'/prod/openapi.json'" in body
    assert b"'/openapi.json'" not in body


def test_fastapi_openapi_under_the_stage_names_the_stage_as_server() -> None:
    status, body = call(fastapi_app, staged("/openapi.json"))
    assert status == 200
    schema = json.loads(body)
    assert schema["servers"] == [{"url": "/prod"}]
    assert "/hello" in schema["paths"]


def test_fastapi_route_under_the_stage() -> None:
    status, body = call(
        fastapi_app, scope_of(rest_event("/hello", context_path="/prod/hello", headers=HEADERS))
    )
    assert status == 200
    assert json.loads(body) == {"hello": "world"}
