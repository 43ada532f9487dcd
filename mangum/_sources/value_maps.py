"""The single- and multi-value header and query maps REST, WebSocket and ALB events carry, with
the body beside them: their reduction to pairs, shared by the three sources' homes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mangum._http.request import HeaderPairs, value_map_pairs

if TYPE_CHECKING:
    # A type of the code only: nothing creates the class at run time.
    from typing import TypedDict

    class ValueMaps(TypedDict):
        """The fields every such event has, as its generated validator outputs them."""

        headers: dict[str, str] | None
        multi_value_headers: dict[str, list[str]] | None
        query_string_parameters: dict[str, str] | None
        multi_value_query_string_parameters: dict[str, list[str]] | None
        body: str | None
        is_base64_encoded: bool | None


def header_items(data: ValueMaps) -> HeaderPairs:
    """Headers from ``multiValueHeaders`` (every value) or, without it, ``headers``."""
    return value_map_pairs(data["headers"], data["multi_value_headers"])


def query_pairs(data: ValueMaps) -> HeaderPairs:
    """Query pairs as the event carries them (each source says whether still percent-encoded)."""
    return value_map_pairs(data["query_string_parameters"], data["multi_value_query_string_parameters"])
