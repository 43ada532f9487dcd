"""``MethodArn``: the ``execute-api`` ARN an authorizer is asked about, split and rebuilt."""

from __future__ import annotations

from typing import NamedTuple

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
