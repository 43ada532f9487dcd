"""Session-wide real servers for the WebSocket tests: dynalite and a Management API on loopback."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest

from mangum.types import ASGI
from mangum.websocket.runtime import WebSocketRuntime
from mangum.websocket.settings import WebSocketSettings, websocket_settings
from mangum.websocket.stores.dynamodb import ConnectionStore
from mangum.websocket.stores.dynamodb_table import create_table
from tests.support.servers.dynalite import missing_dynalite, running_dynalite
from tests.support.servers.management_api import ManagementApiServer, running_management_api
from tests.websocket.client import Container

REGION = "eu-west-1"
STAGE = "prod"


@pytest.fixture(scope="session", autouse=True)
def aws_environment() -> Iterator[None]:
    """Dummy credentials and a region, and no shared AWS files or instance metadata lookups."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {
            "AWS_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            "AWS_EC2_METADATA_DISABLED": "true",
        }.items():
            patch.setenv(name, value)
        for name in ("AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
            patch.delenv(name, raising=False)
        yield


@pytest.fixture(scope="session")
def dynalite_endpoint() -> Iterator[str]:
    """The endpoint URL of an in-memory dynalite, shared by the session."""
    problem = missing_dynalite()
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    with running_dynalite() as url:
        yield url


@pytest.fixture(scope="session")
def management_api() -> Iterator[ManagementApiServer]:
    """A Management API server on loopback, shared by the session (tests use unique connection ids)."""
    with running_management_api() as server:
        yield server


@pytest.fixture
def settings(dynalite_endpoint: str, management_api: ManagementApiServer) -> WebSocketSettings:
    """Settings of a fresh, empty table on dynalite, posting to the loopback Management API."""
    table = f"connections-{uuid.uuid4().hex}"
    configured = websocket_settings(
        table=table, dynamodb_endpoint=dynalite_endpoint, api_endpoint=management_api.endpoint(STAGE)
    )
    create_table(table, configured)
    return configured


@pytest.fixture
def store(settings: WebSocketSettings) -> ConnectionStore:
    """The store of the fresh table."""
    return ConnectionStore.from_settings(settings)


@pytest.fixture
def runtime(settings: WebSocketSettings) -> WebSocketRuntime:
    """The container runtime of the fresh table."""
    return WebSocketRuntime(settings)


@pytest.fixture
def containers(runtime: WebSocketRuntime) -> Iterator[Callable[[ASGI], Container]]:
    """Makes Lambda containers of an app on the fresh table; closes them after the test."""
    made: list[Container] = []

    def make(app: ASGI) -> Container:
        made.append(Container(app, runtime))
        return made[-1]

    yield make
    for container in made:
        container.close()
