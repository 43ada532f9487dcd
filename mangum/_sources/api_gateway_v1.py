"""API Gateway REST APIs (payload format 1.0, which HTTP APIs can also be configured to send).

Request: API Gateway sends headers and query parameters in single- and multi-value maps, already
decoded. The mount is ``requestContext.path`` minus the trailing event ``path``: the stage on the
default ``execute-api`` domain, the base path mapping on a custom domain.

Result: names sent once in ``headers``; repeated names (compared case-insensitively) with all their
values in ``multiValueHeaders``. Lambda's 6 MB limit applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from mangum._http.request import (
    HeaderPairs,
    HttpEvent,
    Request,
    encode_value_maps,
    header_items,
    query_pairs,
    single_values_unread,
)
from mangum._http.response import (
    LAMBDA_RESPONSE_LIMIT,
    EncodedBody,
    ResponseHeader,
    ResponseShape,
)
from mangum._http.scope import stage_prefix
from mangum._sources.registry import API_GATEWAY_V1, event_schema, validated
from mangum._validation.validators import LazyValidator

if TYPE_CHECKING:
    from mangum._http.request import RequestKind, ValueMaps
    from mangum._validation.generated.api_gateway_v1 import ApiGatewayV1EventDict
    from mangum._validation.generated.results import ApiGatewayV1ResponseDict

VALIDATOR: LazyValidator[ApiGatewayV1EventDict] = LazyValidator(
    event_schema("api_gateway_v1"), API_GATEWAY_V1.model, "name", sparse=True
)


def query_items(data: ValueMaps) -> HeaderPairs:
    """Query parameters (API Gateway has already decoded them), every value kept; WebSocket
    events lay them out the same way."""
    return query_pairs(data)


def encoded_query(data: ValueMaps) -> str:
    """The query re-encoded from the decoded parameters (API Gateway does not send it raw)."""
    return encode_value_maps(
        data.get("query_string_parameters"), data.get("multi_value_query_string_parameters")
    )


def request(data: ApiGatewayV1EventDict) -> Request:
    """The request of a validated REST API event."""
    return reduced(data, Request)


def reduced(data: ApiGatewayV1EventDict, kind: type[RequestKind]) -> RequestKind:
    """The request of a validated REST API event, as a ``kind`` (optional fields read with
    ``.get()``: a sparse validator leaves them out, see
    :class:`~mangum._validation.validators.LazyValidator`)."""
    context = data["request_context"]
    identity = context.get("identity")
    # Positionally: keyword arguments cost more on the hot path.
    return kind(
        data["http_method"],  # method
        context.get("protocol"),  # protocol
        stage_prefix(context.get("path"), data["path"]),  # mount
        data["path"],  # route
        identity.get("source_ip") if identity else None,  # caller
        header_items(data),  # headers
        encoded_query(data),  # query
        data.get("body"),  # body
        data["is_base64_encoded"],  # body_base64
    )


def single_and_multi_value(headers: list[ResponseHeader]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The names sent once with their value, and the repeated names with every value (names
    compared case-insensitively and spelled as first sent, both maps in the order first sent)."""
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    spelling: dict[str, str] = {}
    # One pass: a name moves from ``single`` to ``multi`` when it comes again.
    for name, key, value in headers:
        first = spelling.get(key)
        if first is None:
            spelling[key] = name
            single[name] = value
        elif first in multi:
            multi[first].append(value)
        else:
            multi[first] = [single.pop(first), value]
    if len(multi) > 1:
        # Moved in the order each came again: put back in the order first sent.
        multi = {name: multi[name] for name in spelling.values() if name in multi}
    return single, multi


def result(status: int, headers: list[ResponseHeader], body: EncodedBody) -> ApiGatewayV1ResponseDict:
    """The REST API result layout (see the module docs)."""
    single, multi = single_and_multi_value(headers)
    return {
        "statusCode": status,
        "headers": single,
        "multiValueHeaders": multi,
        "body": body.text,
        "isBase64Encoded": body.base64,
    }


RESPONSE = ResponseShape("ApiGatewayV1Response", result)


_UNREAD_WORTH_LEAVING = 5
"""How many entries ``headers`` must have before leaving it out of the validation pays: copying the
event and testing the maps cost about 3.4K instructions, validating a header about 0.65K."""


def read(event: Mapping[str, object]) -> HttpEvent:
    """Validate a REST API event and reduce it."""
    headers = event.get("headers")
    if type(headers) is dict and len(headers) > _UNREAD_WORTH_LEAVING and single_values_unread(event):
        # Most REST events carry both header maps: only the one read is validated (see
        # single_values_unread for why the verdict stays the same).
        event = {**event, "headers": None}
    http_event = reduced(validated(VALIDATOR, event), HttpEvent)
    http_event.response = RESPONSE
    http_event.limit = LAMBDA_RESPONSE_LIMIT
    return http_event
