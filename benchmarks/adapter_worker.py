"""One benchmark measurement, run in a fresh process by ``adapter_vs_mangum.py``.

The same file runs against this repository's mangum and against PyPI mangum (in its own virtual
environment): both expose ``Mangum(app)`` with the same call signature, so only ``sys.path`` differs.
Prints one JSON object on stdout.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402  (the clock starts before any import)
import json  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

if TYPE_CHECKING:
    # Both this repository's mangum and PyPI mangum define these protocols in mangum.types.
    from mangum.types import LambdaCognitoIdentity, LambdaMobileClientContext

EVENTS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "events" / "powertools"
EVENT_FILES = {
    "rest": "apiGatewayProxyEvent.json",
    "http": "apiGatewayProxyV2Event.json",
    "alb": "albEvent.json",
}
# An ASGI app receives and sends dictionaries of many value types (the ASGI spec's messages).
Message = dict[str, Any]


class Context:
    """A stand-in for the Lambda runtime's context object."""

    function_name = "bench"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    memory_limit_in_mb = 1024
    aws_request_id = "bench-request"
    log_group_name = "/aws/lambda/bench"
    log_stream_name = "bench"
    identity: LambdaCognitoIdentity | None = None
    client_context: LambdaMobileClientContext | None = None

    def get_remaining_time_in_millis(self) -> int:
        """A constant: benchmarks never time out."""
        return 30_000


def bare_app(body: bytes, content_type: bytes) -> Callable[..., Any]:
    """A plain ASGI app answering every request with ``body``; it ignores lifespan."""

    async def app(scope: Message, receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":
            return
        await receive()
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", content_type)]}
        )
        await send({"type": "http.response.body", "body": body})

    return app


def fastapi_app() -> Callable[..., Any]:
    """A small FastAPI app with one catch-all JSON route."""
    from fastapi import FastAPI

    app = FastAPI()

    @app.api_route("/{path:path}", methods=["GET", "POST"])
    def catch_all(path: str) -> dict[str, str]:
        return {"path": path}

    return app


def load(name: str) -> dict[str, Any]:
    """A sample event."""
    loaded: dict[str, Any] = json.loads((EVENTS / EVENT_FILES[name]).read_text())
    return loaded


def main() -> None:
    """Run the measurement named on the command line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=["warm", "cold", "rss", "big", "core-import"])
    parser.add_argument("--event", default="http", choices=sorted(EVENT_FILES))
    parser.add_argument("--app", default="bare", choices=["bare", "fastapi"])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--size", type=int, default=0)
    parser.add_argument("--lifespan", default="auto", choices=["auto", "off"])
    args = parser.parse_args()
    if args.scenario == "core-import":
        # The validators' own import, on the same clock as a cold start: a floor beneath ours.
        before = time.perf_counter()
        import pydantic_core

        print(json.dumps({"seconds": time.perf_counter() - before, "loaded": pydantic_core.__version__}))
        return
    event = load(args.event)
    context = Context()

    if args.scenario == "cold":
        before = time.perf_counter()
        from mangum import Mangum

        app = fastapi_app() if args.app == "fastapi" else bare_app(b'{"ok":true}', b"application/json")
        result = Mangum(app)(event, context)
        done = time.perf_counter()
        print(
            json.dumps(
                {"seconds": done - before, "since_start": done - STARTED, "status": result["statusCode"]}
            )
        )
        return

    from mangum import Mangum

    if args.scenario == "big":
        handler = Mangum(bare_app(bytes(range(256)) * (args.size // 256), b"application/octet-stream"))
        timings = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            result = handler(event, context)
            timings.append(time.perf_counter() - start)
        body = result.get("body")
        print(
            json.dumps(
                {
                    "median": statistics.median(timings),
                    "status": result["statusCode"],
                    "body_len": len(body) if isinstance(body, str) else 0,
                    "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                }
            )
        )
        return

    app = fastapi_app() if args.app == "fastapi" else bare_app(b'{"ok":true}', b"application/json")
    handler = Mangum(app, lifespan=args.lifespan)
    handler(event, context)
    per_call = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        for _ in range(args.calls):
            handler(event, context)
        per_call.append((time.perf_counter() - start) / args.calls)
    print(
        json.dumps(
            {
                "median": statistics.median(per_call),
                "rounds": per_call,
                "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            }
        )
    )


if __name__ == "__main__":
    main()
