"""Every sample event file under tests/fixtures/events, mapped explicitly to the model it must parse to."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from mangum.events import (
    AlbEvent,
    ApiGatewayV1Event,
    ApiGatewayV2Event,
    CloudFrontEvent,
    EventModelType,
    FunctionUrlEvent,
    RequestEvent,
    WebSocketEvent,
    parse_event,
)
from tests.support.event_files import EVENTS_DIR, all_sample_paths

EventT = TypeVar("EventT", bound=RequestEvent)

SAMPLE_MODELS: dict[str, EventModelType] = {
    "powertools/albEvent.json": AlbEvent,
    "powertools/albEventPathTrailingSlash.json": AlbEvent,
    "powertools/albMultiValueHeadersEvent.json": AlbEvent,
    "powertools/albMultiValueQueryStringEvent.json": AlbEvent,
    "powertools/apiGatewayProxyEvent.json": ApiGatewayV1Event,
    "powertools/apiGatewayProxyEventAnotherPath.json": ApiGatewayV1Event,
    "powertools/apiGatewayProxyEventNoOrigin.json": ApiGatewayV1Event,
    "powertools/apiGatewayProxyEventPathTrailingSlash.json": ApiGatewayV1Event,
    "powertools/apiGatewayProxyEventPrincipalId.json": ApiGatewayV1Event,
    "powertools/apiGatewayProxyEvent_noVersionAuth.json": ApiGatewayV1Event,
    "powertools/apiGatewayProxyOtherEvent.json": ApiGatewayV1Event,
    "powertools/apiGatewayProxyV2Event.json": ApiGatewayV2Event,
    "powertools/apiGatewayProxyV2EventPathTrailingSlash.json": ApiGatewayV2Event,
    "powertools/apiGatewayProxyV2Event_GET.json": ApiGatewayV2Event,
    "powertools/apiGatewayProxyV2IamEvent.json": ApiGatewayV2Event,
    "powertools/apiGatewayProxyV2LambdaAuthorizerEvent.json": ApiGatewayV2Event,
    "powertools/apiGatewayProxyV2OtherGetEvent.json": ApiGatewayV2Event,
    "powertools/apiGatewayProxyV2SchemaMiddlwareInvalidEvent.json": ApiGatewayV2Event,
    "powertools/apiGatewayProxyV2SchemaMiddlwareValidEvent.json": ApiGatewayV2Event,
    "powertools/apiGatewayWebSocketApiConnect.json": WebSocketEvent,
    "powertools/apiGatewayWebSocketApiDisconnect.json": WebSocketEvent,
    "powertools/apiGatewayWebSocketApiMessage.json": WebSocketEvent,
    "powertools/apigatewayeSchemaMiddlwareInvalidEvent.json": ApiGatewayV1Event,
    "powertools/apigatewayeSchemaMiddlwareValidEvent.json": ApiGatewayV1Event,
    "powertools/lambdaFunctionUrlEvent.json": FunctionUrlEvent,
    "powertools/lambdaFunctionUrlEventPathTrailingSlash.json": FunctionUrlEvent,
    "powertools/lambdaFunctionUrlEventWithHeaders.json": FunctionUrlEvent,
    "powertools/lambdaFunctionUrlIAMEvent.json": FunctionUrlEvent,
    "handmade/albMultiValueCookiesEvent.json": AlbEvent,
    "handmade/cloudFrontOriginRequestEvent.json": CloudFrontEvent,
    "handmade/cloudFrontViewerRequestEvent.json": CloudFrontEvent,
    "custom/albMultiValueRepeated.json": AlbEvent,
    "custom/apiGatewayConsoleTestInvoke.json": ApiGatewayV1Event,
    "custom/apiGatewayHttpIamAuthorizer.json": ApiGatewayV2Event,
    "custom/apiGatewayHttpLambdaAuthorizer.json": ApiGatewayV2Event,
    "custom/apiGatewayHttpUnknownFields.json": ApiGatewayV2Event,
    "custom/apiGatewayProxySourceIpWithPort.json": ApiGatewayV1Event,
    "custom/apiGatewayRestCognitoAuthorizer.json": ApiGatewayV1Event,
    "custom/apiGatewayRestIamIdentity.json": ApiGatewayV1Event,
    "custom/apiGatewayRestLambdaAuthorizer.json": ApiGatewayV1Event,
    "custom/cloudFrontOriginRequest.json": CloudFrontEvent,
    "custom/cloudFrontOriginRequestBase64Body.json": CloudFrontEvent,
    "custom/cloudFrontViewerRequest.json": CloudFrontEvent,
    "custom/cloudFrontViewerRequestTextBody.json": CloudFrontEvent,
    "custom/lambdaFunctionUrlNoStageRouteKey.json": FunctionUrlEvent,
    "custom/webSocketBinaryMessage.json": WebSocketEvent,
    "custom/webSocketConnectQueryAuthorizer.json": WebSocketEvent,
    "aws_docs/albElbGuide.json": AlbEvent,
    "aws_docs/albElbGuideMultiValue.json": AlbEvent,
    "aws_docs/albHealthCheck.json": AlbEvent,
    "aws_docs/albLambdaGuide.json": AlbEvent,
    "aws_docs/apiGatewayHttpLambdaGuideV2.json": ApiGatewayV2Event,
    "aws_docs/apiGatewayHttpPayloadV1.json": ApiGatewayV1Event,
    "aws_docs/apiGatewayHttpPayloadV2.json": ApiGatewayV2Event,
    "aws_docs/apiGatewayRestProxyIntegration.json": ApiGatewayV1Event,
}
"""Sample path (relative to tests/fixtures/events) -> the model ``parse_event`` must return for it."""


def sample_files() -> list[str]:
    """Every sample HTTP or WebSocket event file present, relative to tests/fixtures/events."""
    return sorted(path.relative_to(EVENTS_DIR).as_posix() for path in all_sample_paths())


def read_sample(relative: str) -> dict[str, Any]:
    """A sample event as decoded JSON (a dict, as Lambda hands it to the handler)."""
    loaded: dict[str, Any] = json.loads((EVENTS_DIR / relative).read_text())
    return loaded


def samples_of(model: EventModelType) -> list[str]:
    """The sample files that parse to ``model``."""
    return [name for name, expected in SAMPLE_MODELS.items() if expected is model]


def parse_sample(name: str, model: type[EventT]) -> EventT:
    """A sample event parsed with ``parse_event``, checked to be (and typed as) ``model``."""
    return parse_raw(read_sample(name), model)


def parse_raw(raw: object, model: type[EventT]) -> EventT:
    """A raw event parsed with ``parse_event``, checked to be (and typed as) ``model``."""
    event = parse_event(raw)
    assert isinstance(event, model), f"parsed as {type(event).__name__}, not {model.__name__}"
    return event
