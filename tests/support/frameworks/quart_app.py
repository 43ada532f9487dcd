"""The shared routes (see ``tests/support/frameworks/__init__.py``) written in Quart."""

from __future__ import annotations

from quart import Quart, Response, request

from mangum.types import ASGI
from tests.support.frameworks import BINARY, Boom


def make_app() -> ASGI:
    """A fresh app."""

    app = Quart(__name__)

    @app.get("/json")
    async def json_route() -> dict[str, str]:
        return {
            "hello": request.args.get("name", "world"),
            "path": request.path,
            "root_path": request.root_path,
        }

    @app.get("/binary")
    async def binary_route() -> Response:
        return Response(BINARY, content_type="image/png")

    @app.get("/cookies")
    async def cookies_route() -> Response:
        response = Response("cookies set", content_type="text/plain")
        response.set_cookie("a", "1")
        response.set_cookie("b", "2")
        return response

    @app.get("/boom")
    async def boom_route() -> Response:
        raise Boom("boom")

    @app.post("/echo")
    async def echo_route() -> Response:
        return Response(await request.get_data(), content_type=request.content_type)

    return app
