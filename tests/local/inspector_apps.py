"""A Lambda function the inspector tests run (``tests.local.inspector_apps:handler``): it prints a
log line naming what it handles, answers HTTP requests with a small JSON body and accepts every
WebSocket connection and message."""

from __future__ import annotations

import json

from mangum.types import LambdaContext


def handler(event: dict[str, object], context: LambdaContext) -> dict[str, object]:
    """Log, then answer."""
    path = event.get("path") or event.get("rawPath")
    if path is None:
        context_fields = event.get("requestContext")
        route = context_fields.get("routeKey") if isinstance(context_fields, dict) else None
        print(f"websocket {route}")
        return {"statusCode": 200}
    print(f"handling {path}")
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps({"path": path}),
    }
