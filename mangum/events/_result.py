"""The base of the results the functions beside an API return (authorizer responses, SQS batch
responses): validated when built and when a field is set, serialized with AWS's names."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class HandlerResult(BaseModel):
    """Base of the result models: snake_case attributes, AWS's camelCase names when serialized,
    unknown fields refused (a misspelt key would otherwise reach AWS, which rejects the result)."""

    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        # A field set after construction is checked when it is set, not found wrong by AWS later.
        validate_assignment=True,
        defer_build=True,
        hide_input_in_errors=True,
    )

    def to_lambda(self) -> dict[str, object]:
        """The dict the Lambda function returns: AWS's names, unset optional fields left out."""
        return self.model_dump(by_alias=True, exclude_none=True)
