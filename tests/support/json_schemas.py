"""Validators for the JSON Schemas the package ships (schemas/ at the top of the repository)."""

from __future__ import annotations

import json
from functools import cache

from jsonschema import Draft202012Validator

from mangum.responses import LambdaResponse
from mangum.schemas import SCHEMAS_DIR


@cache
def validator(kind: str, model_name: str) -> Draft202012Validator:
    """The validator of ``schemas/<kind>/<model_name>.json`` (the schema itself checked first)."""
    schema = json.loads((SCHEMAS_DIR / kind / f"{model_name}.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def assert_matches_its_schema(response: LambdaResponse) -> None:
    """``response.to_lambda()`` is valid against the schema of the response's model."""
    validator("responses", type(response).__name__).validate(response.to_lambda())
