"""Real servers to break: a dynalite process of the test's own (paused, killed, restarted), a fault
proxy in front of the session's dynalite, and the loopback Management API with injected faults."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from mangum.websocket.settings import WebSocketSettings, websocket_settings
from mangum.websocket.stores.dynamodb_table import create_table
from tests.support.servers.dynalite import DynaliteProcess, missing_dynalite
from tests.support.servers.fault_proxy import FaultProxy, running_fault_proxy
from tests.support.servers.management_api import ManagementApiServer
from tests.websocket.conftest import STAGE, aws_environment, dynalite_endpoint, management_api

__all__ = ["aws_environment", "dynalite_endpoint", "management_api"]


@pytest.fixture
def dynalite(tmp_path: Path) -> Iterator[DynaliteProcess]:
    """A dynalite process for this test alone, its tables on disk."""
    problem = missing_dynalite()
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    process = DynaliteProcess(tmp_path)
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture
def proxy(dynalite_endpoint: str) -> Iterator[FaultProxy]:
    """A fault proxy in front of the session's dynalite."""
    with running_fault_proxy(dynalite_endpoint) as running:
        yield running


@pytest.fixture
def faults(management_api: ManagementApiServer) -> Iterator[ManagementApiServer]:
    """The session's Management API, with no fault left over for the next test."""
    yield management_api
    management_api.state.clear_faults()


def table_settings(dynamodb_endpoint: str, management_api: ManagementApiServer) -> WebSocketSettings:
    """Settings of a fresh table at ``dynamodb_endpoint``, posting to the loopback Management API."""
    table = f"faults-{uuid.uuid4().hex}"
    settings = websocket_settings(
        table=table, dynamodb_endpoint=dynamodb_endpoint, api_endpoint=management_api.endpoint(STAGE)
    )
    create_table(table, settings)
    return settings
