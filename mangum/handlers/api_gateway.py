"""API Gateway's handlers in PyPI mangum's shape: :class:`APIGateway` (REST APIs) and
:class:`HTTPGateway` (HTTP APIs, both payload formats, and Function URLs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mangum.handlers._source import SourceHandler, detected_source

if TYPE_CHECKING:
    from mangum.types import LambdaConfig, LambdaContext, LambdaEvent


class APIGateway(SourceHandler):
    """REST API events, and HTTP API events of payload format 1.0 (they share its layout)."""

    SOURCES = frozenset({"api_gateway_v1"})


class HTTPGateway(SourceHandler):
    """HTTP API events (payload formats 2.0 and 1.0) and Function URL events: the events that carry
    a ``version``, as PyPI mangum tells them."""

    SOURCES = frozenset({"api_gateway_v2", "function_url", "api_gateway_v1"})

    @classmethod
    def infer(cls, event: LambdaEvent, context: LambdaContext, config: LambdaConfig) -> bool:
        """Whether ``event`` is a payload 2.0 event, or a payload 1.0 event with a ``version``."""
        return "version" in event and detected_source(event) in cls.SOURCES
