"""The base of the results the functions beside an API return (authorizer responses, SQS batch
responses): validated when built and when a field is set, serialized with AWS's names."""

from __future__ import annotations

from pydantic import ConfigDict

from mangum._lambda_result import LambdaResult


class HandlerResult(LambdaResult):
    """Base of the result models: snake_case attributes, AWS's camelCase names when serialized,
    unknown fields refused."""

    # A field set after construction is checked when it is set, not found wrong by AWS later.
    model_config = ConfigDict(validate_assignment=True)
