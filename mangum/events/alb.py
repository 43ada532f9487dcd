"""Application Load Balancer events, in single-value and multi-value header mode."""

from __future__ import annotations

from typing import ClassVar, Literal

from mangum.events._base import AwsModel
from mangum.events._query import decode_pairs, encoded_pairs_query
from mangum.events._value_maps import ValueMapsRequest


class ElbContext(AwsModel):
    """``requestContext.elb``: the target group that routed the request."""

    target_group_arn: str


class AlbRequestContext(AwsModel):
    """``requestContext`` of an ALB event."""

    elb: ElbContext


class AlbEvent(ValueMapsRequest):
    """A request through an Application Load Balancer.

    With multi-value headers enabled on the target group, ALB sends ``multiValueHeaders`` and
    ``multiValueQueryStringParameters`` instead of ``headers`` and ``queryStringParameters``, and
    expects the response in the same form (:attr:`multi_value`). ALB passes query parameters on
    still percent-encoded, as the client sent them.
    """

    SOURCE: ClassVar[Literal["alb"]] = "alb"

    request_context: AlbRequestContext
    http_method: str
    path: str

    @property
    def multi_value(self) -> bool:
        """Whether the target group has multi-value headers enabled (the response must match)."""
        return self.multi_value_headers is not None or self.multi_value_query_string_parameters is not None

    def query_items(self) -> list[tuple[str, str]]:
        """Query parameters, percent-decoded."""
        return decode_pairs(self.query_pairs())

    def encoded_query(self) -> str:
        """The query string as the client sent it (ALB does not decode it, so it is not re-encoded)."""
        return encoded_pairs_query(self.query_pairs())
