"""What an ASGI HTTP cycle produced, in the form the response builders take."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class CollectedResponse:
    """The status, headers (raw ASGI byte pairs, in order) and whole body an app sent."""

    status: int
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytes = b""
