"""API Gateway HTTP API events (payload format 2.0) and Lambda Function URL events (same shape)."""

from __future__ import annotations

from typing import ClassVar, Literal

from mangum.events._base import AwsModel, RequestEvent, decode_body
from mangum.events._query import decode_query
from mangum.events.identity import ClientCert, HttpAuthorizer


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


class V2ShapedEvent(RequestEvent):
    """Fields and behaviour shared by HTTP API v2 and Function URL events (payload format 2.0)."""

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
    is_base64_encoded: bool = False

    def header_items(self) -> list[tuple[str, str]]:
        """Headers as sent (repeated ones arrive comma-joined), plus ``cookies`` as one ``cookie``
        header joined with ``"; "``, as a browser would have sent it."""
        items = list(self.headers.items()) if self.headers else []
        if self.cookies:
            items = [(name, value) for name, value in items if name.lower() != "cookie"]
            items.append(("cookie", "; ".join(self.cookies)))
        return items

    def query_items(self) -> list[tuple[str, str]]:
        """Query parameters decoded from ``rawQueryString``, every repeated value kept."""
        return decode_query(self.raw_query_string)

    def encoded_query(self) -> str:
        """``rawQueryString`` as received."""
        return self.raw_query_string

    def body_bytes(self) -> bytes:
        """The body as bytes."""
        return decode_body(self.body, self.is_base64_encoded)

    @property
    def source_ip(self) -> str | None:
        """The caller's address as the endpoint reports it."""
        return self.request_context.http.source_ip


class ApiGatewayV2Event(V2ShapedEvent):
    """A request through an API Gateway HTTP API (payload format 2.0)."""

    SOURCE: ClassVar[Literal["api_gateway_v2"]] = "api_gateway_v2"


class FunctionUrlEvent(V2ShapedEvent):
    """A request through a Lambda Function URL. ``routeKey`` and ``stage`` may be absent."""

    SOURCE: ClassVar[Literal["function_url"]] = "function_url"
