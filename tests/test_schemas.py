"""The checked-in JSON Schemas match the models, and real events and built responses validate against them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mangum.responses import LambdaResponseModel
from mangum.schemas import (
    GENERATE_COMMAND,
    PACKAGED_SCHEMAS_DIR,
    SCHEMAS_DIR,
    main,
    schema_documents,
    stale_files,
)
from tests.support.json_schemas import assert_matches_its_schema, validator
from tests.support.response_cases import RESPONSE_CASES
from tests.support.samples import SAMPLE_MODELS, read_sample


def test_checked_in_schemas_match_the_models() -> None:
    stale = stale_files(SCHEMAS_DIR)
    assert not stale, f"stale JSON Schemas {stale}: run `{GENERATE_COMMAND}`"


def test_a_checkout_keeps_the_schemas_once_at_the_top_of_the_repository() -> None:
    root = Path(__file__).resolve().parent.parent
    assert root / "schemas" == SCHEMAS_DIR
    assert not PACKAGED_SCHEMAS_DIR.exists()  # only a built wheel has the copy
    kept = sorted(path.relative_to(SCHEMAS_DIR).as_posix() for path in SCHEMAS_DIR.glob("*/*.json"))
    assert kept == sorted(schema_documents())


def test_one_schema_per_event_and_response_model() -> None:
    names = sorted(schema_documents())
    assert names == [
        "events/AlbEvent.json",
        "events/ApiGatewayV1Event.json",
        "events/ApiGatewayV2Event.json",
        "events/CloudFrontEvent.json",
        "events/EventBridgeEvent.json",
        "events/FunctionUrlEvent.json",
        "events/HttpApiAuthorizerEventV1.json",
        "events/HttpApiAuthorizerEventV2.json",
        "events/RestRequestAuthorizerEvent.json",
        "events/RestTokenAuthorizerEvent.json",
        "events/ScheduledEvent.json",
        "events/SqsEvent.json",
        "events/WarmUpEvent.json",
        "events/WebSocketAuthorizerEvent.json",
        "events/WebSocketEvent.json",
        "responses/AlbResponse.json",
        "responses/ApiGatewayV1Response.json",
        "responses/ApiGatewayV2Response.json",
        "responses/AuthorizerPolicyResponse.json",
        "responses/AuthorizerSimpleResponse.json",
        "responses/CloudFrontResponse.json",
        "responses/FunctionUrlResponse.json",
        "responses/SqsBatchResponse.json",
        "responses/WebSocketResponse.json",
    ]


@pytest.mark.parametrize("name", sorted(SAMPLE_MODELS))
def test_sample_event_validates_against_its_source_schema(name: str) -> None:
    validator("events", SAMPLE_MODELS[name].__name__).validate(read_sample(name))


def test_event_schema_rejects_a_wrong_type() -> None:
    event = read_sample("powertools/apiGatewayProxyV2Event.json")
    event["rawPath"] = 5
    errors = list(validator("events", "ApiGatewayV2Event").iter_errors(event))
    assert [list(error.path) for error in errors] == [["rawPath"]]


@pytest.mark.parametrize(
    "response", [case[1] for case in RESPONSE_CASES], ids=[case[0] for case in RESPONSE_CASES]
)
def test_built_response_validates_against_its_schema(response: LambdaResponseModel) -> None:
    assert_matches_its_schema(response)


def test_response_schema_rejects_an_out_of_range_status() -> None:
    errors = list(validator("responses", "ApiGatewayV2Response").iter_errors({"statusCode": 600}))
    assert [list(error.path) for error in errors] == [["statusCode"]]


def test_check_reports_stale_and_unknown_files_and_write_fixes_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--out", str(tmp_path)]) == 0
    assert main(["--check", "--out", str(tmp_path)]) == 0
    (tmp_path / "events" / "AlbEvent.json").write_text("{}\n")
    (tmp_path / "responses" / "GoneResponse.json").write_text("{}\n")
    (tmp_path / "events" / "WebSocketEvent.json").unlink()
    capsys.readouterr()

    assert main(["--check", "--out", str(tmp_path)]) == 1
    output = capsys.readouterr().out
    for name in ("events/AlbEvent.json", "events/WebSocketEvent.json", "responses/GoneResponse.json"):
        assert f"stale: {tmp_path / name}" in output
    assert GENERATE_COMMAND in output

    assert main(["--out", str(tmp_path)]) == 0
    assert main(["--check", "--out", str(tmp_path)]) == 0
    assert not (tmp_path / "responses" / "GoneResponse.json").exists()


def test_schema_files_are_sorted_indented_json_with_a_trailing_newline() -> None:
    for name, text in schema_documents().items():
        assert text.endswith("}\n"), name
        assert text == json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n", name
