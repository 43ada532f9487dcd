"""API Gateway REST API events (payload format 1.0, also sent by HTTP APIs configured for 1.0)."""

from __future__ import annotations

from typing import Literal

from pydantic import JsonValue

from mangum.events._base import AwsModel, RequestEvent, decode_body
from mangum.events._query import encode_query, flatten_multi, flatten_single
from mangum.events.identity import RestAuthorizer, RestIdentity


class ApiGatewayV1RequestContext(AwsModel):
    """``requestContext`` of a REST API event. Every field is optional: console test invokes and
    partial events omit many of them."""

    account_id: str | None = None
    api_id: str | None = None
    authorizer: RestAuthorizer | None = None
    domain_name: str | None = None
    domain_prefix: str | None = None
    extended_request_id: str | None = None
    http_method: str | None = None
    identity: RestIdentity | None = None
    path: str | None = None
    protocol: str | None = None
    request_id: str | None = None
    request_time: str | None = None
    request_time_epoch: int | None = None
    resource_id: str | None = None
    resource_path: str | None = None
    stage: str | None = None
    operation_name: str | None = None


class ApiGatewayV1Event(RequestEvent):
    """A request through an API Gateway REST API (Lambda proxy integration, payload 1.0)."""

    version: Literal["1.0"] | None = None
    resource: str | None = None
    path: str
    http_method: str
    headers: dict[str, str] | None = None
    multi_value_headers: dict[str, list[str]] | None = None
    query_string_parameters: dict[str, str] | None = None
    multi_value_query_string_parameters: dict[str, list[str]] | None = None
    request_context: ApiGatewayV1RequestContext
    path_parameters: dict[str, str] | None = None
    stage_variables: dict[str, str] | None = None
    body: str | None = None
    is_base64_encoded: bool = False

    def header_items(self) -> list[tuple[str, str]]:
        """Headers from ``multiValueHeaders`` (every value) or, without it, ``headers``."""
        if self.multi_value_headers:
            return flatten_multi(self.multi_value_headers)
        return flatten_single(self.headers)

    def query_items(self) -> list[tuple[str, str]]:
        """Query parameters (API Gateway has already decoded them), every value kept."""
        if self.multi_value_query_string_parameters:
            return flatten_multi(self.multi_value_query_string_parameters)
        return flatten_single(self.query_string_parameters)

    def encoded_query(self) -> str:
        """The query re-encoded from the decoded parameters (API Gateway does not send it raw)."""
        return encode_query(self.query_items())

    def body_bytes(self) -> bytes:
        """The body as bytes."""
        return decode_body(self.body, self.is_base64_encoded)

    @property
    def source_ip(self) -> str | None:
        """The caller's address as API Gateway reports it."""
        identity = self.request_context.identity
        return identity.source_ip if identity else None

    @property
    def authorizer_context(self) -> dict[str, JsonValue]:
        """The Lambda authorizer's context keys, empty when there is none."""
        authorizer = self.request_context.authorizer
        return authorizer.context() if authorizer else {}
