"""Lambda authorizers for API Gateway: the events they receive, the responses they return, and the
method ARN they authorize. Every public name is exported from :mod:`mangum.events`.

The package holds what every authorizer shares: :class:`MethodArn`, the ARN an authorizer is asked
about (every event kind and every policy refers to it), and the ``TOKEN`` kind, whose event carries
no request. Beside it:

- :mod:`.parse`: which kind an event is, by its shape, and its validation;
- :mod:`.rest`, :mod:`.http_v2`, :mod:`.websocket`: the ``REQUEST`` kinds, one module per request
  layout, each built on the models of its API's own events. They stay apart because each layout's
  base models are most of an authorizer's cold start (tens of milliseconds for the REST layout):
  detection imports the detected kind's module alone, so a ``TOKEN`` authorizer loads no request
  model and an HTTP API authorizer no REST one;
- :mod:`.responses`: the IAM policy and the simple response an authorizer returns.

The union of the five kinds, :data:`~mangum.events.AuthorizerEvent`, is in
:mod:`mangum.events.handler_models`, with the other models of functions that are not the API.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from mangum.events._base import AwsModel
from mangum.exceptions import InvalidArn

_SERVICE = "execute-api"


class MethodArn(NamedTuple):
    """An ARN of the form ``arn:{partition}:execute-api:{region}:{account_id}:{api_id}/{stage}/{route}``.

    ``route`` is ``{HTTP method}/{resource path}`` for REST and HTTP APIs (``GET/pets/7``, or ``GET/``
    for the root resource) and the route key for WebSocket APIs (``$connect``). ``str(arn)`` gives
    the ARN back exactly as parsed. A named tuple: immutable, and cheap to build on every call.
    """

    region: str
    account_id: str
    api_id: str
    stage: str
    route: str
    partition: str = "aws"

    @classmethod
    def parse(cls, arn: str) -> MethodArn:
        """Split an ``execute-api`` ARN; raises :class:`~mangum.exceptions.InvalidArn` (without
        repeating the text) when it is not one."""
        parts = arn.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn" or parts[2] != _SERVICE:
            raise InvalidArn("not an execute-api ARN (arn:<partition>:execute-api:<region>:<account>:...)")
        _, partition, _, region, account_id, resource = parts
        path = resource.split("/", 2)
        if len(path) != 3 or not (partition and region and account_id and path[0] and path[1]):
            raise InvalidArn("an execute-api ARN needs a partition, region, account, API id, stage and route")
        api_id, stage, route = path
        return cls(region, account_id, api_id, stage, route, partition)

    def __str__(self) -> str:
        return (
            f"arn:{self.partition}:{_SERVICE}:{self.region}:{self.account_id}:"
            f"{self.api_id}/{self.stage}/{self.route}"
        )

    @property
    def http_method(self) -> str:
        """The route's first segment: the HTTP method (or ``*``), or a WebSocket route key."""
        return self.route.split("/", 1)[0]

    @property
    def resource_path(self) -> str:
        """The resource path after the method, with its leading ``/`` (``/pets/7``; ``/`` for the
        root resource; empty for a WebSocket route)."""
        _, slash, rest = self.route.partition("/")
        return f"/{rest}" if slash else ""

    def with_route(self, http_method: str = "*", resource_path: str = "*") -> MethodArn:
        """The same API and stage, another route: by default every method on every resource.

        A policy cached for one identity is reused on every route the authorizer guards, so a
        policy for the whole API (``arn.with_route()``) is what to return when the result is cached.
        """
        route = f"{http_method}/{resource_path.lstrip('/')}"
        return MethodArn(self.region, self.account_id, self.api_id, self.stage, route, self.partition)

    def with_stage(self, stage: str = "*") -> MethodArn:
        """The same API and route in another stage (by default, every stage)."""
        return MethodArn(self.region, self.account_id, self.api_id, stage, self.route, self.partition)


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
