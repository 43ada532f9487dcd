"""Custom handlers in PyPI mangum's shape (imported from ``mangum.types`` as PyPI mangum users do):
asked first, given the legacy config, their scope and body run through the app, and their
``__call__`` builds the result."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from mangum import Mangum
from mangum.types import LambdaConfig, LambdaContext, LambdaEvent, LambdaHandler, Response, Scope
from tests.support.adapter import CONTEXT, http_scope
from tests.support.http_events import v2_event

SEEN_CONFIGS: list[LambdaConfig] = []


class QueueHandler:
    """Takes ``{"queueMessage": ...}`` events, posting the message to ``/queue``."""

    @classmethod
    def infer(cls, event: LambdaEvent, context: LambdaContext, config: LambdaConfig) -> bool:
        SEEN_CONFIGS.append(config)
        return "queueMessage" in event

    def __init__(self, event: LambdaEvent, context: LambdaContext, config: LambdaConfig) -> None:
        self.event = event

    @property
    def body(self) -> bytes:
        message: str = self.event["queueMessage"]
        return message.encode()

    @property
    def scope(self) -> Scope:
        return {**http_scope("/queue"), "headers": [(b"content-type", b"application/json")]}

    def __call__(self, response: Response) -> dict[str, Any]:
        return {
            "handled_by": "queue",
            "status": response["status"],
            "headers": [[name.decode(), value.decode()] for name, value in response["headers"]],
            "body": response["body"].decode(),
        }


class TakeoverHandler(QueueHandler):
    """Claims every HTTP API event, ahead of the built-in source."""

    @classmethod
    def infer(cls, event: LambdaEvent, context: LambdaContext, config: LambdaConfig) -> bool:
        return event.get("version") == "2.0"

    @property
    def scope(self) -> Scope:
        return {**super().scope, "path": "/taken-over"}

    @property
    def body(self) -> bytes:
        return b'{"from": "takeover"}'


def app() -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        yield {"queue_name": "jobs"}

    async def queue(request: Request) -> JSONResponse:
        return JSONResponse({"got": await request.json(), "queue": request.state.queue_name})

    async def taken_over(request: Request) -> PlainTextResponse:
        return PlainTextResponse((await request.body()).decode())

    return Starlette(
        routes=[Route("/queue", queue, methods=["POST"]), Route("/taken-over", taken_over, methods=["POST"])],
        lifespan=lifespan,
    )


def test_custom_event_runs_through_the_app_with_lifespan_state() -> None:
    handlers: list[type[LambdaHandler]] = [QueueHandler]
    handler = Mangum(app(), custom_handlers=handlers, api_gateway_base_path="/v1/", exclude_headers=["X-B"])
    result = handler({"queueMessage": json.dumps({"job": 7})}, CONTEXT)
    assert result["handled_by"] == "queue"
    assert result["status"] == 200
    assert json.loads(str(result["body"])) == {"got": {"job": 7}, "queue": "jobs"}
    headers = result["headers"]
    assert isinstance(headers, list)
    assert ["content-type", "application/json"] in headers
    assert SEEN_CONFIGS[-1]["api_gateway_base_path"] == "/v1"
    assert SEEN_CONFIGS[-1]["exclude_headers"] == ["x-b"]
    assert "text/" in SEEN_CONFIGS[-1]["text_mime_types"]
    assert "application/json" in SEEN_CONFIGS[-1]["text_mime_types"]


def test_events_no_custom_handler_takes_go_to_the_built_in_sources() -> None:
    handler = Mangum(app(), custom_handlers=[QueueHandler])
    result = handler(v2_event("/missing"), CONTEXT)
    assert result["statusCode"] == 404


def test_custom_handlers_are_asked_first_in_order() -> None:
    handler = Mangum(app(), custom_handlers=[QueueHandler, TakeoverHandler])
    result = handler(v2_event("/anything"), CONTEXT)
    assert (result["handled_by"], result["body"]) == ("queue", '{"from": "takeover"}')


def test_app_failure_reaches_the_custom_handler_as_a_plain_500() -> None:
    async def broken(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            raise RuntimeError("down")

    result = Mangum(broken, custom_handlers=[QueueHandler])({"queueMessage": "{}"}, CONTEXT)
    assert result["status"] == 500
    assert result["body"] == "Internal Server Error"
    assert result["headers"] == [["content-type", "text/plain; charset=utf-8"]]
