"""Every sample event parses to the model of its source and dumps back to itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mangum.events import (
    AlbEvent,
    ApiGatewayV1Event,
    ApiGatewayV2Event,
    FunctionUrlEvent,
    WebSocketEvent,
    parse_event,
)
from tests.conftest import POWERTOOLS_DIR

EXPECTED_BY_PREFIX: list[tuple[str, type]] = [
    ("alb", AlbEvent),
    ("apiGatewayWebSocket", WebSocketEvent),
    ("apiGatewayProxyV2", ApiGatewayV2Event),
    ("apiGatewayProxy", ApiGatewayV1Event),
    ("apigateway", ApiGatewayV1Event),
    ("lambdaFunctionUrl", FunctionUrlEvent),
]


def expected_model(path: Path) -> type:
    for prefix, model in EXPECTED_BY_PREFIX:
        if path.name.startswith(prefix):
            return model
    raise AssertionError(f"no expectation for {path.name}")


POWERTOOLS_SAMPLES = sorted(POWERTOOLS_DIR.glob("*.json"))


def test_all_powertools_samples_present() -> None:
    assert len(POWERTOOLS_SAMPLES) == 28


@pytest.mark.parametrize("path", POWERTOOLS_SAMPLES, ids=lambda p: p.name)
def test_sample_parses_to_its_source_and_round_trips(path: Path) -> None:
    raw = json.loads(path.read_text())
    model = parse_event(raw)
    assert type(model) is expected_model(path)
    assert model.model_dump(by_alias=True, exclude_unset=True) == raw
