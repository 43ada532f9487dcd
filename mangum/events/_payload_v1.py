"""The query handling API Gateway's payload format 1.0 (REST and WebSocket APIs) adds to the
shared header and query maps: its parameters arrive already decoded. Written once for both."""

from __future__ import annotations

from mangum.events._query import encode_query
from mangum.events._value_maps import ValueMapsRequest


class PayloadV1Request(ValueMapsRequest):
    """Single- and multi-value header and query maps (API Gateway sends both, already decoded),
    and the body."""

    def query_items(self) -> list[tuple[str, str]]:
        """Query parameters (API Gateway has already decoded them), every value kept."""
        return self.query_pairs()

    def encoded_query(self) -> str:
        """The query re-encoded from the decoded parameters (API Gateway does not send it raw)."""
        return encode_query(self.query_pairs())
