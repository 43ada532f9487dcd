"""Lambda Function URLs: payload format 2.0, laid out as an HTTP API event
(:mod:`.api_gateway_v2`), told apart by the ``.lambda-url.`` domain. ``routeKey`` and ``stage``
may be absent. The result is the payload 2.0 layout; Lambda's 6 MB limit applies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from mangum._http.response import LAMBDA_RESPONSE_LIMIT, ResponseShape
from mangum._sources import api_gateway_v2
from mangum._sources.registry import FUNCTION_URL, HttpEvent, SampleBuilder, event_schema, validated
from mangum._validation.validators import LazyValidator

if TYPE_CHECKING:
    from mangum._sources import samples
    from mangum._validation.generated.function_url import FunctionUrlEventDict
    from mangum.types import LambdaEvent

VALIDATOR: LazyValidator[FunctionUrlEventDict] = LazyValidator(
    event_schema("function_url"), FUNCTION_URL.model, "name"
)
RESPONSE = ResponseShape("FunctionUrlResponse", api_gateway_v2.result)


def read(event: Mapping[str, object]) -> HttpEvent:
    """Validate a Function URL event and reduce it."""
    return HttpEvent(api_gateway_v2.request(validated(VALIDATOR, event)), RESPONSE, LAMBDA_RESPONSE_LIMIT)


def sample(request: samples.SampleRequest) -> LambdaEvent:
    """A Function URL event."""
    from mangum._sources import samples  # only a sample needs it, not an event

    url_id = samples.token(32)
    return api_gateway_v2.payload_v2_sample(request, f"{url_id}.lambda-url.{samples.REGION}.on.aws", url_id)


SAMPLES: Mapping[str, SampleBuilder] = {"function-url": sample}
"""The sample events this home builds, by name (found by :func:`~mangum._sources.registry.home`)."""
