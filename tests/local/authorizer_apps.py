"""A Lambda authorizer the ``serve`` tests run in its worker (``tests.local.authorizer_apps:NAME``).

``authorize`` validates its event with the project's models (``parse_authorizer_event``) and
decides by the token it carries (the ``Authorization`` header, or the ``token`` query parameter of
a WebSocket handshake):

- ``allow:NAME``: a policy allowing every route of the API to ``NAME`` (``$connect`` on a WebSocket API);
- ``get-only:NAME``: a policy allowing ``GET`` alone (anything else is an implicit deny);
- ``deny``: a policy with an explicit deny;
- ``simple-allow:NAME`` / ``simple-deny``: an HTTP API simple response;
- ``unauthorized``: raises ``Unauthorized`` (401); ``boom``: raises another error (500);
- ``malformed``: a response API Gateway refuses (a misspelt field: 500).

Every allow carries the context ``user``, ``kind`` (the event model's name), ``route`` (of the
method ARN), ``calls`` (how many times this process has been called: the cache tests count on it),
``admin`` and ``level``.

``tell_authorizer`` is a WebSocket function: it answers each message by posting the event's
``requestContext.authorizer`` back to the connection through the Management API.
"""

from __future__ import annotations

import json
import os
import urllib.request
from urllib.parse import quote

from pydantic import JsonValue

from mangum.events import (
    AuthorizerPolicyResponse,
    AuthorizerSimpleResponse,
    RestTokenAuthorizerEvent,
    Unauthorized,
    WebSocketAuthorizerEvent,
    parse_authorizer_event,
)
from mangum.events.handler_models import AuthorizerEvent
from mangum.types import LambdaContext

_calls = 0


def _token(event: AuthorizerEvent) -> str:
    if isinstance(event, RestTokenAuthorizerEvent):
        return event.authorization_token
    return event.get_header("authorization") or event.get_query("token") or ""


def authorize(raw: dict[str, object], context: LambdaContext) -> object:
    """Decide as the module docs say."""
    global _calls
    _calls += 1
    event = parse_authorizer_event(raw)
    token = _token(event)
    verb, _, name = token.partition(":")
    details: dict[str, JsonValue] = {
        "user": name,
        "kind": type(event).__name__,
        "route": event.arn.route,
        "calls": _calls,
        "admin": True,
        "level": 3,
    }
    arn = event.arn
    # A WebSocket API has one route to allow: $connect, the method ARN itself.
    everything = arn if isinstance(event, WebSocketAuthorizerEvent) else arn.with_route()
    if verb == "allow":
        return AuthorizerPolicyResponse.allow(name, everything, context=details).to_lambda()
    if verb == "get-only":
        return AuthorizerPolicyResponse.allow(name, arn.with_route("GET"), context=details).to_lambda()
    if verb == "deny":
        return AuthorizerPolicyResponse.deny("someone", everything).to_lambda()
    if verb == "simple-allow":
        return AuthorizerSimpleResponse(is_authorized=True, context=details).to_lambda()
    if verb == "simple-deny":
        return AuthorizerSimpleResponse(is_authorized=False).to_lambda()
    if verb == "malformed":
        return {"principalID": "x", "policyDocument": {"Statement": []}}
    if verb == "boom":
        raise RuntimeError("the authorizer broke")
    raise Unauthorized()


def tell_authorizer(event: dict[str, dict[str, object]], context: LambdaContext) -> dict[str, int]:
    """Accept every connection; answer each message with its ``requestContext.authorizer``."""
    request_context = event["requestContext"]
    if request_context["eventType"] == "MESSAGE":
        endpoint = os.environ["MANGUM_WEBSOCKET_API_ENDPOINT"]
        body = json.dumps(request_context.get("authorizer")).encode()
        # Connection ids can hold "/" and "=": percent-encoded, as boto3 sends them.
        target = quote(str(request_context["connectionId"]), safe="")
        post = urllib.request.Request(f"{endpoint}/@connections/{target}", data=body, method="POST")
        with urllib.request.urlopen(post, timeout=10):
            pass
    return {"statusCode": 200}
