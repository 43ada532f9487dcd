"""API Gateway REST API events (payload format 1.0, also sent by HTTP APIs configured for 1.0)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal, cast

from pydantic import JsonValue

from mangum._sources import api_gateway_v1
from mangum.events._base import AwsModel
from mangum.events._maps import MultiValueMapsEvent
from mangum.events.identity import RestAuthorizer, RestIdentity

if TYPE_CHECKING:
    from mangum._http.request import HeaderPairs, Request
    from mangum._validation.generated.api_gateway_v1 import ApiGatewayV1EventDict


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


class RestShapedEvent(MultiValueMapsEvent):
    """Fields and behaviour shared by REST API events and REST ``REQUEST`` authorizer events
    (payload format 1.0): the request line, its context, path parameters and stage variables."""

    version: Literal["1.0"] | None = None
    resource: str | None = None
    path: str
    http_method: str
    request_context: ApiGatewayV1RequestContext
    path_parameters: dict[str, str] | None = None
    stage_variables: dict[str, str] | None = None

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

    @property
    def _data(self) -> ApiGatewayV1EventDict:
        # A REST REQUEST authorizer event has the REST event's fields: the REST home reads both.
        return cast("ApiGatewayV1EventDict", self._fields)

    def _read_request(self) -> Request:
        return api_gateway_v1.request(self._data)

    def query_items(self) -> HeaderPairs:
        """Query parameters (API Gateway has already decoded them), every value kept."""
        return api_gateway_v1.query_items(self._data)


class ApiGatewayV1Event(RestShapedEvent):
    """A request through an API Gateway REST API (Lambda proxy integration, payload 1.0)."""

    SOURCE: ClassVar[Literal["api_gateway_v1"]] = "api_gateway_v1"
