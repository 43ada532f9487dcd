"""The application's API: send, join, leave, broadcast, against dynalite and the Management API."""

from __future__ import annotations

import pytest

from mangum.exceptions import ConfigurationError
from mangum.websocket import api as websocket_api
from mangum.websocket.api import BroadcastIncomplete, WebSocketConnections
from mangum.websocket.errors import ConnectionGone, NoCurrentConnection, UnknownConnection
from mangum.websocket.settings import WebSocketSettings
from mangum.websocket.stores.dynamodb import ConnectionStore
from tests.support.servers.management_api import ManagementApiServer
from tests.websocket.counting import DynamoDbRequests
from tests.websocket.factories import connection_id, record
from tests.websocket.tables import table_items


def connected(store: ConnectionStore, server: ManagementApiServer, *groups: str) -> str:
    """A connection recorded in the store, open on the server, member of ``groups``."""
    member = record()
    store.put_connection(member)
    server.state.open(member.connection_id)
    for group in groups:
        store.join_group(member.connection_id, group)
    return member.connection_id


def posts_to(server: ManagementApiServer, connections: list[str]) -> int:
    wanted = set(connections)
    return sum(1 for request in server.state.requests() if request.connection_id in wanted)


def test_broadcast_reaches_live_members_and_removes_gone_ones(
    settings: WebSocketSettings, store: ConnectionStore, management_api: ManagementApiServer
) -> None:
    members = [connected(store, management_api, "room", "other") for _ in range(50)]
    outsider = connected(store, management_api, "other")
    gone = members[::10]
    for member in gone:
        management_api.state.mark_gone(member)
    live = [member for member in members if member not in gone]

    result = WebSocketConnections.from_settings(settings).broadcast("room", "hello room")

    assert sorted(result.delivered) == sorted(live)
    assert sorted(result.gone) == sorted(gone)
    for member in live:
        assert management_api.state.posted(member) == [b"hello room"]
    assert management_api.state.posted(outsider) == []
    assert posts_to(management_api, members) == 50
    items = table_items(store)
    for member in gone:
        assert not [key for key in items if f"conn#{member}" in key]
    assert sum(1 for key in items if key[0] == "group#room") == 45
    assert sum(1 for key in items if key[0] == "group#other") == 46
    assert set(items[(f"conn#{live[0]}", "record")]["groups"]) == {"room", "other"}


@pytest.mark.parametrize("size", [1, 12, 40])
def test_broadcast_is_one_query_and_one_post_per_member(
    settings: WebSocketSettings, store: ConnectionStore, management_api: ManagementApiServer, size: int
) -> None:
    members = [connected(store, management_api, "room") for _ in range(size)]
    connections = WebSocketConnections.from_settings(settings)
    before = len(management_api.state.requests())

    with DynamoDbRequests(store.client) as requests:
        connections.broadcast("room", b"\x01\x02")

    assert requests.counts == {"Query": 1}
    assert len(management_api.state.requests()) - before == size
    assert all(management_api.state.posted(member) == [b"\x01\x02"] for member in members)


def test_broadcast_to_an_empty_group_sends_nothing(
    settings: WebSocketSettings, management_api: ManagementApiServer
) -> None:
    before = len(management_api.state.requests())

    result = WebSocketConnections.from_settings(settings).broadcast("nobody", "x")

    assert (result.delivered, result.gone) == ((), ())
    assert len(management_api.state.requests()) == before


def test_broadcast_serves_everyone_it_can_then_reports_failures(
    settings: WebSocketSettings, store: ConnectionStore, management_api: ManagementApiServer
) -> None:
    members = [connected(store, management_api, "room") for _ in range(6)]
    refused, gone = members[0], members[1]
    management_api.state.forbid(refused)
    management_api.state.mark_gone(gone)

    with pytest.raises(BroadcastIncomplete) as incomplete:
        WebSocketConnections.from_settings(settings).broadcast("room", "hi")

    assert set(incomplete.value.failures) == {refused}
    assert incomplete.value.failures[refused].code == "ForbiddenException"
    assert sorted(incomplete.value.result.delivered) == sorted(members[2:])
    assert incomplete.value.result.gone == (gone,)
    assert store.get_connection(gone) is None
    assert store.get_connection(refused) is not None
    assert all(management_api.state.posted(member) == [b"hi"] for member in members[2:])


def test_send_posts_to_any_connection(
    settings: WebSocketSettings, store: ConnectionStore, management_api: ManagementApiServer
) -> None:
    sender, receiver = connected(store, management_api), connected(store, management_api)

    WebSocketConnections.from_settings(settings, connection_id=sender).send(receiver, "direct")

    assert management_api.state.posted(receiver) == [b"direct"]
    assert management_api.state.posted(sender) == []


def test_send_to_a_gone_connection_removes_it_and_raises(
    settings: WebSocketSettings, store: ConnectionStore, management_api: ManagementApiServer
) -> None:
    target = connected(store, management_api, "room", "news")
    management_api.state.mark_gone(target)

    with pytest.raises(ConnectionGone):
        WebSocketConnections.from_settings(settings).send(target, "anyone there?")

    assert table_items(store) == {}


def test_join_and_leave_apply_to_the_current_connection(
    settings: WebSocketSettings, store: ConnectionStore, management_api: ManagementApiServer
) -> None:
    current = connected(store, management_api)
    connections = WebSocketConnections.from_settings(settings, connection_id=current)

    connections.join("room")
    assert list(store.group_members("room")) == [current]
    connections.leave("room")
    assert list(store.group_members("room")) == []
    assert set(table_items(store)) == {(f"conn#{current}", "record")}


def test_join_without_a_current_connection_or_for_an_unknown_one_fails(settings: WebSocketSettings) -> None:
    connections = WebSocketConnections.from_settings(settings)

    with pytest.raises(NoCurrentConnection):
        connections.join("room")
    with pytest.raises(UnknownConnection):
        connections.join("room", connection_id())


def test_close_closes_the_current_connection_and_ignores_gone_ones(
    settings: WebSocketSettings, store: ConnectionStore, management_api: ManagementApiServer
) -> None:
    current = connected(store, management_api)
    connections = WebSocketConnections.from_settings(settings, connection_id=current)

    connections.close()
    connections.close()  # already closed: 410, not an error

    assert not management_api.state.is_live(current)


def test_plain_functions_work_without_an_asgi_app(
    settings: WebSocketSettings, store: ConnectionStore, management_api: ManagementApiServer
) -> None:
    first, second = connected(store, management_api), connected(store, management_api)

    websocket_api.join(first, "room", settings=settings)
    websocket_api.join(second, "room", settings=settings)
    websocket_api.leave(second, "room", settings=settings)
    result = websocket_api.broadcast("room", "to the room", settings=settings)
    websocket_api.send(second, "to second", settings=settings)

    assert result.delivered == (first,)
    assert management_api.state.posted(first) == [b"to the room"]
    assert management_api.state.posted(second) == [b"to second"]


def test_the_endpoint_comes_from_the_event_unless_configured(settings: WebSocketSettings) -> None:
    default = WebSocketSettings(table=settings.table, region=settings.region)

    event_endpoint = WebSocketConnections.from_settings(default, domain_name="abc.example.com", stage="prod")
    configured = WebSocketConnections.from_settings(settings, domain_name="abc.example.com", stage="prod")

    assert event_endpoint.management.client.meta.endpoint_url == "https://abc.example.com/prod"
    assert configured.management.client.meta.endpoint_url == settings.api_endpoint
    with pytest.raises(ConfigurationError, match="MANGUM_WEBSOCKET_API_ENDPOINT"):
        WebSocketConnections.from_settings(default)
