"""How the local gateway evaluates an authorizer's IAM policy against a method ARN."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from mangum.events import AuthorizerPolicyResponse
from mangum.local.authorizer_events import IdentitySource, identity_values
from mangum.local.authorizers import evaluate

ARN = "arn:aws:execute-api:us-east-1:123456789012:local/prod/GET/items/7"


def _policy(*statements: Mapping[str, object]) -> AuthorizerPolicyResponse:
    return AuthorizerPolicyResponse.model_validate(
        {"principalId": "p", "policyDocument": {"Version": "2012-10-17", "Statement": list(statements)}}
    )


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ({"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": ARN}, "allow"),
        (
            {"Effect": "Allow", "Action": "execute-api:*", "Resource": "arn:aws:execute-api:*:*:local/*"},
            "allow",
        ),
        ({"Effect": "Allow", "Action": "*", "Resource": ["x", "arn:aws:execute-api:*/GET/items/?"]}, "allow"),
        ({"Effect": "Allow", "Action": "EXECUTE-API:invoke", "Resource": ARN}, "allow"),
        (
            {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": ARN.replace("GET", "get")},
            "implicit",
        ),
        ({"Effect": "Allow", "Action": "execute-api:ManageConnections", "Resource": ARN}, "implicit"),
        ({"Effect": "Allow", "Action": "execute-api:Invoke", "NotResource": ARN}, "implicit"),
        ({"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}, "allow"),
        ({"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": "*"}, "explicit"),
    ],
)
def test_one_statement(statement: dict[str, object], expected: str) -> None:
    assert evaluate(_policy(statement), ARN) == expected


def test_a_matching_deny_wins_over_an_allow() -> None:
    allow = {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}
    deny = {"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": "*/GET/items/*"}
    assert evaluate(_policy(allow, deny), ARN) == "explicit"
    assert evaluate(_policy(allow, deny), ARN.replace("GET", "PUT")) == "allow"


def test_identity_sources_in_api_gateway_notation() -> None:
    sources = [
        IdentitySource.parse("method.request.header.X-Key"),
        IdentitySource.parse("$request.querystring.t"),
    ]
    assert [str(source) for source in sources] == ["header.X-Key", "querystring.t"]
    assert identity_values(sources, [("x-key", "k")], "t=a%20b") == ("k", "a b")
    assert identity_values(sources, [("x-key", "k")], "other=1") is None
    with pytest.raises(ValueError, match=r"header\.NAME"):
        IdentitySource.parse("stageVariables.x")
