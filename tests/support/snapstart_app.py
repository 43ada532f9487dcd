"""The handler module of the SnapStart simulation (:mod:`tests.support.snapstart_simulation`):
importing it is the function's init. ``SNAPSTART_CASE`` picks the application:

- ``starlette``: a Starlette app whose lifespan opens a loopback TCP connection; after restore a
  sync callback reconnects it in the lifespan state; three callbacks record the order they ran in.
- ``fastapi``: a FastAPI app whose lifespan opens an SQLite file; an async callback reopens it.
- ``failing``: the Starlette app, and a callback that raises (a later one must not run).
- ``slow-blocking`` / ``slow-waiting``: the Starlette app, and a callback that blocks the thread,
  or awaits, for 30 s.
- ``lifespan-off``: the Starlette app with ``lifespan="off"``.
- ``no-lifespan-on`` / ``no-lifespan-auto``: an app without lifespan support, ``lifespan="on"`` or
  ``"auto"``.
- ``startup-fails``: a Starlette app whose lifespan startup raises.

The lifespan appends ``startup <pid>`` to the file ``SNAPSTART_LOG`` names; ``SNAPSTART_DB`` names
the SQLite file. Every route answers JSON with the process id, what the state holds and
``random.random()``.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request as FastApiRequest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from mangum import Mangum
from mangum.config import snapstart_on
from mangum.snapstart import after_restore
from mangum.types import Receive, Scope, Send

CASE = os.environ["SNAPSTART_CASE"]
LOG = Path(os.environ["SNAPSTART_LOG"])
ORDER: list[str] = []
"""The callbacks that ran after the restore, in order."""


def _log(line: str) -> None:
    with LOG.open("a") as file:
        file.write(f"{line}\n")


# --- Starlette: a loopback TCP connection in the lifespan state ------------------------------------


def _connect(state: dict[str, Any]) -> None:
    """A client connection to the state's listener, and the server's end of it."""
    listener: socket.socket = state["listener"]
    client = socket.create_connection(listener.getsockname(), timeout=5)
    server_end, _ = listener.accept()
    state.update(client=client, server_end=server_end, connection_pid=os.getpid())


@asynccontextmanager
async def tcp_lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
    _log(f"startup {os.getpid()}")
    listener = socket.create_server(("127.0.0.1", 0))
    state: dict[str, Any] = {"listener": listener, "startup_pid": os.getpid()}
    _connect(state)
    yield state
    listener.close()


async def echo(request: Request) -> JSONResponse:
    answer: dict[str, object] = {"pid": os.getpid(), "order": ORDER, "random": random.random()}
    state = request.scope.get("state")
    if state is not None:  # none with lifespan="off"
        state["client"].sendall(b"ping")
        answer.update(
            echoed=state["server_end"].recv(4).decode(),
            startup_pid=state["startup_pid"],
            connection_pid=state["connection_pid"],
        )
    return JSONResponse(answer)


def starlette_handler(lifespan: str = "auto") -> Mangum:
    app = Starlette(routes=[Route("/", echo)], lifespan=tcp_lifespan)
    return Mangum(app, lifespan="off" if lifespan == "off" else "auto")


def first() -> None:
    ORDER.append("first")


async def second(state: dict[str, Any]) -> None:
    await asyncio.sleep(0)
    ORDER.append(f"second:{sorted(state)}")


def reconnect(state: dict[str, Any]) -> None:
    """Renew the connection the snapshot holds: close the ends inherited, connect again."""
    ORDER.append("reconnect")
    if "listener" not in state:
        return  # no lifespan ran (lifespan="off"): no connection to renew
    state["client"].close()
    state["server_end"].close()
    _connect(state)


# --- FastAPI: an SQLite file in the lifespan state -------------------------------------------------


@asynccontextmanager
async def sqlite_lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
    _log(f"startup {os.getpid()}")
    database = sqlite3.connect(os.environ["SNAPSTART_DB"], check_same_thread=False)
    database.execute("CREATE TABLE IF NOT EXISTS startups (pid INTEGER)")
    database.execute("INSERT INTO startups VALUES (?)", (os.getpid(),))
    database.commit()
    yield {"database": database, "database_pid": os.getpid(), "startup_pid": os.getpid()}
    database.close()


def fastapi_handler() -> Mangum:
    app = FastAPI(lifespan=sqlite_lifespan)

    @app.get("/")
    async def home(request: FastApiRequest) -> dict[str, object]:
        state = request.state
        (startups,) = state.database.execute("SELECT COUNT(*) FROM startups").fetchone()
        return {
            "pid": os.getpid(),
            "startup_pid": state.startup_pid,
            "connection_pid": state.database_pid,
            "startups": startups,
            "random": random.random(),
        }

    @after_restore
    async def reopen(state: dict[str, Any]) -> None:
        state["database"] = sqlite3.connect(os.environ["SNAPSTART_DB"], check_same_thread=False)
        state["database_pid"] = os.getpid()

    return Mangum(app)


# --- an application without lifespan support ------------------------------------------------------


async def no_lifespan_app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        raise ValueError(f"unsupported scope type {scope['type']}")
    body = f'{{"pid": {os.getpid()}, "random": {random.random()}}}'.encode()
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]}
    )
    await send({"type": "http.response.body", "body": body})


def _boom() -> None:
    raise ConnectionRefusedError("the database at 10.0.0.7:5432 refused the connection")


def _never() -> None:
    _log("never")


def _block() -> None:
    time.sleep(30)


async def _wait() -> None:
    await asyncio.sleep(30)


@asynccontextmanager
async def failing_lifespan(app: Starlette) -> AsyncIterator[None]:
    _boom()
    yield


def _handler() -> Mangum:
    if CASE == "fastapi":
        return fastapi_handler()
    if CASE == "startup-fails":
        return Mangum(Starlette(routes=[Route("/", echo)], lifespan=failing_lifespan))
    if CASE in ("no-lifespan-on", "no-lifespan-auto"):
        after_restore(first)
        return Mangum(no_lifespan_app, lifespan="on" if CASE == "no-lifespan-on" else "auto")
    # The Starlette cases: callbacks registered before and after the handler is created, to show
    # that they run in registration order wherever they are registered.
    if snapstart_on():
        from snapshot_restore_py import (  # type: ignore[import-untyped]  # no type information shipped
            register_before_snapshot,
        )

        # A hook of the application's own, registered before the adapter's: it runs after the
        # adapter's lifespan startup (before-snapshot hooks run in reverse order).
        register_before_snapshot(_log, "before-snapshot hook of the app's")
    after_restore(first)
    built = starlette_handler("off" if CASE == "lifespan-off" else "auto")
    after_restore(second)
    after_restore(reconnect)
    extra = {"failing": (_boom, _never), "slow-blocking": (_block,), "slow-waiting": (_wait,)}
    for callback in extra.get(CASE, ()):
        after_restore(callback)
    return built


handler = _handler()
