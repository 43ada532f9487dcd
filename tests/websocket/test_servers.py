"""The test servers speak the real protocols: the real boto3 clients talk to them."""

from __future__ import annotations

import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import boto3
import pytest
from botocore.exceptions import ClientError
from mypy_boto3_apigatewaymanagementapi import ApiGatewayManagementApiClient
from mypy_boto3_dynamodb import DynamoDBClient

from mangum.websocket.stores.dynamodb_table import wait_until_active
from tests.support.servers.dynalite import running_dynalite
from tests.support.servers.management_api import MAX_POST_BYTES, ManagementApiServer, Request
from tests.websocket.factories import connection_id


def management_client(endpoint: str) -> ApiGatewayManagementApiClient:
    return boto3.client(
        "apigatewaymanagementapi", endpoint_url=endpoint, region_name=os.environ["AWS_REGION"]
    )


@pytest.mark.parametrize("stage", ["", "production"])
def test_post_is_recorded_with_or_without_a_stage(management_api: ManagementApiServer, stage: str) -> None:
    client = management_client(management_api.endpoint(stage))
    target = connection_id()
    management_api.state.open(target)

    client.post_to_connection(ConnectionId=target, Data=b"\x00binary\xff")
    client.post_to_connection(ConnectionId=target, Data="text é".encode())

    assert management_api.state.posted(target) == [b"\x00binary\xff", "text é".encode()]
    assert management_api.state.requests()[-1] == Request("POST", stage, target)


def test_get_describes_the_connection(management_api: ManagementApiServer) -> None:
    client = management_client(management_api.endpoint("dev"))
    target = connection_id()
    before = datetime.now(timezone.utc).replace(microsecond=0)
    management_api.state.open(target, source_ip="203.0.113.9", user_agent="chat/1.0")

    described = client.get_connection(ConnectionId=target)

    assert described["ConnectedAt"] >= before
    assert described["LastActiveAt"] >= described["ConnectedAt"]
    assert described["Identity"] == {"SourceIp": "203.0.113.9", "UserAgent": "chat/1.0"}


def test_delete_closes_the_connection(management_api: ManagementApiServer) -> None:
    client = management_client(management_api.url)
    target = connection_id()
    management_api.state.open(target)

    client.delete_connection(ConnectionId=target)

    assert not management_api.state.is_live(target)
    with pytest.raises(client.exceptions.GoneException):
        client.post_to_connection(ConnectionId=target, Data=b"late")
    assert management_api.state.posted(target) == []


def test_gone_and_unknown_connections_answer_410(management_api: ManagementApiServer) -> None:
    client = management_client(management_api.url)
    gone = connection_id()
    management_api.state.open(gone)
    management_api.state.mark_gone(gone)

    for target in (gone, connection_id()):
        with pytest.raises(client.exceptions.GoneException) as raised:
            client.post_to_connection(ConnectionId=target, Data=b"x")
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 410
        with pytest.raises(client.exceptions.GoneException):
            client.get_connection(ConnectionId=target)


def test_oversized_post_is_refused(management_api: ManagementApiServer) -> None:
    client = management_client(management_api.url)
    target = connection_id()
    management_api.state.open(target)

    with pytest.raises(client.exceptions.PayloadTooLargeException):
        client.post_to_connection(ConnectionId=target, Data=b"x" * (MAX_POST_BYTES + 1))
    assert management_api.state.posted(target) == []


def test_concurrent_posts_are_all_recorded(management_api: ManagementApiServer) -> None:
    client = management_client(management_api.url)
    targets = [connection_id() for _ in range(8)]
    for target in targets:
        management_api.state.open(target)
    jobs = [(target, f"{target}:{n}".encode()) for target in targets for n in range(25)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda job: client.post_to_connection(ConnectionId=job[0], Data=job[1]), jobs))

    for target in targets:
        assert sorted(management_api.state.posted(target)) == sorted(data for t, data in jobs if t == target)


def test_dynalite_answers_the_real_client(dynalite_endpoint: str) -> None:
    client = boto3.client("dynamodb", endpoint_url=dynalite_endpoint, region_name=os.environ["AWS_REGION"])
    name = _create_probe_table(client)
    # Until the table is ACTIVE an item request may fail with ResourceNotFoundException, even on
    # dynalite started with --createTableMs 0 (it activates the table on a timer).
    wait_until_active(client, name)
    client.put_item(TableName=name, Item={"pk": {"S": "a"}, "value": {"N": "1"}})

    assert name in client.list_tables()["TableNames"]
    assert client.get_item(TableName=name, Key={"pk": {"S": "a"}}, ConsistentRead=True)["Item"]["value"] == {
        "N": "1"
    }


def test_a_new_table_takes_item_requests_once_it_is_active() -> None:
    # A dynalite whose tables stay CREATING for a while makes the race deterministic.
    with running_dynalite(create_table_ms=500) as endpoint:
        client = boto3.client("dynamodb", endpoint_url=endpoint, region_name=os.environ["AWS_REGION"])
        name = _create_probe_table(client)
        with pytest.raises(ClientError) as too_early:
            client.put_item(TableName=name, Item={"pk": {"S": "a"}})
        assert too_early.value.response["Error"]["Code"] == "ResourceNotFoundException"

        wait_until_active(client, name)

        client.put_item(TableName=name, Item={"pk": {"S": "a"}})
        assert client.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE"


def _create_probe_table(client: DynamoDBClient) -> str:
    """A new table of a random name keyed by ``pk``, returned once asked for (it may still be CREATING)."""
    name = f"probe-{uuid.uuid4().hex}"
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return name
