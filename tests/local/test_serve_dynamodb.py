"""With ``MANGUM_WEBSOCKET_TABLE`` (and an endpoint) set, ``serve``'s workers keep connections in
DynamoDB (here a real dynalite on loopback) instead of the embedded SQLite file."""

from __future__ import annotations

import asyncio
import json

import pytest
from websockets.asyncio.client import connect

from mangum.websocket.settings import websocket_settings
from mangum.websocket.stores.dynamodb import ConnectionStore
from mangum.websocket.stores.dynamodb_table import create_table
from tests.local.support import WAIT, running_serve
from tests.support.servers.dynalite import running_dynalite

ENVIRONMENT = {
    "AWS_REGION": "eu-west-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def test_connections_in_a_dynamodb_table(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with running_dynalite() as endpoint:
        settings = websocket_settings(
            table="serve-connections", dynamodb_endpoint=endpoint, environ=ENVIRONMENT
        )
        create_table(settings.table, settings)
        store = ConnectionStore.from_settings(settings)
        env = {**ENVIRONMENT, "MANGUM_WEBSOCKET_TABLE": settings.table, "MANGUM_DYNAMODB_ENDPOINT": endpoint}

        async def scenario(origin: str) -> str:
            async with connect(f"{origin}/prod?room=dyn") as client:
                await client.send(json.dumps({"action": "whoami"}))
                connection = str(json.loads(await asyncio.wait_for(client.recv(), WAIT))["connection_id"])
                assert store.get_connection(connection) is not None
                assert list(store.group_members("dyn")) == [connection]
                await client.send(json.dumps({"action": "broadcast", "text": "through dynamodb"}))
                assert await asyncio.wait_for(client.recv(), WAIT) == "through dynamodb"
            return connection

        with running_serve("tests.local.apps:handler", env=env) as serve:
            assert "Connections     DynamoDB table serve-connections" in serve.output()
            connection = asyncio.run(scenario(serve.ws_origin))
            serve.wait_for("disconnected")
        assert store.get_connection(connection) is None
