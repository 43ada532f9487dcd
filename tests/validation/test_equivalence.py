"""The generated validators accept and reject exactly what the models do, with the same errors, and
output what the models hold, as plain dicts."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st
from pydantic import ValidationError

from mangum._validation.validators import LazyValidator, field_errors
from mangum.events import EVENT_MODELS, EventModelType
from mangum.exceptions import FieldError
from tests.events.test_properties import JSON_VALUES, TEXT, mutated_samples
from tests.support.samples import SAMPLE_MODELS, read_sample

VALIDATORS: dict[EventModelType, LazyValidator[dict[str, Any]]] = {
    model: LazyValidator(
        f"mangum._validation.generated.{model.SOURCE}:SCHEMA", f"{model.__module__}:{model.__name__}", "name"
    )
    for model in EVENT_MODELS
}


def verdicts(model: EventModelType, event: object) -> tuple[object, object]:
    """What the model and the generated validator make of ``event``: its fields as a dict (unmodelled
    ones included), or the errors."""
    by_model: object
    by_validator: object
    try:
        by_model = model.model_validate(copy.deepcopy(event)).model_dump(by_alias=False)
    except ValidationError as error:
        by_model = field_errors(error)
    try:
        by_validator = VALIDATORS[model].validate(event)
    except ValidationError as error:
        by_validator = field_errors(error)
    return by_model, by_validator


@pytest.mark.parametrize("name", sorted(SAMPLE_MODELS))
def test_every_sample_validates_to_the_models_fields(name: str) -> None:
    by_model, by_validator = verdicts(SAMPLE_MODELS[name], read_sample(name))
    assert isinstance(by_model, dict)
    assert by_validator == by_model


@settings(max_examples=1500, deadline=None)
@given(mutated_samples(), st.sampled_from(EVENT_MODELS))
def test_mutated_events_get_the_same_verdict_from_both(event: dict[str, Any], model: EventModelType) -> None:
    by_model, by_validator = verdicts(model, event)
    assert by_validator == by_model


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES | st.dictionaries(TEXT, JSON_VALUES), st.sampled_from(EVENT_MODELS))
def test_arbitrary_json_gets_the_same_verdict_from_both(event: object, model: EventModelType) -> None:
    by_model, by_validator = verdicts(model, event)
    assert by_validator == by_model


def test_errors_name_nested_objects_alike() -> None:
    event = read_sample("powertools/apiGatewayProxyEvent.json")
    event["requestContext"]["identity"] = "not an object"
    by_model, by_validator = verdicts(SAMPLE_MODELS["powertools/apiGatewayProxyEvent.json"], event)
    expected = (FieldError("requestContext.identity", "Input should be a valid dictionary", "dict_type"),)
    assert by_model == by_validator == expected
