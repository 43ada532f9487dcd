"""Public typing names: the ASGI callable shapes and the Lambda handler arguments.

The custom handler names PyPI mangum kept here (``LambdaConfig``, ``LambdaHandler``, ``Response``,
``LifespanMode``) import from here too, so existing custom handlers keep working; they are defined
in :mod:`mangum.custom` and :mod:`mangum.config`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from mangum._lazy import lazy_attributes

if TYPE_CHECKING:
    from mangum.config import LifespanMode
    from mangum.custom import LambdaConfig, LambdaHandler, Response

__all__ = [
    "ASGI",
    "LambdaCognitoIdentity",
    "LambdaConfig",
    "LambdaContext",
    "LambdaEvent",
    "LambdaHandler",
    "LambdaMobileClient",
    "LambdaMobileClientContext",
    "LifespanMode",
    "Message",
    "Receive",
    "Response",
    "Scope",
    "Send",
]

_ELSEWHERE = {
    "LambdaConfig": "mangum.custom",
    "LambdaHandler": "mangum.custom",
    "Response": "mangum.custom",
    "LifespanMode": "mangum.config",
}

# ASGI scopes and messages are open dictionaries by specification: values of many types under string keys.
Scope: TypeAlias = MutableMapping[str, Any]
Message: TypeAlias = MutableMapping[str, Any]
Receive: TypeAlias = Callable[[], Awaitable[Message]]
Send: TypeAlias = Callable[[Message], Awaitable[None]]
# The parameters are Any on purpose: frameworks (Quart, Litestar, ...) annotate scope, receive and send
# with their own narrower TypedDict unions, and any precise parameter type would reject their apps.
ASGI: TypeAlias = Callable[[Any, Any, Any], Awaitable[None]]
"""Any ASGI 3 application: ``await app(scope, receive, send)``."""

#: The raw event as Lambda hands it to the handler (decoded JSON).
LambdaEvent: TypeAlias = dict[str, Any]


class LambdaCognitoIdentity(Protocol):
    """The Cognito identity of a mobile SDK caller (``context.identity``)."""

    cognito_identity_id: str
    cognito_identity_pool_id: str


class LambdaMobileClient(Protocol):
    """Mobile client details (``context.client_context.client``)."""

    installation_id: str
    app_title: str
    app_version_name: str
    app_version_code: str
    app_package_name: str


class LambdaMobileClientContext(Protocol):
    """``context.client_context`` for invocations from the AWS Mobile SDK."""

    client: LambdaMobileClient
    custom: dict[str, Any]
    env: dict[str, Any]


class LambdaContext(Protocol):
    """The context object the Lambda Python runtime passes to a handler."""

    function_name: str
    function_version: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    aws_request_id: str
    log_group_name: str
    log_stream_name: str
    identity: LambdaCognitoIdentity | None
    client_context: LambdaMobileClientContext | None

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before Lambda stops the invocation."""
        ...


# PyPI mangum's custom handler names, imported from where they are defined on first access.
__getattr__ = lazy_attributes(globals(), _ELSEWHERE)
