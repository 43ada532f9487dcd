"""A user's Lambda code written against the public API: authorizers, a queue consumer, schedules
and warm-up pings beside an ASGI app.

The suite's ``mypy --strict`` run type-checks it: every ``assert_type`` states the exact type mypy
must infer (an ``Any`` leaking out of a decorator would fail it), and each ``type: ignore`` in
``_misuses`` marks a call mypy must refuse (``warn_unused_ignores`` fails the run if it does not).
``tests/test_typed_handler.py`` runs the same handlers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pydantic import BaseModel, Json, JsonValue
from typing_extensions import assert_type

from mangum import Mangum
from mangum.events import (
    AuthorizerEvent,
    AuthorizerEventType,
    AuthorizerPolicyResponse,
    AuthorizerSimpleResponse,
    EventBridgeEvent,
    HttpApiAuthorizerEventV1,
    HttpApiAuthorizerEventV2,
    MethodArn,
    PolicyDocument,
    PolicyStatement,
    RestRequestAuthorizerEvent,
    RestTokenAuthorizerEvent,
    ScheduledEvent,
    SqsBatchResponse,
    SqsEvent,
    TypedHandler,
    Unauthorized,
    WarmUpEvent,
    WebSocketAuthorizerEvent,
    detect_authorizer,
    parse_authorizer_event,
    typed_handler,
)
from mangum.types import LambdaContext, Receive, Scope, Send

TOKENS = {"token-7": "user-7", "token-8": "user-8"}


class OrderPlaced(BaseModel):
    """The ``detail`` of the shop's EventBridge events, and the body of its queue's messages."""

    order: int
    qty: int


@typed_handler
def authorize_token(event: RestTokenAuthorizerEvent, context: LambdaContext) -> AuthorizerPolicyResponse:
    """REST TOKEN authorizer: 401 without a known token, else every route of the API (cacheable)."""
    token = event.authorization_token.removeprefix("Bearer ")
    user = TOKENS.get(token)
    if user is None:
        raise Unauthorized()
    arn = event.arn
    assert_type(arn, MethodArn)
    return AuthorizerPolicyResponse.allow(user, arn.with_route(), context={"user": user})


@typed_handler
def authorize_request(event: RestRequestAuthorizerEvent, context: LambdaContext) -> AuthorizerPolicyResponse:
    """REST REQUEST (or HTTP API payload 1.0) authorizer on a tenant header: deny other tenants."""
    tenant = event.get_header("x-tenant")
    assert_type(tenant, str | None)
    if tenant != "acme":
        return AuthorizerPolicyResponse.deny("anonymous", event.method_arn)
    identity_source = event.identity_source if isinstance(event, HttpApiAuthorizerEventV1) else None
    assert_type(identity_source, str | None)
    return AuthorizerPolicyResponse.allow(tenant, event.method_arn)


@typed_handler
def authorize_http(event: HttpApiAuthorizerEventV2, context: LambdaContext) -> AuthorizerSimpleResponse:
    """HTTP API payload 2.0 authorizer with simple responses."""
    sources = event.identity_source or []
    assert_type(sources, list[str])
    token = sources[0].removeprefix("Bearer ") if sources else ""
    user = TOKENS.get(token)
    return AuthorizerSimpleResponse(is_authorized=user is not None, context={"user": user, "via": ["v2"]})


@typed_handler
def authorize_connect(event: WebSocketAuthorizerEvent, context: LambdaContext) -> AuthorizerPolicyResponse:
    """WebSocket $connect authorizer on a query parameter."""
    user = TOKENS.get(event.get_query("token") or "")
    if user is None:
        raise Unauthorized()
    return AuthorizerPolicyResponse.allow(user, event.method_arn, context={"connection": event.connection_id})


@typed_handler
def authorize_any(event: AuthorizerEvent, context: LambdaContext) -> AuthorizerPolicyResponse:
    """One function as any kind of authorizer: the union of every authorizer event."""
    arn = event.arn
    assert_type(arn, MethodArn)
    return AuthorizerPolicyResponse.allow(type(event).__name__, arn)


@typed_handler
def keep_warm(event: WarmUpEvent, context: LambdaContext) -> None:
    """A warm-up ping: nothing to do, the container is warm."""


NIGHTLY_RUNS: list[str] = []


@typed_handler
def nightly(event: ScheduledEvent, context: LambdaContext) -> None:
    """A schedule: record which rule fired."""
    NIGHTLY_RUNS.extend(event.resources)


@typed_handler
def on_order(event: EventBridgeEvent[OrderPlaced], context: LambdaContext) -> dict[str, int]:
    """An EventBridge event whose detail is an order."""
    order = event.detail
    assert_type(order, OrderPlaced)
    return {"order": order.order, "qty": order.qty}


@typed_handler
def consume(event: SqsEvent[Json[OrderPlaced]], context: LambdaContext) -> SqsBatchResponse:
    """Queue consumer: retry the messages whose quantity is not positive."""
    failed = [record.message_id for record in event.records if record.body.qty <= 0]
    return SqsBatchResponse.failed(failed)


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """The API itself: answers every request with its path."""
    if scope["type"] != "http":
        return
    await receive()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": scope["path"].encode()})


handler = Mangum(app, lifespan="off", event_handlers=[keep_warm, nightly, on_order, consume])

# The decorated objects keep the functions' types, for mypy as for callers.
assert_type(authorize_token, TypedHandler[RestTokenAuthorizerEvent, AuthorizerPolicyResponse])
assert_type(consume, TypedHandler[SqsEvent[Json[OrderPlaced]], SqsBatchResponse])
assert_type(keep_warm, TypedHandler[WarmUpEvent, None])
assert_type(authorize_any.function, Callable[[AuthorizerEvent, LambdaContext], AuthorizerPolicyResponse])
parse_v2: Callable[[object], HttpApiAuthorizerEventV2] = authorize_http.parse
respond_v2: Callable[[AuthorizerSimpleResponse], JsonValue] = authorize_http.respond


def call_raw(event: dict[str, object], context: LambdaContext) -> JsonValue:
    """What the Lambda runtime does: a dict in, JSON out."""
    result = authorize_token(event, context)
    assert_type(result, JsonValue)
    return result


def parse_any(raw: object) -> AuthorizerEvent:
    """An authorizer event of whichever kind, typed as the union."""
    event = parse_authorizer_event(raw)
    assert_type(event, AuthorizerEvent)
    return event


def run_consumer(raw: object, context: LambdaContext) -> SqsBatchResponse:
    """The consumer on a parsed batch: what a test calls, with the function's own types."""
    batch = consume.parse(raw)
    assert_type(batch.records[0].body, OrderPlaced)
    result = consume.function(batch, context)
    assert_type(result, SqsBatchResponse)
    return result


def office_only(event: RestRequestAuthorizerEvent) -> AuthorizerPolicyResponse:
    """A policy written out by hand: every stage, the office's addresses only."""
    arn = MethodArn.parse(event.method_arn).with_stage()
    statement = PolicyStatement(
        effect="Allow",
        action="execute-api:Invoke",
        resource=[str(arn)],
        condition={"IpAddress": {"aws:SourceIp": ["198.51.100.0/24"]}},
    )
    return AuthorizerPolicyResponse(
        principal_id="office", policy_document=PolicyDocument(statement=[statement])
    )


def first_order(event: SqsEvent) -> OrderPlaced:
    """The first message of a batch of plain string bodies, parsed on demand."""
    order = event.records[0].parse_body(OrderPlaced)
    assert_type(order, OrderPlaced)
    return order


def kind_of(raw: Mapping[str, object]) -> AuthorizerEventType:
    """Which model an authorizer event is for, without validating it."""
    return detect_authorizer(raw)


def _misuses(context: LambdaContext, any_event: AuthorizerEvent, plain: EventBridgeEvent) -> None:
    """Calls mypy refuses (never run): each ignore must stay needed."""
    authorize_token.function(any_event, context)  # type: ignore[arg-type]  # wider than TOKEN events
    authorize_http.respond(AuthorizerPolicyResponse.deny("p", "*"))  # type: ignore[arg-type]  # wrong result
    on_order.function(plain, context)  # type: ignore[arg-type]  # its detail is not an order
    Mangum(app, event_handlers=[authorize_token.function])  # type: ignore[list-item]  # not decorated

    @typed_handler  # type: ignore[arg-type]  # no context parameter
    def one_argument(event: WarmUpEvent) -> None: ...
