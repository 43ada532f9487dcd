"""The shape of one HTTP API function, as docs/performance.md reports it: how many of mangum's
modules it imports by the end of its first invocation, and the path of one warm call through them.

Usage: ``.venv/bin/python benchmarks/structure.py [--trace] [--websocket]``

With ``--websocket``, the function is a WebSocket API's instead, on an SQLite connection store (no
network): the first invocation is a CONNECT the app accepts, the warm call a ``$default`` MESSAGE
the app receives (it posts nothing, so no Management API request is made).

The walk follows every Python function call and return of one warm invocation (``sys.setprofile``,
after a first call has imported and warmed everything) and keeps those in mangum's own modules:

- *modules*: the distinct modules whose code ran;
- *hops*: how often the running code moved from one mangum module to another (a call into another
  module, or a return back from it), counted only between mangum frames, so that the app and the
  standard library in between are not counted;
- *adapter passes*: how often the running code entered ``mangum.adapter`` from another module.

Run in a fresh interpreter on purpose: the module count needs one that has imported nothing else.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:  # only for the types: the count needs an interpreter that imported nothing of mangum
    from mangum.types import LambdaContext, Receive, Scope, Send

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "tests" / "fixtures" / "events" / "powertools"
EVENT = EVENTS / "apiGatewayProxyV2Event.json"
PACKAGE = str(ROOT / "mangum")


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """A bare app: 200 with a short text body; on a WebSocket, accepts and reads every frame."""
    if scope["type"] == "websocket":
        while (message := await receive())["type"] != "websocket.disconnect":
            if message["type"] == "websocket.connect":
                await send({"type": "websocket.accept"})
        return
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"hi"})


def module_of(frame: FrameType) -> str | None:
    """The mangum module a frame runs code of, or ``None`` for any other code."""
    filename = frame.f_code.co_filename
    if not filename.startswith(PACKAGE):
        return None
    relative = Path(filename).relative_to(ROOT).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trace", action="store_true", help="print the module of every hop")
    parser.add_argument("--websocket", action="store_true", help="a WebSocket MESSAGE, not an HTTP API call")
    arguments = parser.parse_args()

    from mangum import Mangum

    context = cast("LambdaContext", None)  # no deadline: the walk is of the call alone
    if arguments.websocket:
        import tempfile

        from mangum.websocket import websocket_settings

        store = Path(tempfile.mkdtemp()) / "connections.db"
        settings = websocket_settings(sqlite_path=str(store), region="eu-west-1")
        handler = Mangum(app, lifespan="off", websocket=settings)
        handler(json.loads((EVENTS / "apiGatewayWebSocketApiConnect.json").read_text()), context)
        event = json.loads((EVENTS / "apiGatewayWebSocketApiMessage.json").read_text())
        event["requestContext"]["connectionId"] = "BFHPhfCWIAMCKlQ="  # the connection just accepted
    else:
        handler = Mangum(app, lifespan="off")
        event = json.loads(EVENT.read_text())
    handler(event, context)
    imported = sorted(name for name in sys.modules if name == "mangum" or name.startswith("mangum."))

    path: list[str] = []

    def profile(frame: FrameType, kind: str, _: object) -> None:
        if kind not in ("call", "return"):
            return
        # On a return, execution goes back to the caller's frame.
        running = frame if kind == "call" else frame.f_back
        module = module_of(running) if running is not None else None
        if module is not None and (not path or path[-1] != module):
            path.append(module)

    handler(event, context)  # warm: everything imported and built
    sys.setprofile(profile)
    result = handler(event, context)
    sys.setprofile(None)
    assert result["statusCode"] == 200, result

    hops = len(path) - 1
    adapter_passes = sum(1 for index, module in enumerate(path) if module == "mangum.adapter" and index > 0)
    print(f"mangum modules imported by the end of the first invocation: {len(imported)}")
    print(f"modules whose code one warm call runs: {len(set(path))}")
    print(f"hops between them: {hops}; entries into mangum.adapter from another module: {adapter_passes}")
    if arguments.trace:
        print(" -> ".join(path))
        print("imported:", " ".join(imported))


if __name__ == "__main__":
    main()
