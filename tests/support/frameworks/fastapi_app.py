"""The shared routes (see ``tests/support/frameworks/__init__.py``) written in FastAPI."""

from __future__ import annotations

from fastapi import FastAPI, Request, Response

from mangum.types import ASGI
from tests.support.frameworks import BINARY, Boom


def make_app() -> ASGI:
    """A fresh app."""

    app = FastAPI()

    @app.get("/json")
    def json_route(request: Request, name: str = "world") -> dict[str, str]:
        return {"hello": name, "path": request.url.path, "root_path": request.scope.get("root_path", "")}

    @app.get("/binary")
    def binary_route() -> Response:
        return Response(BINARY, media_type="image/png")

    @app.get("/cookies")
    def cookies_route() -> Response:
        response = Response("cookies set", media_type="text/plain")
        response.set_cookie("a", "1")
        response.set_cookie("b", "2")
        return response

    @app.get("/boom")
    def boom_route() -> None:
        raise Boom("boom")

    @app.post("/echo")
    async def echo_route(request: Request) -> Response:
        return Response(await request.body(), media_type=request.headers.get("content-type"))

    return app
