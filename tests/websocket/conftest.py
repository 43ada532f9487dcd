"""Session-wide real servers for the WebSocket tests: dynalite and a Management API on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.servers.dynalite import missing_dynalite, running_dynalite
from tests.servers.management_api import ManagementApiServer, running_management_api

REGION = "eu-west-1"


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
