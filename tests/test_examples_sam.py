"""The SAM templates under examples/sam pass cfn-lint and fit what mangum needs of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from mangum.websocket.settings import TABLE_VARIABLE
from mangum.websocket.stores.dynamodb import PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE
from tests.support.sam_templates import (
    HTTP_TEMPLATE,
    SNAPSTART_TEMPLATE,
    WEBSOCKET_TEMPLATE,
    actions,
    lint_problems,
    load_template,
    policy_statements,
    resources_of_type,
)
from tests.support.snapstart_simulation import SNAPSTART, run_simulation


@pytest.mark.parametrize(
    "path", [HTTP_TEMPLATE, WEBSOCKET_TEMPLATE, SNAPSTART_TEMPLATE], ids=["http", "websocket", "snapstart"]
)
def test_cfn_lint_finds_nothing(path: Path) -> None:
    assert lint_problems(path.read_text()) == []


def test_cfn_lint_does_find_problems() -> None:
    broken = WEBSOCKET_TEMPLATE.read_text().replace("KeyType: RANGE", "KeyType: SIDEWAYS")

    assert any("E3002" in problem for problem in lint_problems(broken))


def test_the_table_has_the_store_keys_and_ttl() -> None:
    (table,) = resources_of_type(load_template(WEBSOCKET_TEMPLATE), "AWS::DynamoDB::Table").values()
    properties = table["Properties"]

    assert {(key["AttributeName"], key["KeyType"]) for key in properties["KeySchema"]} == {
        (PARTITION_KEY, "HASH"),
        (SORT_KEY, "RANGE"),
    }
    assert properties["TimeToLiveSpecification"] == {"AttributeName": TTL_ATTRIBUTE, "Enabled": True}
    assert properties["BillingMode"] == "PAY_PER_REQUEST"


def test_the_websocket_api_routes_every_event_to_the_function() -> None:
    template = load_template(WEBSOCKET_TEMPLATE)
    (api,) = resources_of_type(template, "AWS::ApiGatewayV2::Api").values()
    (integration_id,) = resources_of_type(template, "AWS::ApiGatewayV2::Integration")
    routes = resources_of_type(template, "AWS::ApiGatewayV2::Route").values()
    (function_id,) = resources_of_type(template, "AWS::Serverless::Function")
    (table_id,) = resources_of_type(template, "AWS::DynamoDB::Table")
    function = template["Resources"][function_id]

    assert api["Properties"]["ProtocolType"] == "WEBSOCKET"
    assert {route["Properties"]["RouteKey"] for route in routes} == {"$connect", "$disconnect", "$default"}
    assert {route["Properties"]["Target"]["Fn::Sub"] for route in routes} == {
        f"integrations/${{{integration_id}}}"
    }
    assert function["Properties"]["Environment"]["Variables"] == {TABLE_VARIABLE: {"Ref": table_id}}


def test_each_permission_is_scoped_to_one_resource() -> None:
    template = load_template(WEBSOCKET_TEMPLATE)
    (function,) = resources_of_type(template, "AWS::Serverless::Function").values()
    (table_id,) = resources_of_type(template, "AWS::DynamoDB::Table")
    (api_id,) = resources_of_type(template, "AWS::ApiGatewayV2::Api")
    statements = policy_statements(function)

    assert all(statement["Effect"] == "Allow" and "*" not in actions(statement) for statement in statements)
    (table_statement,) = [s for s in statements if all(a.startswith("dynamodb:") for a in actions(s))]
    assert table_statement["Resource"] == {"Fn::GetAtt": [table_id, "Arn"]}
    (api_statement,) = [s for s in statements if actions(s) == {"execute-api:ManageConnections"}]
    for arn in api_statement["Resource"]:
        assert arn["Fn::Sub"].split(":")[-1].startswith(f"${{{api_id}}}/${{StageName}}/")
    assert len(statements) == 2


def test_cfn_lint_finds_a_wrong_snapstart_setting() -> None:
    broken = SNAPSTART_TEMPLATE.read_text().replace("ApplyOn: PublishedVersions", "ApplyOn: Always")

    assert any("E3030" in problem for problem in lint_problems(broken))


def test_the_snapstart_function_publishes_versions_behind_an_alias() -> None:
    # What cfn-lint does not check: SnapStart needs a managed Python runtime from 3.12, and none of
    # provisioned concurrency, EFS or more than 512 MB of ephemeral storage.
    template = load_template(SNAPSTART_TEMPLATE)
    ((function_id, function),) = resources_of_type(template, "AWS::Serverless::Function").items()
    properties = function["Properties"]
    runtime = properties["Runtime"]

    assert properties["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    assert properties["AutoPublishAlias"] == "live"
    assert runtime.startswith("python3.")
    assert int(runtime.removeprefix("python3.")) >= 12
    assert not {"ProvisionedConcurrencyConfig", "FileSystemConfigs"} & set(properties)
    assert properties.get("EphemeralStorage", {"Size": 512})["Size"] <= 512
    assert template["Outputs"]["LiveAlias"]["Value"] == {"Ref": f"{function_id}.Alias"}


def test_the_snapstart_example_gives_each_restored_environment_its_own_id() -> None:
    simulation = run_simulation("examples.sam.snapstart.app", SNAPSTART)

    assert simulation.steps["done"]["exit_codes"] == [0, 0]
    first, second = simulation.bodies
    assert first["model"] == second["model"] == {"snap": 4, "start": 5, "lambda": 6}
    assert first["environment"] != second["environment"]
