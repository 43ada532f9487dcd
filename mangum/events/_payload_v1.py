"""The header, query and body fields API Gateway sends in payload format 1.0 (REST and WebSocket
APIs), and how they reduce to the shared request primitives: written once for both."""

from __future__ import annotations

from mangum.events._base import RequestEvent, decode_body
from mangum.events._query import encode_query, flatten_multi, flatten_single


class PayloadV1Request(RequestEvent):
    """Single- and multi-value header and query maps (API Gateway sends both, already decoded),
    and the body."""

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

    def query_items(self) -> list[tuple[str, str]]:
        """Query parameters (API Gateway has already decoded them), every value kept."""
        if self.multi_value_query_string_parameters:
            return flatten_multi(self.multi_value_query_string_parameters)
        return flatten_single(self.query_string_parameters)

    def encoded_query(self) -> str:
        """The query re-encoded from the decoded parameters (API Gateway does not send it raw)."""
        return encode_query(self.query_items())

    def body_bytes(self) -> bytes:
        """The body as bytes."""
        return decode_body(self.body, self.is_base64_encoded)
