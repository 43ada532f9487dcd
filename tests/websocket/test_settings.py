"""Settings from arguments and the environment, and the errors that name what is wrong."""

from __future__ import annotations

import pytest

from mangum.exceptions import ConfigurationError
from mangum.websocket.settings import WebSocketSettings, websocket_settings

ENVIRONMENT = {
    "MANGUM_WEBSOCKET_TABLE": "chat-connections",
    "MANGUM_DYNAMODB_ENDPOINT": "http://localhost:4567/",
    "MANGUM_WEBSOCKET_API_ENDPOINT": "https://abc123.execute-api.eu-west-1.amazonaws.com/prod",
    "AWS_REGION": "eu-west-1",
}


def test_everything_from_the_environment() -> None:
    assert websocket_settings(environ=ENVIRONMENT) == WebSocketSettings(
        table="chat-connections",
        region="eu-west-1",
        dynamodb_endpoint="http://localhost:4567",
        api_endpoint="https://abc123.execute-api.eu-west-1.amazonaws.com/prod",
    )


def test_the_process_environment_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MANGUM_WEBSOCKET_TABLE", "from-process")
    monkeypatch.delenv("MANGUM_DYNAMODB_ENDPOINT", raising=False)
    monkeypatch.delenv("MANGUM_WEBSOCKET_API_ENDPOINT", raising=False)

    settings = websocket_settings()

    assert (settings.table, settings.dynamodb_endpoint, settings.api_endpoint) == ("from-process", None, None)


def test_arguments_win_over_the_environment() -> None:
    settings = websocket_settings(
        table="from-argument",
        dynamodb_endpoint="https://dynamodb.example.com",
        api_endpoint="https://ws.example.com/v1/",
        region="us-east-2",
        environ=ENVIRONMENT,
    )

    assert settings == WebSocketSettings(
        table="from-argument",
        region="us-east-2",
        dynamodb_endpoint="https://dynamodb.example.com",
        api_endpoint="https://ws.example.com/v1",
    )


def test_optional_values_default_to_aws_and_the_event() -> None:
    settings = websocket_settings(
        environ={"MANGUM_WEBSOCKET_TABLE": "t-1", "AWS_DEFAULT_REGION": "ap-south-1"}
    )

    assert (settings.region, settings.dynamodb_endpoint, settings.api_endpoint) == ("ap-south-1", None, None)
    assert settings.management_endpoint("abc.execute-api.ap-south-1.amazonaws.com", "dev") == (
        "https://abc.execute-api.ap-south-1.amazonaws.com/dev"
    )


def test_a_configured_api_endpoint_wins_over_the_event() -> None:
    settings = websocket_settings(environ=ENVIRONMENT)

    assert (
        settings.management_endpoint("custom.example.com", "dev")
        == ENVIRONMENT["MANGUM_WEBSOCKET_API_ENDPOINT"]
    )


@pytest.mark.parametrize("table", [None, "", "   "])
def test_a_missing_table_names_the_variable(table: str | None) -> None:
    environ = {"AWS_REGION": "eu-west-1"} | ({"MANGUM_WEBSOCKET_TABLE": table} if table is not None else {})

    with pytest.raises(ConfigurationError, match="MANGUM_WEBSOCKET_TABLE"):
        websocket_settings(environ=environ)


@pytest.mark.parametrize("table", ["ab", "has space", "slash/name", "x" * 256])
def test_an_invalid_table_name_is_refused(table: str) -> None:
    with pytest.raises(ConfigurationError, match="MANGUM_WEBSOCKET_TABLE"):
        websocket_settings(table=table, environ={"AWS_REGION": "eu-west-1"})


def test_a_missing_region_names_the_variable() -> None:
    with pytest.raises(ConfigurationError, match="AWS_REGION"):
        websocket_settings(environ={"MANGUM_WEBSOCKET_TABLE": "chat"})


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MANGUM_DYNAMODB_ENDPOINT", "localhost:4567"),
        ("MANGUM_DYNAMODB_ENDPOINT", "ftp://localhost"),
        ("MANGUM_WEBSOCKET_API_ENDPOINT", "https://ws.example.com/prod?x=1"),
        ("MANGUM_WEBSOCKET_API_ENDPOINT", "https:///prod"),
    ],
)
def test_a_malformed_endpoint_names_the_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=variable) as refused:
        websocket_settings(environ=ENVIRONMENT | {variable: value})
    assert value not in str(refused.value)


def test_an_empty_variable_counts_as_unset() -> None:
    settings = websocket_settings(environ=ENVIRONMENT | {"MANGUM_DYNAMODB_ENDPOINT": ""})

    assert settings.dynamodb_endpoint is None


def test_no_endpoint_outside_an_event_without_configuration() -> None:
    settings = websocket_settings(environ={"MANGUM_WEBSOCKET_TABLE": "chat", "AWS_REGION": "eu-west-1"})

    with pytest.raises(ConfigurationError, match="MANGUM_WEBSOCKET_API_ENDPOINT"):
        settings.management_endpoint()


def test_settings_are_frozen() -> None:
    settings = websocket_settings(environ=ENVIRONMENT)

    with pytest.raises(AttributeError):
        settings.table = "other"  # type: ignore[misc]  # the point: assignment must fail
