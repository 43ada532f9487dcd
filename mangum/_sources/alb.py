"""Application Load Balancer events, in single-value and multi-value header mode.

Request: with multi-value headers enabled on the target group, ALB sends ``multiValueHeaders`` and
``multiValueQueryStringParameters`` instead of ``headers`` and ``queryStringParameters``. It passes
the query on still percent-encoded, as the client sent it, and reports no caller address: the
client is the left-most ``X-Forwarded-For`` entry. There is no mount.

Result: ``statusDescription`` as ``"<code> <reason>"``, and the header form of the event's mode:
``multiValueHeaders`` in multi-value mode, ``headers`` otherwise (a repeated header under several
spellings of its name, see :func:`_single_value_headers`). Lambda's 6 MB limit applies.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import product
from typing import TYPE_CHECKING

from mangum._http.request import (
    HeaderPairs,
    HttpEvent,
    Request,
    decode_pairs,
    first_value,
    query_pairs,
    value_map_pairs,
    value_map_parts,
)
from mangum._http.response import (
    LAMBDA_RESPONSE_LIMIT,
    EncodedBody,
    ResponseHeader,
    ResponseShape,
    group_values,
    reason_phrase,
)
from mangum._http.scope import forwarded_client_ip
from mangum._sources.registry import ALB, event_schema, validated
from mangum._validation.validators import LazyValidator
from mangum.exceptions import InvalidResponse

if TYPE_CHECKING:
    from mangum._http.request import RequestKind, ValueMaps
    from mangum._validation.generated.alb import AlbEventDict
    from mangum._validation.generated.results import AlbResponseDict

VALIDATOR: LazyValidator[AlbEventDict] = LazyValidator(event_schema("alb"), ALB.model, "name", sparse=True)


def multi_value(data: ValueMaps) -> bool:
    """Whether the target group has multi-value headers enabled (the result must match)."""
    return (
        data.get("multi_value_headers") is not None
        or data.get("multi_value_query_string_parameters") is not None
    )


def query_items(data: ValueMaps) -> HeaderPairs:
    """Query parameters, percent-decoded."""
    return decode_pairs(query_pairs(data))


def encoded_query(data: ValueMaps) -> str:
    """The query string as the client sent it (ALB does not decode it, so it is not re-encoded)."""
    return "&".join(
        value_map_parts(data.get("query_string_parameters"), data.get("multi_value_query_string_parameters"))
    )


def request(data: AlbEventDict) -> Request:
    """The request of a validated ALB event."""
    return reduced(data, Request)


def reduced(data: AlbEventDict, kind: type[RequestKind]) -> RequestKind:
    """The request of a validated ALB event, as a ``kind``."""
    # A list of pairs, not the multi-value view: x-forwarded-for is looked up among them first.
    headers = value_map_pairs(data.get("headers"), data.get("multi_value_headers"))
    forwarded_for = first_value(headers, "x-forwarded-for")
    # Positionally: keyword arguments cost more on the hot path.
    return kind(
        data["http_method"],  # method
        None,  # protocol
        "",  # mount
        data["path"],  # route
        forwarded_client_ip(forwarded_for) if forwarded_for else None,  # caller (a health check has none)
        headers,  # headers
        encoded_query(data),  # query
        data.get("body"),  # body
        data["is_base64_encoded"],  # body_base64
    )


def _case_variants(name: str) -> Iterator[str]:
    """Every spelling of ``name`` that differs only in letter case: the lower-cased one first, then
    with the first letter upper-cased, the second, both, and so on (the original mangum's order)."""
    options = [(char, char.upper()) if char.isalpha() else (char,) for char in reversed(name.lower())]
    # product() varies its last iterable fastest; reversing makes the first letter change first.
    return ("".join(reversed(spelling)) for spelling in product(*options))


def _single_value_headers(headers: list[ResponseHeader]) -> dict[str, str]:
    """ALB's single-value ``headers``: a header sent once under the app's spelling; one sent several
    times with each value under its own spelling of the name (``set-cookie``, ``Set-cookie``,
    ``sEt-cookie``...).

    The map holds one value per key and not every header can be joined (cookies' ``Expires`` dates
    contain commas); the load balancer sends every spelling on as a separate header, so the client
    gets each value as the app sent it. This is what the original mangum (and serverless-wsgi) do.
    """
    result: dict[str, str] = {}
    for name, values in group_values(headers).items():
        if len(values) == 1:
            result[name] = values[0]
            continue
        variants = list(zip(_case_variants(name), values, strict=False))
        if len(variants) < len(values):
            raise InvalidResponse(
                f"headers: ALB without multi-value headers can carry at most {len(variants)} "
                f"{name} headers; enable multi-value headers on the target group"
            )
        result.update(variants)
    return result


def _status_description(status: int) -> str:
    phrase = reason_phrase(status)
    return f"{status} {phrase}" if phrase else str(status)


def single_value_result(status: int, headers: list[ResponseHeader], body: EncodedBody) -> AlbResponseDict:
    """The result for a target group without multi-value headers."""
    return {
        "statusCode": status,
        "statusDescription": _status_description(status),
        "headers": _single_value_headers(headers),
        "body": body.text,
        "isBase64Encoded": body.base64,
    }


def multi_value_result(status: int, headers: list[ResponseHeader], body: EncodedBody) -> AlbResponseDict:
    """The result for a target group with multi-value headers enabled."""
    return {
        "statusCode": status,
        "statusDescription": _status_description(status),
        "multiValueHeaders": group_values(headers),
        "body": body.text,
        "isBase64Encoded": body.base64,
    }


SINGLE_VALUE_RESPONSE = ResponseShape("AlbResponse", single_value_result)
MULTI_VALUE_RESPONSE = ResponseShape("AlbResponse", multi_value_result)


def read(event: Mapping[str, object]) -> HttpEvent:
    """Validate an ALB event and reduce it."""
    data = validated(VALIDATOR, event)
    shape = MULTI_VALUE_RESPONSE if multi_value(data) else SINGLE_VALUE_RESPONSE
    http_event = reduced(data, HttpEvent)
    http_event.response = shape
    http_event.limit = LAMBDA_RESPONSE_LIMIT
    return http_event
