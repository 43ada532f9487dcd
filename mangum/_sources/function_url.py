"""Lambda Function URLs: payload format 2.0, laid out as an HTTP API event
(:mod:`.api_gateway_v2`), told apart by the ``.lambda-url.`` domain. ``routeKey`` and ``stage``
may be absent. The result is the payload 2.0 layout; Lambda's 6 MB limit applies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from mangum._http.request import HttpEvent
from mangum._http.response import LAMBDA_RESPONSE_LIMIT, ResponseShape
from mangum._sources import api_gateway_v2
from mangum._sources.registry import FUNCTION_URL, event_schema, validated
from mangum._validation.validators import LazyValidator

if TYPE_CHECKING:
    from mangum._validation.generated.function_url import FunctionUrlEventDict

VALIDATOR: LazyValidator[FunctionUrlEventDict] = LazyValidator(
    event_schema("function_url"), FUNCTION_URL.model, "name", sparse=True
)
RESPONSE = ResponseShape("FunctionUrlResponse", api_gateway_v2.result)


def read(event: Mapping[str, object]) -> HttpEvent:
    """Validate a Function URL event and reduce it."""
    http_event = api_gateway_v2.reduced(validated(VALIDATOR, event), HttpEvent)
    http_event.response = RESPONSE
    http_event.limit = LAMBDA_RESPONSE_LIMIT
    return http_event
