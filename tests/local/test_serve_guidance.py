"""What ``serve`` does for someone coming from uvicorn or ``sam local``: an ASGI app given as it is,
what it cannot run refused at startup, options that would not do what they seem to noted at
startup, a WebSocket route elsewhere than ``/`` explained, and Ctrl-C that stops quietly."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from mangum._sources.samples import canonical_name
from mangum.local.cli import startup_notes
from mangum.local.handler_target import ASGI_HANDLER, Target
from mangum.local.serve_config import ServeConfig
from tests.local.support import REPO_ROOT, WAIT, running_serve

INCOMPLETE_HANDSHAKE = "ASGI callable returned without completing handshake"
WRAPPED = "Mangum(app) with default options"
NOT_CALLABLE = "is a str, not a Lambda handler(event, context) or an ASGI app"


def test_an_asgi_app_is_served_in_mangum_with_default_options() -> None:
    with running_serve("examples.app:app") as serve:
        answer = httpx.get(f"{serve.base_url}/items/2?q=saw", timeout=WAIT)
        output = serve.output()

    assert (answer.status_code, answer.json()) == (200, {"id": 2, "name": "saw", "q": "saw"})
    notes = [
        line for line in output.splitlines() if line.startswith("mangum serve: ") and "behind" not in line
    ]
    assert notes == [
        "mangum serve: examples.app:app is an ASGI app: serving Mangum(app) with default options"
    ]


@pytest.mark.parametrize(
    ("reference", "said"),
    [
        (
            "mangum:__version__",
            f"mangum:__version__ {NOT_CALLABLE}",
        ),
        ("json:dumps", "json:dumps is a function(obj, *, skipkeys=False"),
        ("examples.app:nope", "module 'examples.app' has no attribute 'nope'"),
    ],
)
def test_what_is_neither_a_handler_nor_an_app_is_refused_at_startup(reference: str, said: str) -> None:
    ran = subprocess.run(
        [sys.executable, "-m", "mangum", "serve", reference, "--port", "0"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert ran.returncode == 1
    assert ran.stdout == ""
    assert ran.stderr.startswith(f"python -m mangum serve: error: {said}")
    assert ran.stderr.count("\n") == 1


def _notes(source: str, stage: str, target: Target, invoke_mode: str = "BUFFERED") -> list[str]:
    # ``source`` as the command line takes it (an alias too), mapped as ``--source`` maps it.
    served = canonical_name(source)
    config = ServeConfig(handler=target.handler, source=served, stage=stage, invoke_mode=invoke_mode)  # type: ignore[arg-type]  # source is checked by argparse
    return startup_notes(config, "app:handler", target)


def test_a_named_http_api_stage_is_noted_unless_the_base_path_matches() -> None:
    mangum = Target("mangum", "app.handler")

    (note,) = _notes("http", "dev", mangum)
    assert 'api_gateway_base_path="/dev"' in note
    assert "app:handler does not set" in note
    assert _notes("http", "dev", Target("mangum", "app.handler", base_path="/dev")) == []
    (other,) = _notes("http", "dev", Target("mangum", "app.handler", base_path="/api"))
    assert 'app:handler sets "/api" instead' in other
    assert _notes("http", "$default", mangum) == []
    assert _notes("rest", "dev", mangum) == []  # a REST API strips the stage from the path
    assert _notes("http", "dev", Target("function", "app.handler")) == []  # a function reads rawPath itself
    assert (
        len(_notes("http", "dev", Target("asgi", ASGI_HANDLER))) == 2
    )  # wrapped with defaults: no base path


@pytest.mark.parametrize(
    ("source", "warned"), [("http", True), ("alb", True), ("url", False), ("rest", False)]
)
def test_response_stream_behind_a_source_that_cannot_stream_is_warned(source: str, warned: bool) -> None:
    stage = "prod" if source == "rest" else "$default"
    notes = _notes(source, stage, Target("function", "app.handler"), invoke_mode="RESPONSE_STREAM")

    assert [note for note in notes if "RESPONSE_STREAM" in note and "buffered" in note] == (
        [notes[0]] if warned else []
    )
    assert _notes(source, stage, Target("function", "app.handler")) == []


def test_the_notes_are_printed_at_startup() -> None:
    with running_serve(
        "tests.local.apps:handler", "--source", "http", "--stage", "dev", "--invoke-mode", "RESPONSE_STREAM"
    ) as serve:
        missing = httpx.get(f"{serve.origin}/pid", timeout=WAIT)
        serve.wait_for(r"GET /pid is outside the stage: 404.*/dev/pid, or leave out --stage")
        output = serve.output()

    assert missing.status_code == 404
    assert "mangum serve: note: an HTTP API passes the stage in the path (/dev/...)" in output
    assert "mangum serve: warning: --invoke-mode RESPONSE_STREAM: an HTTP API cannot stream" in output


def test_a_route_elsewhere_than_slash_is_explained_and_reached_with_websocket_path() -> None:
    async def refused(url: str) -> int:
        with pytest.raises(InvalidStatus) as refusal:
            async with connect(url):
                pass
        return refusal.value.response.status_code

    async def echoed(url: str) -> str:
        async with connect(url) as client:
            await client.send("hi")
            return str(await asyncio.wait_for(client.recv(), WAIT))

    with running_serve("tests.local.apps:socket_at_ws_unmapped") as serve:
        assert asyncio.run(refused(f"{serve.ws_origin}/prod")) == 403
        serve.wait_for(r"refused \(403\): the app closed it before accepting it at path '/'.*websocket_path")
        assert asyncio.run(refused(f"{serve.ws_origin}/prod/ws")) == 403
        serve.wait_for(r"WebSocket upgrade to /prod/ws refused \(403\).*websocket_path='/ws'")
        # A later request's access line: anything uvicorn said of the refusals is out by then.
        httpx.get(f"{serve.base_url}/", timeout=WAIT)
        serve.wait_for(r'"GET /prod/ HTTP/1.1"')
        assert INCOMPLETE_HANDSHAKE not in serve.output()

    with running_serve("tests.local.apps:socket_at_ws_mapped") as serve:
        assert asyncio.run(echoed(f"{serve.ws_origin}/prod")) == "/prod/ws: hi"
        assert "refused" not in serve.output()


def test_ctrl_c_stops_quietly_after_the_lifespan_shutdown(tmp_path: Path) -> None:
    log = tmp_path / "lifespan.log"
    with running_serve(
        "tests.local.apps:handler", env={"SERVE_TEST_LIFESPAN_LOG": str(log)}, own_group=True
    ) as serve:
        worker = httpx.get(f"{serve.base_url}/pid", timeout=WAIT).text
        serve.wait_for(r'"GET /prod/pid HTTP/1.1" 200')
        before = len(serve.lines)
        os.killpg(serve.process.pid, signal.SIGINT)  # what a terminal does on Ctrl-C
        status = serve.process.wait(WAIT)
        assert serve.pump is not None
        serve.pump.join(WAIT)
        after = serve.lines[before:]

    assert status == 0
    assert len(after) <= 2, after
    assert not [line for line in after if "Traceback" in line or "KeyboardInterrupt" in line]
    assert log.read_text().splitlines() == [f"startup {worker}", f"shutdown {worker}"]
