"""The apps and the Lambda context stand-in that the adapter benchmarks' processes run.

Imported by ``adapter_worker.py`` and ``cold_start.py`` in each side's virtual environment (the
checkout is put last on ``sys.path`` there, so that ``mangum`` still comes from the environment):
keep it cheap to import, since cold starts import it before their clock starts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Both this repository's mangum and PyPI mangum define these protocols in mangum.types.
    from mangum.types import LambdaCognitoIdentity, LambdaMobileClientContext

# An ASGI app receives and sends dictionaries of many value types (the ASGI spec's messages).
Message = dict[str, Any]
App = Callable[..., Any]


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


def bare_app(body: bytes, content_type: bytes) -> App:
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


def fastapi_app() -> App:
    """A small FastAPI app with one catch-all JSON route (FastAPI imported on the call)."""
    from fastapi import FastAPI

    app = FastAPI()

    @app.api_route("/{path:path}", methods=["GET", "POST"])
    def catch_all(path: str) -> dict[str, str]:
        return {"path": path}

    return app
