"""boto3 clients are made once per container, shared across threads, with one attempt per call
(mangum.websocket.aws retries) and bounded timeouts."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from mangum.websocket.aws import dynamodb_client, management_client
from mangum.websocket.settings import WebSocketSettings


def test_one_dynamodb_client_per_region_and_endpoint(settings: WebSocketSettings) -> None:
    with ThreadPoolExecutor(max_workers=16) as pool:
        clients = list(pool.map(lambda _: dynamodb_client(settings), range(64)))

    assert len({id(client) for client in clients}) == 1
    client = clients[0]
    assert client.meta.endpoint_url == settings.dynamodb_endpoint
    assert client.meta.region_name == settings.region
    assert client.meta.config.retries["total_max_attempts"] == 1  # type: ignore[attr-defined]  # not in botocore-stubs
    config = client.meta.config
    assert (config.connect_timeout, config.read_timeout) == (1.0, 10.0)  # type: ignore[attr-defined]  # not in botocore-stubs
    other_region = WebSocketSettings(table=settings.table, region="us-west-2", dynamodb_endpoint=None)
    assert dynamodb_client(other_region) is not client
    assert dynamodb_client(other_region).meta.endpoint_url == "https://dynamodb.us-west-2.amazonaws.com"


def test_one_management_client_per_endpoint(settings: WebSocketSettings) -> None:
    first = management_client(settings, "https://a.example.com/prod")

    assert management_client(settings, "https://a.example.com/prod") is first
    assert management_client(settings, "https://a.example.com/dev") is not first
    assert first.meta.config.retries["total_max_attempts"] == 1  # type: ignore[attr-defined]  # not in botocore-stubs
