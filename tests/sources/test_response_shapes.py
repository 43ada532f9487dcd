"""Every source's result layout gives exactly the dict its response model gives, and the generated
validator refuses exactly what the model refuses."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings, strategies as st
from pydantic import BaseModel, ValidationError

from mangum._http.response import EncodedBody, ResponseHeader, ResponseShape, encode_body
from mangum.exceptions import InvalidResponse
from mangum.responses import RESPONSE_MODELS
from tests.support.responses import RESPONSE_SHAPES

SHAPES = RESPONSE_SHAPES
MODELS: dict[str, type[BaseModel]] = {model.__name__: model for model in RESPONSE_MODELS}

HEADER_TEXT = st.text(st.sampled_from("aZ-_ \t\r\n;=,é\u2028"), max_size=6)
HEADERS = st.lists(
    st.tuples(
        HEADER_TEXT | st.sampled_from(["Set-Cookie", "set-cookie", "Content-Type", "Host"]), HEADER_TEXT
    ),
    max_size=5,
)


def decoded(pairs: list[tuple[str, str]]) -> list[ResponseHeader]:
    return [(name, name.lower(), value) for name, value in pairs]


def verdicts(
    shape: ResponseShape, status: int, headers: list[ResponseHeader], body: EncodedBody
) -> tuple[Any, Any]:
    """The result or refusal, by the generated validator and by the model."""
    try:
        built = shape.build(status, headers, body)
    except InvalidResponse:
        return "refused by the layout", "refused by the layout"
    by_validator: Any
    by_model: Any
    try:
        shape.validator.validate(built)
        by_validator = built
    except ValidationError as error:
        by_validator = [(detail["type"], detail["loc"]) for detail in error.errors()]
    try:
        by_model = MODELS[shape.model].model_validate(built).to_lambda()  # type: ignore[attr-defined]
    except ValidationError as error:
        by_model = [(detail["type"], detail["loc"]) for detail in error.errors()]
    return by_validator, by_model


@settings(max_examples=400, deadline=None)
@given(
    name=st.sampled_from(sorted(SHAPES)),
    status=st.integers(0, 1000) | st.sampled_from([100, 200, 204, 302, 404, 599, 600]),
    headers=HEADERS,
    body=st.binary(max_size=8),
    textual=st.booleans(),
)
def test_layouts_and_validators_agree_with_the_models(
    name: str, status: int, headers: list[tuple[str, str]], body: bytes, textual: bool
) -> None:
    by_validator, by_model = verdicts(
        SHAPES[name], status, decoded(headers), encode_body(body, textual=textual)
    )
    assert by_validator == by_model


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_a_plain_result_is_what_the_model_serializes(name: str) -> None:
    headers = decoded(
        [("Content-Type", "text/plain"), ("Set-Cookie", "a=1"), ("X-Many", "1"), ("x-many", "2")]
    )
    shape = SHAPES[name]
    built = shape.build(200, headers, EncodedBody("hi", base64=False))
    assert MODELS[shape.model].model_validate(built).to_lambda() == built  # type: ignore[attr-defined]
