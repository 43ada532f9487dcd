"""Authorizer responses and method ARNs: the allow/deny helpers build what API Gateway documents,
every result validates against its schema, and malformed results or ARNs get clear errors."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, strategies as st
from pydantic import ValidationError

from mangum.events import (
    AuthorizerPolicyResponse,
    AuthorizerSimpleResponse,
    MethodArn,
    PolicyDocument,
    PolicyStatement,
    RestTokenAuthorizerEvent,
    Unauthorized,
    parse_authorizer_event,
)
from mangum.exceptions import InvalidArn, MangumError
from tests.support.handler_samples import RESULT_SAMPLES, read_handler_sample
from tests.support.json_schemas import validator

ARN = "arn:aws:execute-api:eu-west-1:210987654321:k3x9qz7a1b/prod/GET/orders/7"


def token_event() -> RestTokenAuthorizerEvent:
    event = parse_authorizer_event(read_handler_sample("restTokenAuthorizer.json"))
    assert isinstance(event, RestTokenAuthorizerEvent)
    return event


@pytest.mark.parametrize("name", sorted(RESULT_SAMPLES))
def test_result_sample_validates_serializes_back_and_fits_its_schema(name: str) -> None:
    raw = read_handler_sample(name)
    model = RESULT_SAMPLES[name].model_validate(raw)
    assert model.model_dump(by_alias=True, exclude_none=True) == raw
    validator("responses", RESULT_SAMPLES[name].__name__).validate(raw)


def test_allow_builds_the_documented_policy_for_the_event_arn() -> None:
    event = token_event()
    response = AuthorizerPolicyResponse.allow("user-7", event.method_arn, context={"tier": "gold", "n": 1})

    assert response.to_lambda() == {
        "principalId": "user-7",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": ARN}],
        },
        "context": {"tier": "gold", "n": 1},
    }
    validator("responses", "AuthorizerPolicyResponse").validate(response.to_lambda())


def test_allow_for_the_whole_api_and_a_usage_plan_key() -> None:
    response = AuthorizerPolicyResponse.allow(
        "user-7", token_event().arn.with_route(), usage_identifier_key="key-0123456789"
    )
    assert response.to_lambda() == {
        "principalId": "user-7",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Action": "execute-api:Invoke",
                    "Effect": "Allow",
                    "Resource": "arn:aws:execute-api:eu-west-1:210987654321:k3x9qz7a1b/prod/*/*",
                }
            ],
        },
        "usageIdentifierKey": "key-0123456789",
    }


def test_deny_on_several_resources_with_a_condition() -> None:
    arn = MethodArn.parse(ARN)
    response = AuthorizerPolicyResponse.deny(
        "anonymous",
        [arn, arn.with_route("DELETE", "/orders/*")],
        condition={"NotIpAddress": {"aws:SourceIp": ["198.51.100.0/24"]}},
    )
    assert response.to_lambda()["policyDocument"] == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Action": "execute-api:Invoke",
                "Effect": "Deny",
                "Resource": [
                    ARN,
                    "arn:aws:execute-api:eu-west-1:210987654321:k3x9qz7a1b/prod/DELETE/orders/*",
                ],
                "Condition": {"NotIpAddress": {"aws:SourceIp": ["198.51.100.0/24"]}},
            }
        ],
    }
    validator("responses", "AuthorizerPolicyResponse").validate(response.to_lambda())


def test_a_simple_response_serializes_with_api_gateway_names() -> None:
    response = AuthorizerSimpleResponse(is_authorized=False)
    assert response.to_lambda() == {"isAuthorized": False}
    nested = AuthorizerSimpleResponse(is_authorized=True, context={"roles": ["a", "b"], "org": {"id": 7}})
    assert nested.to_lambda() == {"isAuthorized": True, "context": {"roles": ["a", "b"], "org": {"id": 7}}}
    validator("responses", "AuthorizerSimpleResponse").validate(nested.to_lambda())


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"action": "execute-api:Invoke", "not_action": "s3:*", "resource": "*"}, "Action and NotAction"),
        ({"resource": "*"}, "Action and NotAction"),
        ({"action": "execute-api:Invoke"}, "Resource and NotResource"),
        ({"action": "execute-api:Invoke", "resource": "*", "not_resource": "*"}, "Resource and NotResource"),
    ],
)
def test_a_statement_needs_exactly_one_of_each_pair(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        PolicyStatement(effect="Allow", **fields)


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Allow", "Action": "execute-api:Invoke"},
        {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*", "NotResource": "*"},
        {"Effect": "Maybe", "Action": "execute-api:Invoke", "Resource": "*"},
    ],
)
def test_the_schema_rejects_what_the_model_rejects(statement: dict[str, Any]) -> None:
    result = {"principalId": "p", "policyDocument": {"Version": "2012-10-17", "Statement": [statement]}}
    assert list(validator("responses", "AuthorizerPolicyResponse").iter_errors(result))
    with pytest.raises(ValidationError):
        AuthorizerPolicyResponse.model_validate(result)


@pytest.mark.parametrize(
    "bad",
    [
        {"principalId": "p", "policyDocument": {"Statement": []}, "principalID": "typo"},
        {"principalId": "p", "policyDocument": {"Version": "2020-01-01", "Statement": []}},
        {"policyDocument": {"Statement": []}},
        {"principalId": "p", "policyDocument": {"Statement": []}, "context": {"k": object()}},
    ],
    ids=["unknown-field", "unknown-version", "no-principal", "context-not-json"],
)
def test_a_malformed_policy_response_is_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        AuthorizerPolicyResponse.model_validate(bad)


def test_errors_do_not_show_the_values() -> None:
    with pytest.raises(ValidationError) as caught:
        AuthorizerSimpleResponse.model_validate({"isAuthorized": "Bearer SECRET-TOKEN"})
    assert "SECRET" not in str(caught.value)


def test_policy_models_accept_python_and_aws_names() -> None:
    by_name = PolicyDocument(statement=[PolicyStatement(effect="Deny", action="*", resource="*")])
    by_alias = PolicyDocument.model_validate(
        {"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
    )
    assert by_name == by_alias


def test_unauthorized_carries_the_message_api_gateway_maps_to_401() -> None:
    error = Unauthorized()
    assert str(error) == "Unauthorized"
    assert isinstance(error, MangumError)


# --- MethodArn ---------------------------------------------------------------------------------


def test_a_method_arn_is_split_into_its_parts() -> None:
    arn = MethodArn.parse(ARN)
    assert arn == MethodArn("eu-west-1", "210987654321", "k3x9qz7a1b", "prod", "GET/orders/7")
    assert (arn.partition, arn.http_method, arn.resource_path) == ("aws", "GET", "/orders/7")
    assert str(arn.with_stage()) == "arn:aws:execute-api:eu-west-1:210987654321:k3x9qz7a1b/*/GET/orders/7"
    assert str(arn.with_route("POST", "orders")).endswith("/prod/POST/orders")
    with pytest.raises(AttributeError):
        arn.stage = "dev"  # type: ignore[misc]  # the point: it is immutable


def test_the_root_resource_and_other_partitions() -> None:
    root = MethodArn.parse("arn:aws-cn:execute-api:cn-north-1:210987654321:k3x9qz7a1b/*/GET/")
    assert (root.partition, root.stage, root.http_method, root.resource_path) == ("aws-cn", "*", "GET", "/")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not an arn",
        "arn:aws:lambda:eu-west-1:210987654321:function:f",
        "arn:aws:execute-api:eu-west-1:210987654321:k3x9qz7a1b",
        "arn:aws:execute-api:eu-west-1:210987654321:k3x9qz7a1b/prod",
        "arn:aws:execute-api::210987654321:k3x9qz7a1b/prod/GET/",
        "arn:aws:execute-api:eu-west-1::k3x9qz7a1b/prod/GET/",
        "arn:aws:execute-api:eu-west-1:210987654321:/prod/GET/",
        "arn::execute-api:eu-west-1:210987654321:k3x9qz7a1b/prod/GET/",
    ],
)
def test_a_string_that_is_no_method_arn_is_refused(text: str) -> None:
    with pytest.raises(InvalidArn):
        MethodArn.parse(text)


SEGMENT = st.text(st.characters(blacklist_characters=":/"), min_size=1, max_size=8)


@given(
    partition=SEGMENT,
    region=SEGMENT,
    account=SEGMENT,
    api=SEGMENT,
    stage=SEGMENT,
    route=st.text(st.characters(blacklist_characters=""), max_size=20),
)
def test_any_method_arn_parses_and_prints_back_unchanged(
    partition: str, region: str, account: str, api: str, stage: str, route: str
) -> None:
    text = f"arn:{partition}:execute-api:{region}:{account}:{api}/{stage}/{route}"
    arn = MethodArn.parse(text)
    assert str(arn) == text
    assert (arn.partition, arn.region, arn.account_id, arn.api_id, arn.stage, arn.route) == (
        partition,
        region,
        account,
        api,
        stage,
        route,
    )


@given(st.text(max_size=60))
def test_any_text_parses_or_fails_with_invalid_arn(text: str) -> None:
    try:
        arn = MethodArn.parse(text)
    except InvalidArn:
        return
    assert str(arn) == text
