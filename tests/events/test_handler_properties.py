"""Property tests: whatever reaches an authorizer or a typed handler, it gets a result or a typed
error, and every accepted authorizer event dumps back to what was received."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from hypothesis import given, settings, strategies as st

from mangum.events import (
    AUTHORIZER_EVENT_MODELS,
    MethodArn,
    RestTokenAuthorizerEvent,
    Unauthorized,
    parse_authorizer_event,
)
from mangum.exceptions import InvalidArn, InvalidEvent, UnsupportedEvent
from mangum.local_context import LocalContext
from tests.events import typed_handler_usage as usage
from tests.events.test_properties import JSON_VALUES, TEXT, mutated
from tests.support.handler_samples import AUTHORIZER_SAMPLES, EVENT_SAMPLES, read_handler_sample

CONTEXT = LocalContext()

HANDLERS = [
    usage.authorize_any,
    usage.authorize_http,
    usage.authorize_connect,
    usage.keep_warm,
    usage.nightly,
    usage.on_order,
    usage.consume,
]


def mutated_handler_samples(names: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """One of the named samples with a few random changes."""
    return st.sampled_from(names).flatmap(lambda name: mutated(read_handler_sample(name)))


def exercise(event: object) -> None:
    """Parse as an authorizer event; on success every lookup works and the event round-trips."""
    try:
        parsed = parse_authorizer_event(event)
    except (UnsupportedEvent, InvalidEvent):
        return
    assert type(parsed) in AUTHORIZER_EVENT_MODELS
    assert parsed.model_dump(by_alias=True, exclude_unset=True) == event
    with suppress(InvalidArn):
        assert isinstance(parsed.arn, MethodArn)
    if isinstance(parsed, RestTokenAuthorizerEvent):
        return
    parsed.get_header("authorization")
    parsed.get_header_values("cookie")
    parsed.get_query("token")
    parsed.encoded_query()


@settings(max_examples=300, deadline=None)
@given(mutated_handler_samples(sorted(AUTHORIZER_SAMPLES)))
def test_mutated_authorizer_events_parse_or_fail_with_typed_errors(event: dict[str, Any]) -> None:
    exercise(event)


@settings(max_examples=200, deadline=None)
@given(JSON_VALUES)
def test_arbitrary_json_parses_as_an_authorizer_event_or_fails_with_typed_errors(event: object) -> None:
    exercise(event)


@settings(max_examples=150, deadline=None)
@given(mutated_handler_samples(sorted(EVENT_SAMPLES)), st.sampled_from(HANDLERS))
def test_typed_handlers_answer_or_refuse_with_typed_errors(event: dict[str, Any], handler: Any) -> None:
    # Only typed errors may come out of the functions: the authorizers' own Unauthorized on unknown
    # tokens, and InvalidArn where a usage reads ``event.arn`` of a mutated ``methodArn`` (a valid
    # TOKEN event may carry any text there: see the test below).
    with suppress(InvalidEvent, UnsupportedEvent, Unauthorized, InvalidArn):
        handler(event, CONTEXT)


@settings(max_examples=100, deadline=None)
@given(token=TEXT, arn=TEXT)
def test_any_token_and_arn_text_is_a_valid_token_event(token: str, arn: str) -> None:
    event = {"type": "TOKEN", "authorizationToken": token, "methodArn": arn}
    parsed = parse_authorizer_event(event)
    assert parsed.model_dump(by_alias=True, exclude_unset=True) == event
