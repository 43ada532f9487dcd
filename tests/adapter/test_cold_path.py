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

SOURCE_MODULES = {
    "apiGatewayProxyEvent": ["mangum._sources.api_gateway_v1", "mangum._validation.generated.api_gateway_v1"],
    "apiGatewayProxyV2Event": [
        "mangum._sources.api_gateway_v2",
        "mangum._validation.generated.api_gateway_v2",
    ],
    "lambdaFunctionUrlEvent": [
        "mangum._sources.api_gateway_v2",  # a Function URL's home reads its events as an HTTP API's
        "mangum._sources.function_url",
        "mangum._validation.generated.function_url",
    ],
    "albEvent": ["mangum._sources.alb", "mangum._validation.generated.alb"],
}
"""What each HTTP source's sample event imports of its own: its home and its generated schema."""

SHARED_MODULES = [
    "mangum",
    "mangum._asgi",
    "mangum._asgi.loop",
    "mangum._http",
    "mangum._http.request",
    "mangum._http.response",
    "mangum._http.scope",
    "mangum._sources",
    "mangum._sources.registry",
    "mangum._validation",
    "mangum._validation.generated",
    "mangum._validation.validators",
    "mangum.adapter",
    "mangum.config",
    "mangum.deadline",
    "mangum.exceptions",
]
"""The mangum modules every buffered HTTP invocation imports (lifespan ``off``): each costs a cold
start about 0.3M instructions of import machinery, so one more is a choice to make here."""

NOT_IN_THE_REGISTRY = {
    "CLI_ALIASES",  # the command lines' names: mangum._sources.samples
    "aliases_of",
    "canonical_name",
    "sample_event",
    "ConnectionEvent",  # WebSocket: mangum._sources.websocket
    "websocket_home",  # mangum.websocket.cycle
}

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
registry = vars(sys.modules["mangum._sources.registry"])
print(json.dumps({
    "status": result["statusCode"],
    "modules": sorted(m for m in sys.modules if m.startswith("mangum")),
    "typing_names": [name for name in ("LambdaConfig", "LifespanMode", "InvokeMode") if name in config],
    "registry": sorted(registry),
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


@pytest.mark.parametrize("event", sorted(SOURCE_MODULES))
def test_a_buffered_http_invocation_imports_these_modules_and_no_more(event: str) -> None:
    report = served(event, "off")

    assert report["status"] == 200
    assert report["modules"] == sorted([*SHARED_MODULES, *SOURCE_MODULES[event]])


@pytest.mark.parametrize("lifespan", ["off", "auto"])
@pytest.mark.parametrize("event", sorted(SOURCE_MODULES))
def test_a_buffered_http_invocation_imports_none_of_the_other_kinds_of_work(
    event: str, lifespan: str
) -> None:
    report = served(event, lifespan)

    assert report["status"] == 200
    assert [module for module in OFF_THE_COLD_PATH if module in report["modules"]] == []
    # Only annotations name them on this path: neither a Literal nor a TypedDict is built.
    assert report["typing_names"] == []
    # The registry loads without what only the command lines, the samples and WebSocket serving use.
    assert not set(report["registry"]) & NOT_IN_THE_REGISTRY


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
