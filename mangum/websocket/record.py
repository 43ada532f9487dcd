"""What is kept about one connection: its CONNECT event, so that later invocations rebuild the same scope."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from mangum.events.websocket import WebSocketEvent


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

    def to_json(self) -> str:
        """The record as stored: the CONNECT event with exactly the fields AWS sent."""
        return self.model_dump_json(exclude_unset=True, by_alias=True)


@dataclass(frozen=True, slots=True)
class StoredConnection:
    """A record as read back from the store, with what the store keeps next to it.

    ``groups`` are the groups the connection has joined; ``expires_at`` is the item's TTL (epoch
    seconds), after which DynamoDB deletes it.
    """

    record: ConnectionRecord
    groups: frozenset[str]
    expires_at: int
