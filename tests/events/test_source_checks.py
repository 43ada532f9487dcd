"""The ``SOURCE`` tag of every source model, and the checks built on it agree with ``isinstance``."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from mangum.events import (
    EVENT_MODELS,
    AlbEvent,
    ApiGatewayV1Event,
    ApiGatewayV2Event,
    CloudFrontEvent,
    FunctionUrlEvent,
    LambdaEventModel,
    RequestEvent,
    WebSocketEvent,
    parse_event,
    source_checks,
)
from tests.support.event_files import EVENTS_DIR, POWERTOOLS_DIR
from tests.support.samples import SAMPLE_MODELS

CHECKS: list[tuple[Callable[[LambdaEventModel], bool], tuple[type[RequestEvent], ...]]] = [
    (source_checks.is_api_gateway_v1, (ApiGatewayV1Event,)),
    (source_checks.is_payload_v2, (ApiGatewayV2Event, FunctionUrlEvent)),
    (source_checks.is_function_url, (FunctionUrlEvent,)),
    (source_checks.is_alb, (AlbEvent,)),
    (source_checks.is_cloudfront, (CloudFrontEvent,)),
    (source_checks.is_websocket, (WebSocketEvent,)),
]


def test_every_source_model_has_its_own_tag() -> None:
    tags = [model.SOURCE for model in EVENT_MODELS]
    assert len(set(tags)) == len(EVENT_MODELS)
    assert ApiGatewayV2Event.SOURCE == "api_gateway_v2"
    assert FunctionUrlEvent.SOURCE == "function_url"


def test_the_tag_is_not_a_field() -> None:
    assert "SOURCE" not in AlbEvent.model_fields
    event = parse_event(json.loads((POWERTOOLS_DIR / "albEvent.json").read_text()))
    assert "SOURCE" not in event.model_dump(by_alias=True)


@pytest.mark.parametrize("sample", sorted(SAMPLE_MODELS))
def test_each_check_agrees_with_isinstance(sample: str) -> None:
    event = parse_event(json.loads((EVENTS_DIR / sample).read_text()))
    assert type(event) is SAMPLE_MODELS[sample]
    for check, classes in CHECKS:
        assert check(event) is isinstance(event, classes), check.__name__
