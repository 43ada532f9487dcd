"""The events API Gateway sends to a Lambda authorizer, one model per kind of authorizer.

REQUEST authorizers receive the request's headers, query string, path and context in the layout
of their API's payload format, so they share that format's base with the API's own events (and its
header and query lookups: ``get_header``, ``get_query``...); API Gateway never sends them a body.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

from mangum.events._base import AwsModel
from mangum.events._payload_v1 import PayloadV1Request
from mangum.events.api_gateway_v1 import ApiGatewayV1RequestContext
from mangum.events.api_gateway_v2 import V2ShapedEvent
from mangum.events.authorizers.arn import MethodArn
from mangum.events.websocket import WebSocketRequestContext


class RestTokenAuthorizerEvent(AwsModel):
    """A REST API ``TOKEN`` authorizer's event: the token from the configured header, and the ARN
    of the method called."""

    type: Literal["TOKEN"]
    authorization_token: str
    method_arn: str

    @property
    def arn(self) -> MethodArn:
        """``methodArn`` split into its parts; raises :class:`~mangum.exceptions.InvalidArn`."""
        return MethodArn.parse(self.method_arn)


class RestRequestAuthorizerEvent(PayloadV1Request):
    """A REST API ``REQUEST`` authorizer's event: the request in the payload 1.0 layout (headers,
    query string, path and stage variables, ``requestContext``), without a body."""

    type: Literal["REQUEST"]
    method_arn: str
    version: Literal["1.0"] | None = None
    resource: str | None = None
    path: str
    http_method: str
    request_context: ApiGatewayV1RequestContext
    path_parameters: dict[str, str] | None = None
    stage_variables: dict[str, str] | None = None

    @property
    def arn(self) -> MethodArn:
        """``methodArn`` split into its parts; raises :class:`~mangum.exceptions.InvalidArn`."""
        return MethodArn.parse(self.method_arn)


class HttpApiAuthorizerEventV1(RestRequestAuthorizerEvent):
    """An HTTP API Lambda authorizer's event in payload format 1.0: the REST ``REQUEST`` layout,
    plus ``identitySource`` and ``authorizationToken`` (the identity sources' values, comma-joined),
    absent when the authorizer has no identity source."""

    version: Literal["1.0"]
    identity_source: str | None = None
    authorization_token: str | None = None


class HttpApiAuthorizerEventV2(V2ShapedEvent):
    """An HTTP API Lambda authorizer's event in payload format 2.0: the HTTP API request layout
    (``rawPath``, ``rawQueryString``, ``cookies`` when the request had some, ``requestContext``),
    ``routeArn``, and ``identitySource``: the identity sources' values, absent when none is set."""

    type: Literal["REQUEST"]
    route_arn: str
    identity_source: list[str] | None = None

    @property
    def arn(self) -> MethodArn:
        """``routeArn`` split into its parts; raises :class:`~mangum.exceptions.InvalidArn`."""
        return MethodArn.parse(self.route_arn)


class WebSocketAuthorizerRequestContext(WebSocketRequestContext):
    """``requestContext`` of a WebSocket authorizer's event: always the ``$connect`` route."""

    event_type: Literal["CONNECT"]


class WebSocketAuthorizerEvent(PayloadV1Request):
    """A WebSocket API ``REQUEST`` authorizer's event on ``$connect``: the handshake's headers and
    query string, stage variables and the connection's ``requestContext``; ``methodArn`` ends with
    the route key (``.../production/$connect``) instead of a method and path."""

    type: Literal["REQUEST"]
    method_arn: str
    request_context: WebSocketAuthorizerRequestContext
    stage_variables: dict[str, str] | None = None

    @property
    def arn(self) -> MethodArn:
        """``methodArn`` split into its parts; raises :class:`~mangum.exceptions.InvalidArn`."""
        return MethodArn.parse(self.method_arn)

    @property
    def connection_id(self) -> str:
        """The connection being authorized."""
        return self.request_context.connection_id


AuthorizerEvent: TypeAlias = (
    RestTokenAuthorizerEvent
    | RestRequestAuthorizerEvent
    | HttpApiAuthorizerEventV1
    | HttpApiAuthorizerEventV2
    | WebSocketAuthorizerEvent
)
"""Every event model :func:`~mangum.events.parse_authorizer_event` can return."""

AuthorizerEventType: TypeAlias = (
    type[RestTokenAuthorizerEvent]
    | type[RestRequestAuthorizerEvent]
    | type[HttpApiAuthorizerEventV1]
    | type[HttpApiAuthorizerEventV2]
    | type[WebSocketAuthorizerEvent]
)
"""The class of any authorizer event model."""

AUTHORIZER_EVENT_MODELS: tuple[AuthorizerEventType, ...] = (
    RestTokenAuthorizerEvent,
    RestRequestAuthorizerEvent,
    HttpApiAuthorizerEventV1,
    HttpApiAuthorizerEventV2,
    WebSocketAuthorizerEvent,
)
"""The five authorizer event models."""
