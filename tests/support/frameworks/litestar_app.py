"""The shared routes (see ``tests/support/frameworks/__init__.py``) written in Litestar."""

from __future__ import annotations

from litestar import Litestar, MediaType, Request, Response, get, post
from litestar.datastructures import Cookie, State
from litestar.params import FromQuery

from mangum.types import ASGI
from tests.support.frameworks import BINARY, Boom


def make_app() -> ASGI:
    """A fresh app."""

    @get("/json")
    async def json_route(
        request: Request[None, None, State], name: FromQuery[str] = "world"
    ) -> dict[str, str]:
        return {"hello": name, "path": request.url.path, "root_path": str(request.scope.get("root_path", ""))}

    @get("/binary", media_type="image/png")
    async def binary_route() -> bytes:
        return BINARY

    @get("/cookies", media_type=MediaType.TEXT)
    async def cookies_route() -> Response[str]:
        return Response("cookies set", cookies=[Cookie(key="a", value="1"), Cookie(key="b", value="2")])

    @get("/boom")
    async def boom_route() -> None:
        raise Boom("boom")

    @post("/echo", status_code=200)
    async def echo_route(request: Request[None, None, State]) -> Response[bytes]:
        return Response(await request.body(), media_type=request.headers.get("content-type", "text/plain"))

    return Litestar(
        route_handlers=[json_route, binary_route, cookies_route, boom_route, echo_route], debug=False
    )
