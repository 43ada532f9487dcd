"""HTTP API authorizer events in payload format 2.0: the HTTP API request layout, whose base they
share with HTTP API events (and its header, cookie and query lookups), without a body."""

from __future__ import annotations

from typing import Literal

from mangum.events.api_gateway_v2 import PayloadV2Event
from mangum.events.authorizers import MethodArn


class HttpApiAuthorizerEventV2(PayloadV2Event):
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
