"""The sparse validators the event readers use accept and refuse exactly what the full ones do, with
the same errors, and output the same fields except the absent ones that default to ``None``."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from mangum._sources import alb, api_gateway_v1, api_gateway_v2, function_url
from mangum._validation.validators import LazyValidator, ValidationError, field_errors
from tests.events.test_properties import mutated_samples
from tests.support.samples import SAMPLE_MODELS, read_sample

SPARSE: dict[str, LazyValidator[Any]] = {
    "api_gateway_v1": api_gateway_v1.VALIDATOR,
    "api_gateway_v2": api_gateway_v2.VALIDATOR,
    "function_url": function_url.VALIDATOR,
    "alb": alb.VALIDATOR,
}
FULL: dict[str, LazyValidator[dict[str, Any]]] = {
    source: LazyValidator(f"mangum._validation.generated.{source}:SCHEMA", validator._model, "name")
    for source, validator in SPARSE.items()
}


def verdict(validator: LazyValidator[Any], event: object) -> object:
    try:
        return validator.validate(event)
    except ValidationError as error:
        return field_errors(error)


def assert_same_but_sparse(sparse: object, full: object) -> None:
    """``sparse`` is ``full`` with some ``None`` fields left out, at any depth, and nothing else."""
    if isinstance(full, dict):
        assert isinstance(sparse, dict)
        assert set(sparse) <= set(full)
        for key, value in full.items():
            if key in sparse:
                assert_same_but_sparse(sparse[key], value)
            else:
                assert value is None, key
    else:
        assert sparse == full


def assert_same_verdict(source: str, event: object) -> None:
    sparse, full = verdict(SPARSE[source], event), verdict(FULL[source], event)
    if isinstance(full, tuple):
        assert sparse == full
    else:
        assert_same_but_sparse(sparse, full)


def test_the_readers_validators_are_sparse() -> None:
    event = read_sample("powertools/apiGatewayProxyEventPrincipalId.json")
    full, sparse = FULL["api_gateway_v1"].validate(event), SPARSE["api_gateway_v1"].validate(event)
    assert full["request_context"]["identity"] is None
    assert "identity" not in sparse["request_context"]
    assert_same_but_sparse(sparse, full)


@pytest.mark.parametrize("name", sorted(SAMPLE_MODELS))
@pytest.mark.parametrize("source", sorted(SPARSE))
def test_every_sample_gets_the_same_verdict(name: str, source: str) -> None:
    assert_same_verdict(source, read_sample(name))


@settings(max_examples=800, deadline=None)
@given(mutated_samples(), st.sampled_from(sorted(SPARSE)))
def test_mutated_events_get_the_same_verdict(event: dict[str, Any], source: str) -> None:
    assert_same_verdict(source, event)
