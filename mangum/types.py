"""Public typing names: the ASGI callables, scopes and messages, and the Lambda handler arguments.

``Scope``, ``Message``, ``Receive``, ``Send`` and ``ASGI`` are PyPI mangum's open aliases, which any
framework's app satisfies. The TypedDicts (uvicorn ``_types.py`` style) describe exactly what mangum
builds and sends: :class:`HTTPScope`, :class:`WebSocketScope`, :class:`LifespanScope` and the messages.
PyPI mangum's custom handler names (``LambdaConfig``, ``LambdaHandler``, ``Response``) are here too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, MutableMapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeAlias, TypedDict

if TYPE_CHECKING:
    from typing_extensions import NotRequired  # typing's is Python 3.11+

__all__ = [
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
]

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

LifespanMode: TypeAlias = Literal["auto", "on", "off"]
"""The ``lifespan`` argument of ``Mangum(...)``: ``"auto"``, ``"on"`` or ``"off"``."""


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


# --- what mangum builds -------------------------------------------------------------------------


class ASGIVersions(TypedDict):
    """``scope["asgi"]``."""

    version: str
    spec_version: str


ASGIAddress: TypeAlias = tuple[str, int]
"""A ``client`` or ``server`` address: host and port."""

# Functional syntax: the dotted keys are not identifiers.
ConnectionScope = TypedDict(
    "ConnectionScope",
    {
        "http_version": str,
        "scheme": str,
        "path": str,
        "raw_path": bytes,
        "root_path": str,
        "query_string": bytes,
        "headers": list[tuple[bytes, bytes]],
        "client": ASGIAddress | None,
        "server": ASGIAddress | None,
        "state": "NotRequired[dict[str, Any]]",
        "aws.event": LambdaEvent,
        "aws.context": "LambdaContext | None",
        "mangum.event": "NotRequired[object]",
        "mangum.connect_event": "NotRequired[object]",
    },
)
"""The keys of every scope of a request, HTTP or WebSocket: the ASGI connection keys, the raw event
and context, the lifespan ``state`` when the app's lifespan started, and ``mangum.event``: the event
model, once :func:`mangum.events.event_of` built it (WebSocket scopes have it from the start, with
``mangum.connect_event``, the model of the connection's CONNECT event)."""


class HTTPScope(ConnectionScope):
    """The scope of an HTTP request (ASGI HTTP spec 2.3)."""

    type: Literal["http"]
    asgi: ASGIVersions
    method: str


class WebSocketScope(ConnectionScope):
    """The scope of a WebSocket connection (ASGI WebSocket spec 2.5)."""

    type: Literal["websocket"]
    asgi: ASGIVersions
    subprotocols: list[str]
    extensions: dict[str, object]


class LifespanScope(TypedDict):
    """The scope of the application's lifespan connection."""

    type: Literal["lifespan"]
    asgi: ASGIVersions
    state: dict[str, Any]


class HTTPRequestEvent(TypedDict):
    """``http.request``: the whole request body, in one message."""

    type: Literal["http.request"]
    body: bytes
    more_body: bool


class HTTPDisconnectEvent(TypedDict):
    """``http.disconnect``."""

    type: Literal["http.disconnect"]


class HTTPResponseStartEvent(TypedDict):
    """``http.response.start``, as an application sends it."""

    type: Literal["http.response.start"]
    status: int
    headers: NotRequired[Iterable[tuple[bytes, bytes]]]
    trailers: NotRequired[bool]


class HTTPResponseBodyEvent(TypedDict):
    """``http.response.body``, as an application sends it."""

    type: Literal["http.response.body"]
    body: NotRequired[bytes]
    more_body: NotRequired[bool]


# --- PyPI mangum's custom handler protocol --------------------------------------------------------

Headers: TypeAlias = list[list[bytes]]
"""Response headers as a custom handler receives them: ``[name, value]`` byte pairs (PyPI mangum's)."""

QueryParams: TypeAlias = MutableMapping[str, str | Sequence[str]]
"""Query parameters as single values or sequences of values by name (PyPI mangum's)."""


class LambdaConfig(TypedDict):
    """The configuration a custom handler receives (PyPI mangum's shape: plain lists and strings):
    :func:`mangum.config.pypi_form` of the adapter's :class:`~mangum.config.Config`."""

    api_gateway_base_path: str
    text_mime_types: list[str]
    exclude_headers: list[str]


class Response(TypedDict):
    """The app's response as a custom handler receives it: headers as ``[name, value]`` byte pairs."""

    status: int
    headers: Headers
    body: bytes


class LambdaHandler(Protocol):
    """What a custom handler class provides (PyPI mangum's ``LambdaHandler``)."""

    def __init__(self, event: LambdaEvent, context: LambdaContext, config: LambdaConfig) -> None: ...

    @classmethod
    def infer(cls, event: LambdaEvent, context: LambdaContext, config: LambdaConfig) -> bool:
        """Whether this handler takes ``event``."""
        ...

    @property
    def body(self) -> bytes:
        """The request body."""
        ...

    @property
    def scope(self) -> Scope:
        """The ASGI scope of the request."""
        ...

    def __call__(self, response: Response) -> dict[str, Any]:
        """The Lambda result for the app's response."""
        ...
