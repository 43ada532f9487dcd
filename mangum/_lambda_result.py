"""The base of every result model a Lambda function returns: the HTTP responses of
:mod:`mangum.responses` and the results beside an API (:mod:`mangum.events`), which must not import
each other (a function imports only the models it returns)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class LambdaResult(BaseModel):
    """Snake_case attributes, AWS's camelCase names when serialized, unknown fields refused (a
    misspelt key would otherwise reach AWS, which rejects the result)."""

    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        defer_build=True,
        # Errors name the field, never its value: headers, bodies and contexts can hold credentials.
        hide_input_in_errors=True,
    )

    def to_lambda(self) -> dict[str, object]:
        """The dict the Lambda function returns: AWS's names, unset optional fields left out."""
        return self.model_dump(by_alias=True, exclude_none=True)
