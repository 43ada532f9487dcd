"""The SAM example with a Lambda authorizer: its template passes cfn-lint and wires what the code
expects, and the authorizer and the API share the caller end to end, as API Gateway would pass it."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from mangum import Mangum
from mangum.events import AuthorizerSimpleResponse, HttpApiAuthorizerEventV2, TypedHandler
from tests.support.adapter import CONTEXT, json_of, status_of
from tests.support.handler_samples import read_handler_sample
from tests.support.http_events import v2_event
from tests.support.sam_templates import SAM_DIR, lint_problems, load_template, resources_of_type

EXAMPLE_DIR = SAM_DIR / "authorizer"
TEMPLATE = EXAMPLE_DIR / "template.yaml"
TOKENS = {"tok-alice": {"user": "alice", "tier": "gold"}, "tok-bob": {"user": "bob", "tier": "free"}}


@pytest.fixture
def package(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """The example's package, imported as Lambda does: its CodeUri directory on the path."""
    monkeypatch.syspath_prepend(str(EXAMPLE_DIR))
    monkeypatch.setenv("API_TOKENS", json.dumps(TOKENS))
    package = importlib.import_module("reports_api")
    callers = importlib.import_module("reports_api.callers")
    callers.known_tokens.cache_clear()
    yield package
    callers.known_tokens.cache_clear()


def handler_of(function: dict[str, Any]) -> object:
    """The object a function's ``Handler`` names (``package.module.attribute``)."""
    module, _, attribute = function["Properties"]["Handler"].rpartition(".")
    return getattr(importlib.import_module(module), attribute)


def test_cfn_lint_finds_nothing() -> None:
    assert lint_problems(TEMPLATE.read_text()) == []


def test_the_api_is_guarded_by_the_authorizer_function(package: ModuleType) -> None:
    template = load_template(TEMPLATE)
    (api_id, api) = next(iter(resources_of_type(template, "AWS::Serverless::HttpApi").items()))
    functions = resources_of_type(template, "AWS::Serverless::Function")
    auth = api["Properties"]["Auth"]
    authorizer = auth["Authorizers"][auth["DefaultAuthorizer"]]

    (authorizer_id,) = [
        name for name, f in functions.items() if authorizer["FunctionArn"] == {"Fn::GetAtt": [name, "Arn"]}
    ]
    assert authorizer["AuthorizerPayloadFormatVersion"] == "2.0"
    assert authorizer["EnableSimpleResponses"] is True
    assert authorizer["Identity"]["Headers"] == ["Authorization"]

    authorize = handler_of(functions[authorizer_id])
    assert isinstance(authorize, TypedHandler)
    assert (authorize.event_type, authorize.result_type) == (
        HttpApiAuthorizerEventV2,
        AuthorizerSimpleResponse,
    )
    assert set(functions[authorizer_id]["Properties"]["Environment"]["Variables"]) == {"API_TOKENS"}

    (app_id,) = set(functions) - {authorizer_id}
    events = functions[app_id]["Properties"]["Events"]
    assert {event["Type"] for event in events.values()} == {"HttpApi", "Schedule"}
    assert [e["Properties"]["ApiId"] for e in events.values() if e["Type"] == "HttpApi"] == [{"Ref": api_id}]
    assert isinstance(handler_of(functions[app_id]), Mangum)


def authorize(header: str) -> dict[str, Any]:
    """The authorizer function on a request carrying ``header`` as its Authorization."""
    event = read_handler_sample("httpApiAuthorizerV2.json")
    event["identitySource"] = [header]
    event["headers"]["authorization"] = header
    result = importlib.import_module("reports_api.authorizer").handler(event, CONTEXT)
    assert isinstance(result, dict)
    return result


def call_api(context: object, path: str) -> dict[str, Any]:
    """The API function on a request whose authorizer returned ``context`` (absent when None)."""
    event = v2_event(path)
    if context is not None:
        event["requestContext"]["authorizer"] = {"lambda": context}
    handler = importlib.import_module("reports_api.app").handler
    result: dict[str, Any] = handler(event, CONTEXT)
    return result


def test_the_api_sees_the_caller_the_authorizer_established(package: ModuleType) -> None:
    decision = authorize("Bearer tok-alice")
    assert decision == {"isAuthorized": True, "context": {"user": "alice", "tier": "gold"}}

    me = call_api(decision["context"], "/me")
    assert (status_of(me), json_of(me)) == (200, {"user": "alice", "tier": "gold"})
    reports = call_api(decision["context"], "/reports")
    assert (status_of(reports), json_of(reports)) == (200, {"reports": ["2025-q1"]})


def test_a_free_caller_is_authorized_but_refused_gold_routes(package: ModuleType) -> None:
    decision = authorize("Bearer tok-bob")
    assert decision["isAuthorized"] is True
    assert status_of(call_api(decision["context"], "/reports")) == 403


@pytest.mark.parametrize("header", ["Bearer tok-mallory", "tok-alice-but-longer", ""])
def test_an_unknown_token_is_not_authorized(package: ModuleType, header: str) -> None:
    assert authorize(header) == {"isAuthorized": False}


def test_without_an_authorizer_context_the_api_answers_401(package: ModuleType) -> None:
    assert status_of(call_api(None, "/me")) == 401


def test_the_keep_warm_schedule_is_answered_without_the_app(package: ModuleType) -> None:
    handler = importlib.import_module("reports_api.app").handler
    assert handler(read_handler_sample("scheduledEvent.json"), CONTEXT) == {}
