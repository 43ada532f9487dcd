"""What the connection record keeps of the CONNECT event: credentials are left out by default
(configurable by argument or variable), the CONNECT invocation still sees them, and text UTF-8
cannot encode (a lone surrogate) is stored as the scope shows it."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from pydantic import JsonValue
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from mangum.exceptions import ConfigurationError
from mangum.types import ASGI
from mangum.websocket.redaction import DEFAULT_REDACTED_HEADERS, DEFAULT_REDACTED_QUERY, Redaction
from mangum.websocket.settings import websocket_settings
from mangum.websocket.stores.interface import BaseConnectionStore
from tests.support.servers.management_api import ManagementApiServer
from tests.websocket.client import Client, Container
from tests.websocket.tables import table_items

SECRETS = {"Authorization": "Bearer s3cr3t", "Cookie": "session=s3cr3t", "X-Api-Key": "s3cr3t"}
QUERY = {"room": "lobby", "access_token": "s3cr3t", "Token": "s3cr3t"}


def handshake_reporter() -> ASGI:
    """Accepts; on every MESSAGE sends back the headers and query string of its scope."""

    async def report(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.receive_text()
        await websocket.send_json(
            {
                "headers": {
                    name.decode("latin-1"): value.decode("latin-1")
                    for name, value in websocket.scope["headers"]
                },
                "query": websocket.scope["query_string"].decode(),
            }
        )

    return Starlette(routes=[WebSocketRoute("/", report)])


def stored_event(store: BaseConnectionStore, connection: str) -> dict[str, object]:
    stored: dict[str, object] = json.loads(table_items(store)[(f"conn#{connection}", "record")]["record"])[
        "connect_event"
    ]
    return stored


@pytest.fixture
def reporter(containers: Callable[[ASGI], Container]) -> Container:
    return containers(handshake_reporter())


def test_credentials_are_left_out_of_the_record_by_default(
    reporter: Container, management_api: ManagementApiServer
) -> None:
    client = Client(reporter.invoke, management_api)
    client.connect(headers=SECRETS, query=QUERY)

    stored = stored_event(reporter.runtime.store, client.id)
    assert "s3cr3t" not in json.dumps(stored)
    assert isinstance(stored["headers"], dict)
    assert "Host" in stored["headers"]
    assert stored["queryStringParameters"] == {"room": "lobby"}
    assert stored["multiValueQueryStringParameters"] == {"room": ["lobby"]}

    client.send("who am I?")
    seen = json.loads(client.received[0])
    assert "authorization" not in seen["headers"]
    assert seen["query"] == "room=lobby"


def test_the_connect_invocation_still_sees_every_credential(
    containers: Callable[[ASGI], Container], management_api: ManagementApiServer
) -> None:
    seen: dict[str, str] = {}

    async def remember(websocket: WebSocket) -> None:
        seen.update(websocket.headers)
        seen["query"] = websocket.scope["query_string"].decode()
        await websocket.accept()

    container = containers(Starlette(routes=[WebSocketRoute("/", remember)]))
    Client(container.invoke, management_api).connect(headers=SECRETS, query=QUERY)

    assert seen["authorization"] == "Bearer s3cr3t"
    assert "access_token=s3cr3t" in seen["query"]


def test_redaction_can_be_turned_off_or_widened() -> None:
    keep_all = Redaction.of((), ())
    widened = Redaction.of([*DEFAULT_REDACTED_HEADERS, "X-Session"], ["room"])
    event: dict[str, JsonValue] = {
        "headers": {"X-Session": "abc", "Authorization": "Bearer x", "Host": "h"},
        "multiValueHeaders": {"x-session": ["abc"], "Host": ["h"]},
        "queryStringParameters": {"ROOM": "lobby", "page": "2"},
        "requestContext": {"identity": {"apiKey": "k", "sourceIp": "192.0.2.1"}},
    }

    assert keep_all.apply(event) == event
    assert widened.apply(event) == {
        "headers": {"Host": "h"},
        "multiValueHeaders": {"Host": ["h"]},
        "queryStringParameters": {"page": "2"},
        "requestContext": {"identity": {"sourceIp": "192.0.2.1"}},  # x-api-key's copy in the identity
    }


def test_redaction_settings_from_arguments_and_the_environment() -> None:
    base = {"MANGUM_WEBSOCKET_TABLE": "chat", "AWS_REGION": "eu-west-1"}

    assert websocket_settings(environ=base).redaction == Redaction()
    assert (
        websocket_settings(environ={**base, "MANGUM_WEBSOCKET_REDACT_HEADERS": "none"}).redact_headers
        == set()
    )
    widened = websocket_settings(
        environ={
            **base,
            "MANGUM_WEBSOCKET_REDACT_QUERY": "default, Ticket",
            "MANGUM_WEBSOCKET_REDACT_HEADERS": "X-A",
        }
    )
    assert widened.redact_query == DEFAULT_REDACTED_QUERY | {"ticket"}
    assert widened.redact_headers == {"x-a"}
    assert websocket_settings(redact_headers=["Authorization"], environ=base).redact_headers == {
        "authorization"
    }
    assert websocket_settings(redact_query=(), environ=base).redact_query == set()
    with pytest.raises(ConfigurationError, match="MANGUM_WEBSOCKET_REDACT_HEADERS"):
        websocket_settings(redact_headers="authorization", environ=base)


def test_a_lone_surrogate_in_a_connect_header_is_stored_as_the_scope_shows_it(
    reporter: Container, management_api: ManagementApiServer
) -> None:
    client = Client(reporter.invoke, management_api)

    assert client.connect(headers={"X-Name": "caf\udce9"}) == {"statusCode": 200}
    assert client.send("who am I?") == {"statusCode": 200}

    stored = stored_event(reporter.runtime.store, client.id)
    assert isinstance(stored["headers"], dict)
    assert stored["headers"]["X-Name"] == "caf?"
    assert json.loads(client.received[0])["headers"]["x-name"] == "caf?"  # as header_bytes gives it
