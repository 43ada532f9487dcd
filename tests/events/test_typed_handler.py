"""``typed_handler``: the event annotation validates the incoming dict, the return annotation
validates and serializes the result, bad events and results get typed errors, and bad functions
are refused when decorated."""

from __future__ import annotations

import importlib.util
import json
from typing import Any

import pytest
from hypothesis import given, settings
from pydantic import BaseModel, Json, ValidationError

from mangum.events import (
    AuthorizerPolicyResponse,
    AuthorizerSimpleResponse,
    HttpApiAuthorizerEventV2,
    RestRequestAuthorizerEvent,
    RestTokenAuthorizerEvent,
    ScheduledEvent,
    SqsEvent,
    Unauthorized,
    WarmUpEvent,
    typed_handler,
)
from mangum.exceptions import ConfigurationError, InvalidEvent, InvalidResponse, UnsupportedEvent
from mangum.local_context import LocalContext
from mangum.types import LambdaContext
from tests.events import typed_handler_usage as usage
from tests.events.test_lazy import modules_after
from tests.events.test_properties import JSON_VALUES
from tests.support.handler_samples import read_handler_sample

CONTEXT = LocalContext()
SECRET = "Bearer sk-live-0123456789-SECRET"


def token_event(token: str) -> dict[str, Any]:
    event = read_handler_sample("restTokenAuthorizer.json")
    event["authorizationToken"] = token
    return event


def test_a_token_authorizer_returns_the_policy_as_api_gateway_reads_it() -> None:
    assert usage.authorize_token(token_event("Bearer token-7"), CONTEXT) == {
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
        "context": {"user": "user-7"},
    }


def test_an_unknown_token_raises_what_api_gateway_maps_to_401() -> None:
    with pytest.raises(Unauthorized, match=r"^Unauthorized$"):
        usage.authorize_token(token_event("token-9"), CONTEXT)


@pytest.mark.parametrize(
    ("name", "tenant", "effect"),
    [
        ("restRequestAuthorizerMultiValue.json", None, "Allow"),
        ("httpApiAuthorizerV1.json", None, "Allow"),
        ("restRequestAuthorizer.json", None, "Deny"),
        ("restRequestAuthorizer.json", "acme", "Allow"),
    ],
)
def test_a_request_authorizer_reads_headers_of_rest_and_payload_1_events(
    name: str, tenant: str | None, effect: str
) -> None:
    event = read_handler_sample(name)
    if tenant is not None:
        event["headers"]["X-Tenant"] = tenant
    result = usage.authorize_request(event, CONTEXT)
    assert isinstance(result, dict)
    statement = AuthorizerPolicyResponse.model_validate(result).policy_document.statement[0]
    assert (statement.effect, statement.resource) == (effect, event["methodArn"])


@pytest.mark.parametrize(("token", "authorized"), [("Bearer token-8", True), ("Bearer nope", False)])
def test_a_simple_response_authorizer(token: str, authorized: bool) -> None:
    event = read_handler_sample("httpApiAuthorizerV2.json")
    event["identitySource"] = [token]
    result = usage.authorize_http(event, CONTEXT)
    assert result == {
        "isAuthorized": authorized,
        "context": {"user": "user-8" if authorized else None, "via": ["v2"]},
    }


def test_a_websocket_authorizer_allows_the_connect_route() -> None:
    event = read_handler_sample("webSocketAuthorizerQuery.json")
    event["queryStringParameters"] = {"token": "token-7"}
    event["multiValueQueryStringParameters"] = {"token": ["token-7"]}
    result = usage.authorize_connect(event, CONTEXT)
    assert isinstance(result, dict)
    response = AuthorizerPolicyResponse.model_validate(result)
    assert response.context == {"connection": "Hk5MnfGhjoECJ9g="}
    assert response.policy_document.statement[0].resource == event["methodArn"]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("restTokenAuthorizer.json", "RestTokenAuthorizerEvent"),
        ("restRequestAuthorizer.json", "RestRequestAuthorizerEvent"),
        ("httpApiAuthorizerV1.json", "HttpApiAuthorizerEventV1"),
        ("httpApiAuthorizerV2.json", "HttpApiAuthorizerEventV2"),
        ("apiGatewayAuthorizerWebSocketEvent.json", "WebSocketAuthorizerEvent"),
    ],
)
def test_a_union_annotation_takes_every_kind_of_authorizer_event(name: str, kind: str) -> None:
    result = usage.authorize_any(read_handler_sample(name), CONTEXT)
    assert AuthorizerPolicyResponse.model_validate(result).principal_id == kind
    assert type(usage.parse_any(read_handler_sample(name))).__name__ == kind


def test_a_typed_detail_and_a_plain_result() -> None:
    event = read_handler_sample("eventBridgeEvent.json")
    event["detail"] = {"order": 7, "qty": 2}
    assert usage.on_order(event, CONTEXT) == {"order": 7, "qty": 2}


def test_a_queue_consumer_reports_the_failed_messages() -> None:
    batch = read_handler_sample("sqsEvent.json")
    batch["Records"][0]["body"] = json.dumps({"order": 1, "qty": 0})
    batch["Records"][1]["body"] = json.dumps({"order": 2, "qty": 3})
    expected = {"batchItemFailures": [{"itemIdentifier": batch["Records"][0]["messageId"]}]}
    assert usage.consume(batch, CONTEXT) == expected
    assert usage.run_consumer(batch, CONTEXT).to_lambda() == expected


def test_a_handler_returning_none_returns_null() -> None:
    assert usage.keep_warm(read_handler_sample("warmUpPluginEvent.json"), CONTEXT) is None


def test_the_decorated_object_keeps_the_function_name_docs_and_the_function() -> None:
    copied = vars(usage.consume)  # what functools.update_wrapper set on the instance
    assert (copied["__name__"], copied["__qualname__"], copied["__module__"]) == (
        "consume",
        "consume",
        "tests.events.typed_handler_usage",
    )
    assert copied["__wrapped__"] is usage.consume.function
    assert usage.consume.__doc__ == usage.consume.function.__doc__
    assert usage.consume.name == "consume"
    assert usage.consume.event_name == "SqsEvent[Annotated[OrderPlaced, Json]]"
    assert usage.keep_warm.event_name == "WarmUpEvent"


def test_the_hand_written_helpers_of_the_usage_file() -> None:
    event = RestRequestAuthorizerEvent.model_validate(read_handler_sample("restRequestAuthorizer.json"))
    assert usage.office_only(event).to_lambda()["policyDocument"] == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "execute-api:Invoke",
                "Resource": ["arn:aws:execute-api:eu-west-1:210987654321:k3x9qz7a1b/*/GET/orders/7"],
                "Condition": {"IpAddress": {"aws:SourceIp": ["198.51.100.0/24"]}},
            }
        ],
    }
    batch = SqsEvent.model_validate(read_handler_sample("sqsFifoEvent.json"))
    assert usage.first_order(batch) == usage.OrderPlaced(order=7, qty=2)
    assert (
        usage.kind_of(read_handler_sample("webSocketAuthorizerQuery.json")).__name__
        == "WebSocketAuthorizerEvent"
    )


# --- bad events -----------------------------------------------------------------------------------


def test_an_event_the_model_rejects_is_invalid_naming_fields_not_values() -> None:
    event = token_event(SECRET)
    del event["methodArn"]
    event["type"] = SECRET
    with pytest.raises(InvalidEvent) as caught:
        usage.authorize_token(event, CONTEXT)
    assert caught.value.source == "RestTokenAuthorizerEvent"
    assert {(error.path, error.kind) for error in caught.value.errors} == {
        ("methodArn", "missing"),
        ("type", "literal_error"),
    }
    assert "SECRET" not in str(caught.value)


@pytest.mark.parametrize(
    "event", [None, [], "event", 7, [read_handler_sample("warmUpPluginEvent.json")]], ids=repr
)
def test_an_event_that_is_not_a_json_object_is_unsupported(event: object) -> None:
    with pytest.raises(UnsupportedEvent, match="not a JSON object") as caught:
        usage.keep_warm(event, CONTEXT)
    assert caught.value.tried == ("WarmUpEvent",)


def test_the_function_is_not_called_on_a_bad_event() -> None:
    before = list(usage.NIGHTLY_RUNS)
    with pytest.raises(InvalidEvent):
        usage.nightly(read_handler_sample("eventBridgeEvent.json"), CONTEXT)
    assert before == usage.NIGHTLY_RUNS
    usage.nightly(read_handler_sample("scheduledEvent.json"), CONTEXT)
    assert [*before, "arn:aws:events:eu-west-1:210987654321:rule/nightly-report"] == usage.NIGHTLY_RUNS


@settings(max_examples=200, deadline=None)
@given(JSON_VALUES)
def test_any_json_event_gives_a_result_or_a_typed_error(event: object) -> None:
    for handler in (
        usage.authorize_any,
        usage.keep_warm,
        usage.consume,
        usage.on_order,
        usage.authorize_http,
    ):
        try:
            handler(event, CONTEXT)
        except (InvalidEvent, UnsupportedEvent):
            continue


# --- bad results ----------------------------------------------------------------------------------


def test_a_result_that_does_not_match_the_return_annotation_is_an_invalid_response() -> None:
    @typed_handler
    def untyped_code(event: WarmUpEvent, context: LambdaContext) -> AuthorizerSimpleResponse:
        result: Any = {"isAuthorized": SECRET}
        return result  # type: ignore[no-any-return]  # the point: code that lies about its result

    with pytest.raises(InvalidResponse, match=r"untyped_code returned .* AuthorizerSimpleResponse") as caught:
        untyped_code(read_handler_sample("warmUpPluginEvent.json"), CONTEXT)
    assert "isAuthorized" in str(caught.value)
    assert "SECRET" not in str(caught.value)


def test_a_response_field_set_after_construction_is_validated_when_set() -> None:
    response = AuthorizerPolicyResponse.allow("p", "*")
    with pytest.raises(ValidationError, match="Input should be 'Allow' or 'Deny'"):
        response.policy_document.statement[0].effect = "Perhaps"  # type: ignore[assignment]  # the point


def test_a_wrong_item_put_into_a_response_fails_its_serialization() -> None:
    @typed_handler
    def appending(event: WarmUpEvent, context: LambdaContext) -> AuthorizerPolicyResponse:
        response = AuthorizerPolicyResponse.allow("p", "*")
        response.policy_document.statement.append({"Effect": "Perhaps"})  # type: ignore[arg-type]  # the point
        return response

    with pytest.raises(InvalidResponse, match="appending returned a result that does not serialize as"):
        appending(read_handler_sample("warmUpPluginEvent.json"), CONTEXT)


def test_a_dict_result_of_the_annotated_shape_is_validated_into_the_model() -> None:
    @typed_handler
    def from_dict(event: WarmUpEvent, context: LambdaContext) -> AuthorizerSimpleResponse:
        result: Any = {"is_authorized": True}
        return result  # type: ignore[no-any-return]  # untyped code returning the model's fields

    assert from_dict(read_handler_sample("warmUpPluginEvent.json"), CONTEXT) == {"isAuthorized": True}


def test_a_result_that_is_not_json_is_an_invalid_response() -> None:
    @typed_handler
    def opaque(event: WarmUpEvent, context: LambdaContext) -> dict[str, object]:
        return {"when": object()}

    with pytest.raises(InvalidResponse, match="does not serialize as dict"):
        opaque(read_handler_sample("warmUpPluginEvent.json"), CONTEXT)


def test_model_results_leave_out_unset_fields_but_dict_values_stay() -> None:
    class Report(BaseModel):
        done: int
        note: str | None = None
        counts: dict[str, int | None]

    @typed_handler
    def report(event: ScheduledEvent, context: LambdaContext) -> Report:
        return Report(done=1, counts={"a": None})

    assert report(read_handler_sample("scheduledEvent.json"), CONTEXT) == {"done": 1, "counts": {"a": None}}


# --- functions that cannot be typed handlers ----------------------------------------------------


def test_an_async_function_is_refused() -> None:
    async def later(event: WarmUpEvent, context: LambdaContext) -> None:
        return None

    with pytest.raises(ConfigurationError, match="not async"):
        typed_handler(later)


def test_missing_annotations_are_refused() -> None:
    def no_return(event: WarmUpEvent, context: LambdaContext):  # type: ignore[no-untyped-def]  # the point
        return None

    def no_event(event, context: LambdaContext) -> None:  # type: ignore[no-untyped-def]  # the point
        return None

    for function in (no_return, no_event):
        with pytest.raises(ConfigurationError, match=r"annotate the event parameter 'event' and the return"):
            typed_handler(function)


@pytest.mark.parametrize("arity", ["one", "three", "defaulted"])
def test_a_function_not_taking_event_and_context_is_refused(arity: str) -> None:
    def one(event: WarmUpEvent) -> None: ...

    def three(event: WarmUpEvent, context: LambdaContext, extra: int) -> None: ...

    def defaulted(event: WarmUpEvent, context: LambdaContext | None = None) -> None: ...

    function = {"one": one, "three": three, "defaulted": defaulted}[arity]
    with pytest.raises(ConfigurationError, match=r"exactly \(event, context\)"):
        typed_handler(function)  # type: ignore[arg-type]  # the point


def test_an_annotation_naming_something_undefined_is_refused() -> None:
    namespace: dict[str, object] = {}
    exec(
        "from __future__ import annotations\ndef late(event: NotDefinedYet, context: object) -> None: ...",
        namespace,
    )
    with pytest.raises(ConfigurationError, match="not defined at decoration time"):
        typed_handler(namespace["late"])  # type: ignore[arg-type]  # built by exec


def test_a_generic_body_annotation_validates_each_message() -> None:
    class Payment(BaseModel):
        amount: int

    @typed_handler
    def pay(event: SqsEvent[Json[Payment]], context: LambdaContext) -> None:
        return None

    batch = read_handler_sample("sqsEvent.json")
    with pytest.raises(InvalidEvent) as caught:
        pay(batch, CONTEXT)
    assert {error.path for error in caught.value.errors} == {"Records.0.body", "Records.1.body.amount"}
    assert caught.value.source.startswith("SqsEvent[Annotated[")
    assert caught.value.source.endswith("Payment, Json]]")


def test_parse_accepts_only_what_the_annotation_accepts() -> None:
    @typed_handler
    def v2_only(event: HttpApiAuthorizerEventV2, context: LambdaContext) -> None:
        return None

    assert isinstance(
        v2_only.parse(read_handler_sample("httpApiAuthorizerV2.json")), HttpApiAuthorizerEventV2
    )
    with pytest.raises(InvalidEvent):
        v2_only.parse(read_handler_sample("restTokenAuthorizer.json"))
    assert isinstance(usage.authorize_token.parse(token_event("t")), RestTokenAuthorizerEvent)


def test_typed_handler_imports_no_asgi_code() -> None:
    loaded = modules_after(
        "from mangum.events import RestTokenAuthorizerEvent, AuthorizerPolicyResponse, typed_handler\n"
        "@typed_handler\n"
        "def h(event: RestTokenAuthorizerEvent, context: object) -> AuthorizerPolicyResponse:\n"
        "    return AuthorizerPolicyResponse.allow('p', event.method_arn)\n"
        "h({'type': 'TOKEN', 'authorizationToken': 't', 'methodArn': 'arn'}, None)"
    )
    assert "mangum.events.typed_handlers" in loaded
    assert not {name for name in loaded if name.split(".")[:2] in (["mangum", "asgi"], ["mangum", "http"])}
    assert not loaded & {"mangum.adapter", "mangum.websocket", "mangum.responses", "asyncio"}
    # A TOKEN authorizer loads the TOKEN model alone: no request layout, no other kind.
    assert not {name for name in loaded if name.startswith("mangum.events.") and "api_gateway" in name}
    assert {name for name in loaded if name.startswith("mangum.events.authorizers")} == {
        "mangum.events.authorizers",
        "mangum.events.authorizers.responses",
    }


def test_no_public_name_of_mangum_events_is_shadowed_by_a_submodule() -> None:
    # Importing a submodule sets it as an attribute of its package: a submodule named like a
    # public name (as typed_handler once was) would replace that name for every later import.
    import mangum.events

    clashes = [name for name in mangum.events.__all__ if importlib.util.find_spec(f"mangum.events.{name}")]
    assert clashes == []
