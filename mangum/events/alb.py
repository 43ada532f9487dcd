"""Application Load Balancer events, in single-value and multi-value header mode.

Unlike the other sources' models, these do not keep fields they do not model (``extra="ignore"``):
an ALB event is the fixed set of fields the Elastic Load Balancing guide documents ("Lambda
functions as targets"), every one of them modelled here, and no other field has ever been added to
it. Keeping unknown fields is what made ``model_validate`` slower than Powertools' ALB model:
pydantic-core checks every key of the event against the model's fields to keep the others, whether
there are any or not (about 4.7K instructions per event, more than the rest of the difference).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal, cast

from pydantic import ConfigDict

from mangum._sources import alb
from mangum.events._base import AwsModel
from mangum.events._maps import MultiValueMapsEvent

if TYPE_CHECKING:
    from mangum._http.request import HeaderPairs, Request
    from mangum._validation.generated.alb import AlbEventDict


_FIXED_FIELDS = ConfigDict(extra="ignore")
"""The ALB models' configuration over :class:`AwsModel`'s: unknown fields are dropped (see above)."""


class ElbContext(AwsModel):
    """``requestContext.elb``: the target group that routed the request."""

    model_config = _FIXED_FIELDS

    target_group_arn: str


class AlbRequestContext(AwsModel):
    """``requestContext`` of an ALB event."""

    model_config = _FIXED_FIELDS

    elb: ElbContext


class AlbEvent(MultiValueMapsEvent):
    """A request through an Application Load Balancer.

    With multi-value headers enabled on the target group, ALB sends ``multiValueHeaders`` and
    ``multiValueQueryStringParameters`` instead of ``headers`` and ``queryStringParameters``, and
    expects the response in the same form (:attr:`multi_value`). ALB passes query parameters on
    still percent-encoded, as the client sent them.
    """

    model_config = _FIXED_FIELDS
    SOURCE: ClassVar[Literal["alb"]] = "alb"

    request_context: AlbRequestContext
    http_method: str
    path: str

    @property
    def multi_value(self) -> bool:
        """Whether the target group has multi-value headers enabled (the response must match)."""
        return alb.multi_value(self._data)

    @property
    def _data(self) -> AlbEventDict:
        return cast("AlbEventDict", self._fields)

    def _read_request(self) -> Request:
        return alb.request(self._data)

    def query_items(self) -> HeaderPairs:
        """Query parameters, percent-decoded."""
        return alb.query_items(self._data)
