"""REST API ``REQUEST`` authorizer events, and HTTP API authorizer events in payload format 1.0
(the same layout with the identity sources added): the request in the payload 1.0 layout, whose
base they share with REST API events (and its header and query lookups), without a body."""

from __future__ import annotations

from typing import Literal

from mangum.events.api_gateway_v1 import RestShapedEvent
from mangum.events.authorizers import MethodArn


class RestRequestAuthorizerEvent(RestShapedEvent):
    """A REST API ``REQUEST`` authorizer's event: the request in the payload 1.0 layout (headers,
    query string, path and stage variables, ``requestContext``), without a body."""

    type: Literal["REQUEST"]
    method_arn: str

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
