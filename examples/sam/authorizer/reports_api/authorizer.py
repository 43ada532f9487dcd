"""The authorizer function: an HTTP API Lambda authorizer, payload 2.0 with simple responses."""

from __future__ import annotations

from mangum.events import AuthorizerSimpleResponse, HttpApiAuthorizerEventV2, typed_handler
from mangum.types import LambdaContext

from .callers import known_tokens


@typed_handler
def handler(event: HttpApiAuthorizerEventV2, context: LambdaContext) -> AuthorizerSimpleResponse:
    """Authorize a request by its bearer token (the identity source, the Authorization header)."""
    header = (event.identity_source or [""])[0]
    caller = known_tokens().get(header.removeprefix("Bearer "))
    if caller is None:
        return AuthorizerSimpleResponse(is_authorized=False)
    return AuthorizerSimpleResponse(is_authorized=True, context=caller.model_dump())
