"""What a buffered HTTP cold start imports and builds: the modules of streaming, WebSocket serving,
a loop shared by many invocations and the shutdown window stay off it, for every HTTP source and
lifespan mode, and so do the configuration's typing names; each comes when its work does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
EVENTS = ROOT / "tests" / "fixtures" / "events" / "powertools"

OFF_THE_COLD_PATH = (
    "mangum._asgi.shared",
    "mangum._asgi.shutdown",
    "mangum._asgi.streaming",
    "mangum.streaming.response",
    "mangum.websocket.cycle",
)

SERVE = """
import json, sys
from mangum import Mangum

async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await receive()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})

with open(sys.argv[1]) as file:
    event = json.load(file)
result = Mangum(app, lifespan=sys.argv[2])(event, None)
THEN
config = vars(sys.modules["mangum.config"])
print(json.dumps({
    "status": result["statusCode"],
    "modules": sorted(m for m in sys.modules if m.startswith("mangum")),
    "typing_names": [name for name in ("LambdaConfig", "LifespanMode", "InvokeMode") if name in config],
}))
"""


def served(event: str, lifespan: str, then: str = "") -> dict[str, Any]:
    """``event`` served in a fresh process (with the lifespan mode ``lifespan``), then ``then`` run:
    the status, the mangum modules loaded, and which typing names ``mangum.config`` has built."""
    script = SERVE.replace("THEN", then)
    done = subprocess.run(
        [sys.executable, "-c", script, str(EVENTS / f"{event}.json"), lifespan],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    report: dict[str, Any] = json.loads(done.stdout)
    return report


@pytest.mark.parametrize("lifespan", ["off", "auto"])
@pytest.mark.parametrize(
    "event", ["apiGatewayProxyEvent", "apiGatewayProxyV2Event", "lambdaFunctionUrlEvent", "albEvent"]
)
def test_a_buffered_http_invocation_imports_none_of_the_other_kinds_of_work(
    event: str, lifespan: str
) -> None:
    report = served(event, lifespan)

    assert report["status"] == 200
    assert [module for module in OFF_THE_COLD_PATH if module in report["modules"]] == []
    # Only annotations name them on this path: neither a Literal nor a TypedDict is built.
    assert report["typing_names"] == []


def test_the_shared_loop_module_comes_with_the_first_invocation_on_a_shared_loop() -> None:
    then = """
import threading
from mangum._asgi import loop
running = loop.share()
def invoke():
    global result
    result = Mangum(app, lifespan="off")(event, None)
    running.call_soon_threadsafe(running.stop)
threading.Thread(target=invoke).start()
running.run_forever()
loop.unshare()
"""
    report = served("apiGatewayProxyV2Event", "off", then)

    assert report["status"] == 200
    assert "mangum._asgi.shared" in report["modules"]
