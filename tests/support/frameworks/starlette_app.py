"""The shared routes (see ``tests/support/frameworks/__init__.py``) written in Starlette."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from mangum.types import ASGI
from tests.support.frameworks import BINARY, Boom


def make_app() -> ASGI:
    """A fresh app."""

    async def json_route(request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "hello": request.query_params.get("name", "world"),
                "path": request.url.path,
                "root_path": request.scope.get("root_path", ""),
            }
        )

    async def binary_route(request: Request) -> Response:
        return Response(BINARY, media_type="image/png")

    async def cookies_route(request: Request) -> Response:
        response = PlainTextResponse("cookies set")
        response.set_cookie("a", "1")
        response.set_cookie("b", "2")
        return response

    async def boom_route(request: Request) -> Response:
        raise Boom("boom")

    async def echo_route(request: Request) -> Response:
        return Response(await request.body(), media_type=request.headers.get("content-type"))

    return Starlette(
        routes=[
            Route("/json", json_route),
            Route("/binary", binary_route),
            Route("/cookies", cookies_route),
            Route("/boom", boom_route),
            Route("/echo", echo_route, methods=["POST"]),
        ]
    )
