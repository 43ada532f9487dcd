"""Posting and closing through the real Management API client and the loopback server."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from mangum.websocket.errors import ConnectionGone, ManagementApiError
from mangum.websocket.management import ManagementApi
from mangum.websocket.settings import WebSocketSettings
from tests.support.servers.management_api import MAX_POST_BYTES, ManagementApiServer, Request
from tests.websocket.conftest import STAGE
from tests.websocket.factories import connection_id


@pytest.fixture
def api(settings: WebSocketSettings) -> ManagementApi:
    assert settings.api_endpoint is not None
    return ManagementApi.for_endpoint(settings, settings.api_endpoint)


@pytest.fixture
def target(management_api: ManagementApiServer) -> str:
    """A connection open on the server."""
    opened = connection_id()
    management_api.state.open(opened)
    return opened


def test_post_sends_text_as_utf8_and_bytes_as_they_are(
    api: ManagementApi, management_api: ManagementApiServer, target: str
) -> None:

    api.post(target, "héllo")
    api.post(target, b"\x00\xff")

    assert management_api.state.posted(target) == ["héllo".encode(), b"\x00\xff"]
    assert management_api.state.requests()[-1] == Request("POST", STAGE, target)


def test_a_gone_connection_raises_connection_gone(
    api: ManagementApi, management_api: ManagementApiServer, target: str
) -> None:
    management_api.state.mark_gone(target)

    with pytest.raises(ConnectionGone) as gone:
        api.post(target, "late")
    assert gone.value.connection_id == target
    with pytest.raises(ConnectionGone):
        api.close(target)


def test_close_closes_the_connection(
    api: ManagementApi, management_api: ManagementApiServer, target: str
) -> None:

    api.close(target)

    assert not management_api.state.is_live(target)
    assert management_api.state.requests()[-1] == Request("DELETE", STAGE, target)


def test_other_failures_raise_management_api_error_with_the_cause(
    api: ManagementApi, management_api: ManagementApiServer, target: str
) -> None:

    with pytest.raises(ManagementApiError) as too_large:
        api.post(target, b"x" * (MAX_POST_BYTES + 1))
    assert (too_large.value.operation, too_large.value.code) == ("post", "PayloadTooLargeException")
    assert isinstance(too_large.value.__cause__, ClientError)

    management_api.state.forbid(target)
    with pytest.raises(ManagementApiError) as forbidden:
        api.close(target)
    assert (forbidden.value.operation, forbidden.value.code) == ("close", "ForbiddenException")
    assert management_api.state.posted(target) == []
