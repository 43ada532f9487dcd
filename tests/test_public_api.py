"""The public surface, pinned: a name added to or dropped from a public module is a decision,
made by editing this list, never a side effect (internal modules have a leading underscore)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import ModuleType

import pytest

PUBLIC_NAMES: dict[str, list[str]] = {
    "mangum": [
        "Mangum",
        "__version__",
    ],
    "mangum.events": [
        "AUTHORIZER_DETECTION_ORDER",
        "AUTHORIZER_EVENT_MODELS",
        "AlbEvent",
        "AlbRequestContext",
        "ApiGatewayV1Event",
        "ApiGatewayV1RequestContext",
        "ApiGatewayV2Event",
        "ApiGatewayV2RequestContext",
        "Authentication",
        "AuthorizerContext",
        "AuthorizerEvent",
        "AuthorizerEventType",
        "AuthorizerPolicyResponse",
        "AuthorizerSimpleResponse",
        "ClientCert",
        "ClientCertValidity",
        "CloudFrontBody",
        "CloudFrontConfig",
        "CloudFrontEvent",
        "CloudFrontHeader",
        "CloudFrontPayload",
        "CloudFrontRecord",
        "CloudFrontRequest",
        "EVENT_MODELS",
        "ElbContext",
        "EventBridgeEvent",
        "EventHandler",
        "EventModelType",
        "FunctionUrlEvent",
        "HANDLER_EVENT_MODELS",
        "HANDLER_RESULT_MODELS",
        "HandlerResult",
        "HttpApiAuthorizerEventV1",
        "HttpApiAuthorizerEventV2",
        "HttpAuthorizer",
        "HttpDescription",
        "IamAuthorizer",
        "JwtAuthorizer",
        "LambdaEventModel",
        "LambdaHttpEvent",
        "MethodArn",
        "PayloadV2Event",
        "PolicyCondition",
        "PolicyDocument",
        "PolicyStatement",
        "RequestEvent",
        "RestAuthorizer",
        "RestIdentity",
        "RestRequestAuthorizerEvent",
        "RestShapedEvent",
        "RestTokenAuthorizerEvent",
        "ScheduledEvent",
        "SqsAttributes",
        "SqsBatchItemFailure",
        "SqsBatchResponse",
        "SqsEvent",
        "SqsMessageAttribute",
        "SqsRecord",
        "TypedHandler",
        "Unauthorized",
        "WarmUpEvent",
        "WebSocketAuthorizerEvent",
        "WebSocketAuthorizerRequestContext",
        "WebSocketEvent",
        "WebSocketEventType",
        "WebSocketRequestContext",
        "WebSocketShapedEvent",
        "detect_authorizer",
        "detect_source",
        "event_of",
        "parse_authorizer_event",
        "parse_event",
        "typed_handler",
    ],
    "mangum.types": [
        "ASGI",
        "ASGIVersions",
        "ConnectionScope",
        "HTTPDisconnectEvent",
        "HTTPRequestEvent",
        "HTTPResponseBodyEvent",
        "HTTPResponseStartEvent",
        "HTTPScope",
        "Headers",
        "LambdaCognitoIdentity",
        "LambdaConfig",
        "LambdaContext",
        "LambdaEvent",
        "LambdaHandler",
        "LambdaMobileClient",
        "LambdaMobileClientContext",
        "LifespanMode",
        "LifespanScope",
        "Message",
        "QueryParams",
        "Receive",
        "Response",
        "Scope",
        "Send",
        "WebSocketScope",
    ],
    "mangum.responses": [
        "AlbResponse",
        "ApiGatewayV1Response",
        "ApiGatewayV2Response",
        "CloudFrontResponse",
        "CloudFrontResponseHeader",
        "FunctionUrlResponse",
        "LambdaResponse",
        "LambdaResponseModel",
        "RESPONSE_MODELS",
        "WebSocketResponse",
    ],
    "mangum.snapstart": [
        "after_restore",
    ],
}
"""Each public module's ``__all__``."""

EXCEPTIONS = [
    "ConfigurationError",
    "DeadlineExceeded",
    "EventError",
    "InvalidArn",
    "InvalidBody",
    "InvalidEvent",
    "InvalidResponse",
    "LifespanFailure",
    "LifespanUnsupported",
    "MangumError",
    "ResponseTooLarge",
    "RestoreFailed",
    "UnexpectedMessage",
    "UnsupportedEvent",
]
"""The exception classes of ``mangum.exceptions``."""


@pytest.mark.parametrize("module_name", PUBLIC_NAMES)
def test_each_public_module_exports_exactly_its_pinned_names(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert sorted(module.__all__) == PUBLIC_NAMES[module_name]
    for name in module.__all__:
        assert getattr(module, name) is not None


def public_classes_and_functions(module: ModuleType) -> set[str]:
    """The public classes and functions ``module`` itself defines."""
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and value.__module__ == module.__name__
    }


@pytest.mark.parametrize(
    "module_name", ["mangum.events", "mangum.types", "mangum.responses", "mangum.snapstart"]
)
def test_nothing_public_is_left_out_of_all(module_name: str) -> None:
    """As httpx pins its members: every public class or function the module or one of its public
    submodules defines is in ``__all__`` (``mangum.events`` and ``mangum.responses`` define theirs in
    submodules; an internal ``_module`` is not walked)."""
    module = importlib.import_module(module_name)
    defined = public_classes_and_functions(module)
    if hasattr(module, "__path__"):
        for info in pkgutil.walk_packages(module.__path__, f"{module_name}."):
            if not any(part.startswith("_") for part in info.name.split(".")):
                defined |= public_classes_and_functions(importlib.import_module(info.name))
    assert defined, "the module defines public names (else this test checks nothing)"
    assert defined <= set(module.__all__)


def test_internals_stay_internal() -> None:
    import mangum.events

    for internal in ("AwsModel", "DETECTION_ORDER", "V2ShapedEvent", "RequestShape"):
        assert internal not in mangum.events.__all__
        assert not hasattr(mangum.events, internal)


def test_the_exceptions_module_defines_the_pinned_classes() -> None:
    import mangum.exceptions

    defined = sorted(
        name
        for name, value in vars(mangum.exceptions).items()
        if inspect.isclass(value)
        and issubclass(value, BaseException)
        and value.__module__ == "mangum.exceptions"
    )
    assert defined == EXCEPTIONS
