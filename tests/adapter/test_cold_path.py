"""What a buffered HTTP cold start imports: the modules of streaming, WebSocket serving, a loop
shared by many invocations and the shutdown window stay off it, for every HTTP source and
lifespan mode, and each is imported once its kind of work comes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
modules = sorted(m for m in sys.modules if m.startswith("mangum"))
print(json.dumps({"status": result["statusCode"], "modules": modules}))
"""


def served(event: str, lifespan: str, then: str = "") -> tuple[int, list[str]]:
    """The status of ``event`` served in a fresh process (with the lifespan mode ``lifespan``), and
    the mangum modules loaded once ``then`` has run after it."""
    script = SERVE.replace("THEN", then)
    done = subprocess.run(
        [sys.executable, "-c", script, str(EVENTS / f"{event}.json"), lifespan],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout)
    return report["status"], report["modules"]


@pytest.mark.parametrize("lifespan", ["off", "auto"])
@pytest.mark.parametrize(
    "event", ["apiGatewayProxyEvent", "apiGatewayProxyV2Event", "lambdaFunctionUrlEvent", "albEvent"]
)
def test_a_buffered_http_invocation_imports_none_of_the_other_kinds_of_work(
    event: str, lifespan: str
) -> None:
    status, modules = served(event, lifespan)

    assert status == 200
    assert [module for module in OFF_THE_COLD_PATH if module in modules] == []


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
    status, modules = served("apiGatewayProxyV2Event", "off", then)

    assert status == 200
    assert "mangum._asgi.shared" in modules
