"""Lambda Function URLs: payload format 2.0, laid out as an HTTP API event
(:mod:`.api_gateway_v2`), told apart by the ``.lambda-url.`` domain. ``routeKey`` and ``stage``
may be absent. The result is the payload 2.0 layout; Lambda's 6 MB limit applies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from mangum._http.payload_size import LAMBDA_RESPONSE_LIMIT
from mangum._http.response import ResponseShape
from mangum._sources import api_gateway_v2, samples
from mangum._sources.contract import HttpEvent, HttpSource, event_schema, validated
from mangum._validation.validators import LazyValidator

if TYPE_CHECKING:
    from mangum._validation.generated.function_url import FunctionUrlEventDict
    from mangum.types import LambdaEvent

MODEL = "mangum.events.api_gateway_v2:FunctionUrlEvent"
VALIDATOR: LazyValidator[FunctionUrlEventDict] = LazyValidator(event_schema("function_url"), MODEL, "name")
RESPONSE = ResponseShape("FunctionUrlResponse", api_gateway_v2.result)


def read(event: Mapping[str, object]) -> HttpEvent:
    """Validate a Function URL event and reduce it."""
    return HttpEvent(api_gateway_v2.request(validated(VALIDATOR, event)), RESPONSE, LAMBDA_RESPONSE_LIMIT)


def matches(event: Mapping[str, object], request_context: Mapping[str, object]) -> bool:
    """Payload format 2.0 whose ``requestContext.domainName`` contains ``.lambda-url.``."""
    domain = request_context.get("domainName")
    return event.get("version") == "2.0" and isinstance(domain, str) and ".lambda-url." in domain


def sample(request: samples.SampleRequest) -> LambdaEvent:
    """A Function URL event."""
    url_id = samples.token(32)
    return api_gateway_v2.payload_v2_sample(request, f"{url_id}.lambda-url.{samples.REGION}.on.aws", url_id)


SOURCE = HttpSource(
    name="function_url",
    model=MODEL,
    detection="version 2.0 and a .lambda-url. domain",
    matches=matches,
    read=read,
    samples={"function-url": sample},
)
