"""The chat in Starlette and FastAPI, served event by event through the WebSocket cycle, against
dynalite and the loopback Management API; the table is checked after every step."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from mangum.types import ASGI
from mangum.websocket.record import ConnectionRecord
from mangum.websocket.runtime import WebSocketRuntime
from tests.support.servers.management_api import ManagementApiServer
from tests.websocket.apps import fastapi_chat, starlette_chat
from tests.websocket.apps.chat import QUIT_CODE, SUBPROTOCOL
from tests.websocket.client import Client, Container
from tests.websocket.counting import DynamoDbRequests
from tests.websocket.factories import connection_id, disconnect_raw, message_raw
from tests.websocket.tables import dynamodb_store, table_items

APPS: dict[str, Callable[[], ASGI]] = {
    "starlette": starlette_chat.make_app,
    "fastapi": fastapi_chat.make_app,
}


@pytest.fixture(params=sorted(APPS))
def app(request: pytest.FixtureRequest) -> ASGI:
    make: Callable[[], ASGI] = APPS[request.param]
    return make()


@pytest.fixture
def container(app: ASGI, containers: Callable[[ASGI], Container]) -> Container:
    return containers(app)


@pytest.fixture
def client_factory(container: Container, management_api: ManagementApiServer) -> Callable[[], Client]:
    return lambda: Client(container.invoke, management_api)


def keys(runtime: WebSocketRuntime) -> set[tuple[str, str]]:
    return set(table_items(runtime.store))


def stored_record(runtime: WebSocketRuntime, client: Client) -> ConnectionRecord:
    stored = runtime.store.get_connection(client.id)
    assert stored is not None
    return stored.record


def joined(client: Client, room: str) -> Client:
    assert client.connect(query={"name": client.id, "room": room})["statusCode"] == 200
    return client


def frames(client: Client) -> list[object]:
    return [json.loads(frame) for frame in client.received]


def test_connect_accepted_writes_the_record(
    client_factory: Callable[[], Client], runtime: WebSocketRuntime
) -> None:
    ann = client_factory()

    result = ann.connect(query={"name": "ann"})

    assert result == {"statusCode": 200}
    assert keys(runtime) == {(f"conn#{ann.id}", "record")}
    record = stored_record(runtime, ann)
    assert record.connect_event.query_items() == [("name", "ann")]
    assert record.subprotocol is None
    assert ann.received == []


def test_connect_with_a_subprotocol_answers_the_chosen_one(
    client_factory: Callable[[], Client], runtime: WebSocketRuntime
) -> None:
    ann, bob = client_factory(), client_factory()

    chosen = ann.connect(query={"name": "ann"}, subprotocols=f"chat.v1, {SUBPROTOCOL}")
    plain = bob.connect(query={"name": "bob"}, subprotocols="chat.v1")

    assert chosen == {"statusCode": 200, "headers": {"Sec-WebSocket-Protocol": SUBPROTOCOL}}
    assert plain == {"statusCode": 200}
    assert stored_record(runtime, ann).subprotocol == SUBPROTOCOL
    assert stored_record(runtime, bob).subprotocol is None


def test_connect_closed_before_accept_is_403_and_writes_nothing(
    client_factory: Callable[[], Client], runtime: WebSocketRuntime
) -> None:
    nameless = client_factory()

    assert nameless.connect(query={"room": "lobby"}) == {"statusCode": 403}
    assert keys(runtime) == set()
    assert not nameless.live


def test_connect_denied_answers_the_denial_response(
    client_factory: Callable[[], Client], runtime: WebSocketRuntime
) -> None:
    result = client_factory().connect(query={"name": "eve", "deny": "1"})

    assert result["statusCode"] == 401
    assert result["body"] == "banned"
    assert result["isBase64Encoded"] is False
    assert isinstance(result["headers"], dict)
    assert result["headers"]["content-type"] == "text/plain; charset=utf-8"
    assert keys(runtime) == set()


def test_message_scopes_carry_the_connect_handshake_and_authorizer_context(
    client_factory: Callable[[], Client],
) -> None:
    ann = client_factory()
    ann.connect(
        query={"name": "ann"},
        authorizer={"principalId": "user-7", "tenant": "acme"},
        headers={"User-Agent": "chat-client/1.0"},
    )

    result = ann.send(json.dumps({"action": "whoami"}), route_key="whoami")

    assert result == {"statusCode": 200}
    assert frames(ann) == [
        {
            "name": "ann",
            "principal": "user-7",
            "authorizer_context": {"tenant": "acme"},
            "route": "whoami",
            "path": "/prod/",
            "root_path": "/prod",
            "user_agent": "chat-client/1.0",
            "client": "166.90.225.1",
            "greeting": None,
        }
    ]


def test_echo_is_one_read_and_no_write(
    client_factory: Callable[[], Client], runtime: WebSocketRuntime
) -> None:
    ann = client_factory()
    ann.connect(query={"name": "ann"})
    before = table_items(runtime.store)

    with DynamoDbRequests(dynamodb_store(runtime.store).client) as requests:
        result = ann.send(json.dumps({"action": "echo", "text": "hello, ünïcode"}))

    assert result == {"statusCode": 200}
    assert requests.counts == {"GetItem": 1}
    assert ann.received == ["hello, ünïcode".encode()]
    assert table_items(runtime.store) == before


def test_binary_frames_arrive_as_bytes(
    client_factory: Callable[[], Client], runtime: WebSocketRuntime
) -> None:
    ann = client_factory()
    ann.connect(query={"name": "ann"})

    with DynamoDbRequests(dynamodb_store(runtime.store).client) as requests:
        assert ann.send(b"\x00\x01\xfe\xff")["statusCode"] == 200

    assert requests.counts == {"GetItem": 1}
    assert ann.received == [b"\xff\xfe\x01\x00"]


def test_join_and_leave_groups(client_factory: Callable[[], Client], runtime: WebSocketRuntime) -> None:
    ann = client_factory()
    ann.connect(query={"name": "ann"})

    ann.send(json.dumps({"action": "join", "group": "news"}))

    assert keys(runtime) == {(f"conn#{ann.id}", "record"), ("group#news", f"conn#{ann.id}")}
    stored = runtime.store.get_connection(ann.id)
    assert stored is not None
    assert stored.groups == {"news"}

    ann.send(json.dumps({"action": "leave", "group": "news"}))

    assert keys(runtime) == {(f"conn#{ann.id}", "record")}
    assert frames(ann) == [{"joined": "news"}, {"left": "news"}]


def test_a_room_named_at_connect_is_joined_once(
    client_factory: Callable[[], Client], runtime: WebSocketRuntime
) -> None:
    ann = joined(client_factory(), "hall")

    assert keys(runtime) == {(f"conn#{ann.id}", "record"), ("group#hall", f"conn#{ann.id}")}
    with DynamoDbRequests(dynamodb_store(runtime.store).client) as requests:
        ann.send(json.dumps({"action": "echo", "text": "still one read"}))
    assert requests.counts == {"GetItem": 1}


def test_broadcast_to_50_with_5_gone(client_factory: Callable[[], Client], runtime: WebSocketRuntime) -> None:
    members = [joined(client_factory(), "hall") for _ in range(50)]
    speaker, gone = members[0], members[5::10]
    for member in gone:
        member.leave_silently()

    with DynamoDbRequests(dynamodb_store(runtime.store).client) as requests:
        result = speaker.send(json.dumps({"action": "say", "group": "hall", "text": "hi all"}))

    assert result == {"statusCode": 200}
    assert (requests.counts["GetItem"], requests.counts["Query"]) == (1, 1)
    said = {"from": speaker.id, "text": "hi all"}
    assert frames(speaker) == [said, {"delivered": 45, "gone": 5}]
    for member in members[1:]:
        assert frames(member) == ([] if member in gone else [said])
    items = keys(runtime)
    live = [member for member in members if member not in gone]
    assert items == {(f"conn#{member.id}", "record") for member in live} | {
        ("group#hall", f"conn#{member.id}") for member in live
    }


def test_broadcast_to_n_members_is_one_query(
    client_factory: Callable[[], Client], runtime: WebSocketRuntime
) -> None:
    members = [joined(client_factory(), "hall") for _ in range(20)]

    with DynamoDbRequests(dynamodb_store(runtime.store).client) as requests:
        members[3].send(json.dumps({"action": "say", "group": "hall", "text": "x"}))

    assert requests.counts == {"GetItem": 1, "Query": 1}
    assert all(len(member.received) == (2 if member is members[3] else 1) for member in members)


def test_close_from_the_app_closes_the_connection_and_deletes_it(
    client_factory: Callable[[], Client], runtime: WebSocketRuntime, management_api: ManagementApiServer
) -> None:
    ann, bob = joined(client_factory(), "hall"), joined(client_factory(), "hall")

    assert ann.send(json.dumps({"action": "quit"})) == {"statusCode": 200}

    assert not ann.live
    assert [
        request.method for request in management_api.state.requests() if request.connection_id == ann.id
    ] == ["DELETE"]
    assert keys(runtime) == {(f"conn#{bob.id}", "record"), ("group#hall", f"conn#{bob.id}")}
    # API Gateway then sends DISCONNECT: the connection is unknown, the app does not run again.
    assert ann.disconnect(code=QUIT_CODE, reason="bye") == {"statusCode": 200}
    assert bob.received == []


def test_disconnect_tells_the_app_and_deletes_everything_of_the_connection(
    client_factory: Callable[[], Client], runtime: WebSocketRuntime
) -> None:
    ann, bob = joined(client_factory(), "hall"), joined(client_factory(), "hall")
    ann.send(json.dumps({"action": "join", "group": "news"}))

    assert ann.disconnect(code=1001, reason="Going away") == {"statusCode": 200}

    assert bob.received == [f"{ann.id} left (1001 Going away)".encode()]
    assert keys(runtime) == {(f"conn#{bob.id}", "record"), ("group#hall", f"conn#{bob.id}")}


def test_events_for_unknown_connections_do_not_run_the_app(
    container: Container, runtime: WebSocketRuntime, management_api: ManagementApiServer
) -> None:
    stranger = connection_id()
    management_api.state.open(stranger)

    with DynamoDbRequests(dynamodb_store(runtime.store).client) as requests:
        message = container.invoke(message_raw(stranger, json.dumps({"action": "echo", "text": "?"})))
        disconnect = container.invoke(disconnect_raw(stranger))

    assert (message, disconnect) == ({"statusCode": 410}, {"statusCode": 200})
    # MESSAGE reads the record; DISCONNECT's conditional "closing" update finds none, and a read
    # checks that no deletion cut short is left to finish.
    assert requests.counts == {"GetItem": 2, "UpdateItem": 1}
    assert management_api.state.posted(stranger) == []
    assert keys(runtime) == set()


def test_lifespan_state_is_copied_into_every_scope(
    container: Container, management_api: ManagementApiServer
) -> None:
    ann = Client(container.invoke, management_api)
    ann.connect(query={"name": "ann"})
    state: dict[str, object] = {"greeting": "hello"}

    container.invoke(message_raw(ann.id, json.dumps({"action": "whoami"})), state=state)

    reply = frames(ann)[0]
    assert isinstance(reply, dict)
    assert reply["greeting"] == "hello"
