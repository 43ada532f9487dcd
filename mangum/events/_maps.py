"""The single- and multi-value header and query maps that REST, WebSocket and ALB events carry, and
the body beside them."""

from __future__ import annotations

from mangum.events._base import RequestEvent


class MultiValueMapsEvent(RequestEvent):
    """``headers`` / ``multiValueHeaders``, ``queryStringParameters`` /
    ``multiValueQueryStringParameters``, ``body`` and ``isBase64Encoded``.

    API Gateway sends both forms of each map; ALB sends one of them, depending on the target
    group's multi-value setting. Either way the multi-value form, when present, holds every value.
    """

    headers: dict[str, str] | None = None
    multi_value_headers: dict[str, list[str]] | None = None
    query_string_parameters: dict[str, str] | None = None
    multi_value_query_string_parameters: dict[str, list[str]] | None = None
    body: str | None = None
    is_base64_encoded: bool | None = False
    """Whether ``body`` is base64; ``null``, which hand-written and some test events send, means false."""
