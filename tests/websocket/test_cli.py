"""``python -m mangum websocket create-table NAME`` through its ``main(argv)`` against dynalite."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import boto3
import pytest

from mangum.websocket.cli import main
from mangum.websocket.stores.dynamodb import ConnectionStore
from mangum.websocket.stores.dynamodb_table import wait_until_active
from tests.websocket.factories import record


def test_create_table_makes_a_table_the_store_can_use(
    dynalite_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    name = f"cli-{uuid.uuid4().hex}"

    status = main(["create-table", name, "--endpoint-url", dynalite_endpoint])

    assert status == 0
    assert capsys.readouterr().out == f"created table {name} (TTL not supported by this server)\n"
    client = boto3.client("dynamodb", endpoint_url=dynalite_endpoint, region_name=os.environ["AWS_REGION"])
    table = client.describe_table(TableName=name)["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert sorted((key["AttributeName"], key["KeyType"]) for key in table["KeySchema"]) == [
        ("pk", "HASH"),
        ("sk", "RANGE"),
    ]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    store = ConnectionStore(client, name)
    written = record()
    store.put_connection(written)
    found = store.get_connection(written.connection_id)
    assert found is not None
    assert found.record == written


def test_create_table_reads_the_endpoint_from_the_environment(
    dynalite_endpoint: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MANGUM_DYNAMODB_ENDPOINT", dynalite_endpoint)
    name = f"cli-{uuid.uuid4().hex}"

    assert main(["create-table", name]) == 0
    assert name in capsys.readouterr().out


def test_an_existing_table_is_an_error(dynalite_endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    name = f"cli-{uuid.uuid4().hex}"
    assert main(["create-table", name, "--endpoint-url", dynalite_endpoint]) == 0
    capsys.readouterr()

    status = main(["create-table", name, "--endpoint-url", dynalite_endpoint])

    assert status == 1
    assert capsys.readouterr().err == (
        f"error: connection store: create_table failed: table {name!r} already exists, with the keys "
        "the connection store uses; nothing was changed: point MANGUM_WEBSOCKET_TABLE at it\n"
    )


def test_an_existing_table_of_other_keys_is_named_unusable(
    dynalite_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    name = f"cli-{uuid.uuid4().hex}"
    client = boto3.client("dynamodb", endpoint_url=dynalite_endpoint, region_name=os.environ["AWS_REGION"])
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    wait_until_active(client, name)  # the table as a user would have it, not still being created

    status = main(["create-table", name, "--endpoint-url", dynalite_endpoint])

    assert status == 1
    err = capsys.readouterr().err
    assert f"table {name!r} already exists with the keys id HASH, not the store's (pk HASH, sk RANGE)" in err
    assert "choose another name" in err
    assert client.describe_table(TableName=name)["Table"]["KeySchema"] == [
        {"AttributeName": "id", "KeyType": "HASH"}
    ]


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["create-table"],
        ["drop-table", "x"],
        ["create-table", "x!"],
        ["create-table", "ok-name", "--endpoint-url", "nope"],
    ],
)
def test_bad_arguments_exit_with_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err


def test_a_missing_region_exits_with_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AWS_REGION")

    assert main(["create-table", "chat"]) == 2
    assert "AWS_REGION" in capsys.readouterr().err


def test_help_exits_with_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["create-table", "--help"]) == 0
    assert "--endpoint-url" in capsys.readouterr().out


def test_python_m_mangum_websocket_create_table(dynalite_endpoint: str) -> None:
    name = f"cli-{uuid.uuid4().hex}"

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mangum",
            "websocket",
            "create-table",
            name,
            "--endpoint-url",
            dynalite_endpoint,
        ],
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout == f"created table {name} (TTL not supported by this server)\n"
    assert "TTL" not in done.stderr  # said once, not again by the library's warning
    client = boto3.client("dynamodb", endpoint_url=dynalite_endpoint, region_name=os.environ["AWS_REGION"])
    assert client.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE"
