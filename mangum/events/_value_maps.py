"""The single- and multi-value header and query maps that REST, WebSocket and ALB events carry, and
the body beside them: their fields and their reduction to header and query pairs, written once."""

from __future__ import annotations

from mangum.events._base import RequestEvent, decode_body
from mangum.events._query import flatten_multi, flatten_single


class ValueMapsRequest(RequestEvent):
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
    is_base64_encoded: bool = False

    def header_items(self) -> list[tuple[str, str]]:
        """Headers from ``multiValueHeaders`` (every value) or, without it, ``headers``."""
        if self.multi_value_headers:
            return flatten_multi(self.multi_value_headers)
        return flatten_single(self.headers)

    def query_pairs(self) -> list[tuple[str, str]]:
        """Query pairs as the event carries them, from the multi-value map or, without it, the
        single-value one (each source says whether they are still percent-encoded)."""
        if self.multi_value_query_string_parameters:
            return flatten_multi(self.multi_value_query_string_parameters)
        return flatten_single(self.query_string_parameters)

    def body_bytes(self) -> bytes:
        """The body as bytes."""
        return decode_body(self.body, self.is_base64_encoded)
