"""What is kept about one connection: its CONNECT event, so that later invocations rebuild the same scope."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from mangum.events.websocket import WebSocketEvent

if TYPE_CHECKING:
    from mangum.websocket.redaction import Redaction


class ConnectionRecord(BaseModel):
    """One accepted connection, written at CONNECT and read by every later event of the connection.

    ``connect_event`` is the CONNECT event as received (headers, query string, identity, authorizer
    context): MESSAGE and DISCONNECT events carry none of that, so the scope is rebuilt from it.
    ``subprotocol`` is the one the application accepted, if any.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    connection_id: str
    connect_event: WebSocketEvent
    subprotocol: str | None = None

    @classmethod
    def from_connect_event(cls, event: WebSocketEvent, subprotocol: str | None = None) -> ConnectionRecord:
        """The record of the connection a CONNECT event opens."""
        return cls(connection_id=event.connection_id, connect_event=event, subprotocol=subprotocol)

    @property
    def domain_name(self) -> str:
        """The API's domain name, as the CONNECT event gave it."""
        return self.connect_event.request_context.domain_name

    @property
    def stage(self) -> str:
        """The API's stage, as the CONNECT event gave it."""
        return self.connect_event.request_context.stage

    def to_json(self, redaction: Redaction | None = None) -> str:
        """The record as stored: the CONNECT event with exactly the fields AWS sent, less what
        ``redaction`` names.

        Text that UTF-8 cannot encode (a lone surrogate, which Lambda's JSON decoder lets through)
        becomes ``?``, as it does in the scope's header bytes (:func:`mangum._http.scope.header_bytes`):
        the scope rebuilt from the record is the one the CONNECT invocation had.
        """
        data = self.model_dump(mode="json", exclude_unset=True, by_alias=True)
        if redaction is not None:
            data["connect_event"] = redaction.apply(data["connect_event"])
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        try:
            text.encode()
        except UnicodeEncodeError:
            return text.encode(errors="replace").decode()
        return text


@dataclass(frozen=True, slots=True)
class StoredConnection:
    """A record as read back from the store, with what the store keeps next to it.

    ``groups`` are the groups the connection has joined; ``expires_at`` is the item's TTL (epoch
    seconds), after which DynamoDB deletes it.
    """

    record: ConnectionRecord
    groups: frozenset[str]
    expires_at: int
