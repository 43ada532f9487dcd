"""One warm ``$default`` MESSAGE through ``Mangum``, with no network: the cycle's own work alone.

The connection store is SQLite and the app receives the frame without posting anything, so no
Management API or DynamoDB request is made: what is measured is reading the event, reading the
record, building the scope, running the app and laying out the answer. Prints the median of
``--rounds`` batches of ``--batch`` invocations, after a warm-up.

    .venv/bin/python benchmarks/websocket_message.py

The instructions of ``N`` warm invocations alone (the calls run inside one ``functools.reduce``, and
callgrind collects only inside it):

    PYTHONHASHSEED=0 valgrind --tool=callgrind --collect-atstart=no \\
        --toggle-collect='*functools_reduce*' --callgrind-out-file=/dev/null \\
        .venv/bin/python benchmarks/websocket_message.py --instructions 100
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from mangum.types import LambdaContext, Receive, Scope, Send

EVENTS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "events" / "powertools"


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """Accepts the (replayed) connect and reads every frame, posting nothing."""
    while (message := await receive())["type"] != "websocket.disconnect":
        if message["type"] == "websocket.connect":
            await send({"type": "websocket.accept"})


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--instructions", type=int, metavar="N", help="run N invocations in one reduce")
    arguments = parser.parse_args()

    from mangum import Mangum
    from mangum.websocket import websocket_settings

    store = Path(tempfile.mkdtemp()) / "connections.db"
    handler = Mangum(
        app, lifespan="off", websocket=websocket_settings(sqlite_path=str(store), region="eu-west-1")
    )
    context = cast("LambdaContext", None)  # no deadline
    connect = json.loads((EVENTS / "apiGatewayWebSocketApiConnect.json").read_text())
    assert handler(connect, context) == {"statusCode": 200}
    message = json.loads((EVENTS / "apiGatewayWebSocketApiMessage.json").read_text())
    message["requestContext"]["connectionId"] = connect["requestContext"]["connectionId"]

    def invoke() -> None:
        assert handler(message, context) == {"statusCode": 200}

    for _ in range(50):
        invoke()
    if arguments.instructions is not None:
        functools.reduce(lambda _, __: invoke(), range(arguments.instructions), None)
        return
    timings = []
    for _ in range(arguments.rounds):
        start = time.perf_counter()
        for _ in range(arguments.batch):
            invoke()
        timings.append((time.perf_counter() - start) / arguments.batch)
    print(f"one warm $default MESSAGE, median of {arguments.rounds} batches of {arguments.batch}:")
    print(f"  {statistics.median(timings) * 1e6:8.1f} us  (fastest batch {min(timings) * 1e6:.1f} us)")


if __name__ == "__main__":
    main()
