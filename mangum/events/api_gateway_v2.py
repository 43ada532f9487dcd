"""API Gateway HTTP API events (payload format 2.0) and Lambda Function URL events (same shape)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal, cast

from mangum._sources import api_gateway_v2
from mangum.events._base import AwsModel, RequestEvent
from mangum.events.identity import ClientCert, HttpAuthorizer

if TYPE_CHECKING:
    from mangum._http.request import HeaderPairs, Request
    from mangum._sources.api_gateway_v2 import PayloadV2


class HttpDescription(AwsModel):
    """``requestContext.http``: the request line and caller as the HTTP endpoint saw them."""

    method: str
    path: str
    protocol: str | None = None
    source_ip: str | None = None
    user_agent: str | None = None


class Authentication(AwsModel):
    """``requestContext.authentication``: the mutual-TLS client certificate, when one was used."""

    client_cert: ClientCert | None = None


class ApiGatewayV2RequestContext(AwsModel):
    """``requestContext`` of an HTTP API or Function URL event."""

    account_id: str | None = None
    api_id: str | None = None
    authentication: Authentication | None = None
    authorizer: HttpAuthorizer | None = None
    domain_name: str | None = None
    domain_prefix: str | None = None
    http: HttpDescription
    request_id: str | None = None
    route_key: str | None = None
    stage: str | None = None
    time: str | None = None
    time_epoch: int | None = None


class PayloadV2Event(RequestEvent):
    """Fields and behaviour shared by HTTP API and Function URL events (payload format 2.0)."""

    version: Literal["2.0"]
    route_key: str | None = None
    raw_path: str
    raw_query_string: str = ""
    cookies: list[str] | None = None
    headers: dict[str, str] | None = None
    query_string_parameters: dict[str, str] | None = None
    request_context: ApiGatewayV2RequestContext
    path_parameters: dict[str, str] | None = None
    stage_variables: dict[str, str] | None = None
    body: str | None = None
    is_base64_encoded: bool | None = False
    """Whether ``body`` is base64; ``null``, which hand-written and some test events send, means false."""

    @property
    def _data(self) -> PayloadV2:
        return cast("PayloadV2", self._fields)

    def _read_request(self) -> Request:
        return api_gateway_v2.request(self._data)

    def query_items(self) -> HeaderPairs:
        """Query parameters decoded from ``rawQueryString``, every repeated value kept."""
        return api_gateway_v2.query_items(self._data)

    @property
    def source_ip(self) -> str | None:
        """The caller's address as the endpoint reports it."""
        return self.request_context.http.source_ip


class ApiGatewayV2Event(PayloadV2Event):
    """A request through an API Gateway HTTP API (payload format 2.0)."""

    SOURCE: ClassVar[Literal["api_gateway_v2"]] = "api_gateway_v2"


class FunctionUrlEvent(PayloadV2Event):
    """A request through a Lambda Function URL. ``routeKey`` and ``stage`` may be absent."""

    SOURCE: ClassVar[Literal["function_url"]] = "function_url"
