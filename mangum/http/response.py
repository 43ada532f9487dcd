"""The collected ASGI response turned into the response model of the event's source.

Pure: no I/O, no state. :func:`build_response` is the adapter's hot path; :func:`error_response`
builds its own 400/500 answers the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import ValidationError

from mangum.config import Config
from mangum.events.source_checks import is_alb, is_api_gateway_v1, is_cloudfront, is_function_url
from mangum.exceptions import InvalidResponse
from mangum.http import response_shapes
from mangum.http.body_encoding import EncodedBody, encode_body, is_text_media_type
from mangum.http.collected import CollectedResponse
from mangum.http.payload_size import check_result_size, reject_oversized_body, response_limit
from mangum.http.response_headers import ResponseHeader, decode_headers
from mangum.responses import ApiGatewayV2Response, FunctionUrlResponse, LambdaResponseModel

if TYPE_CHECKING:
    from mangum.events.sources import LambdaHttpEvent

PLAIN_TEXT_HEADERS: list[tuple[bytes, bytes]] = [(b"content-type", b"text/plain; charset=utf-8")]


def _shape(
    event: LambdaHttpEvent, status: int, headers: list[ResponseHeader], body: EncodedBody
) -> LambdaResponseModel:
    if is_api_gateway_v1(event):
        return response_shapes.api_gateway_v1(status, headers, body)
    if is_alb(event):
        return response_shapes.alb(status, headers, body, multi_value=event.multi_value)
    if is_cloudfront(event):
        return response_shapes.lambda_edge(status, headers, body)
    model = FunctionUrlResponse if is_function_url(event) else ApiGatewayV2Response
    return response_shapes.api_gateway_v2(model, status, headers, body)


def _path_part(part: str | int) -> str:
    text = str(part)
    # A header name is part of the path; one with a line break could smuggle a value in.
    return "<header name>" if "\r" in text or "\n" in text else text


def _invalid_response(error: ValidationError) -> InvalidResponse:
    """Name each failing field and what is wrong, never the offending value."""
    problems = [
        f"{'.'.join(_path_part(part) for part in detail['loc'] if part != '[key]')}: "
        f"{detail['msg'].removeprefix('Value error, ')}"
        for detail in error.errors(include_url=False, include_input=False, include_context=False)
    ]
    return InvalidResponse(f"the app's response does not fit {error.title}: {'; '.join(problems)}")


def build_response(
    event: LambdaHttpEvent, response: CollectedResponse, config: Config
) -> LambdaResponseModel:
    """The result to return to Lambda for ``response``, in the layout of ``event``'s source.

    Header names keep the app's spelling and ``config.exclude_headers`` are dropped. The body is
    text when its media type is textual (``text/*``, ``config.text_mime_types``, ``+json``,
    ``+xml``), no ``Content-Encoding`` compresses it and it is valid UTF-8; base64 otherwise.

    Raises :class:`~mangum.exceptions.InvalidResponse` when the app produced something Lambda would
    refuse (a status outside 100-599, CR or LF in a header), and
    :class:`~mangum.exceptions.ResponseTooLarge` when the result would exceed the source's limit.
    """
    decoded = decode_headers(response.headers, config.exclude_headers)
    limit = response_limit(event)
    reject_oversized_body(len(response.body), limit)
    textual = not decoded.content_encoded and is_text_media_type(decoded.media_type, config.text_mime_types)
    body = encode_body(response.body, textual=textual)
    try:
        model = _shape(event, response.status, decoded.headers, body)
    except ValidationError as error:
        raise _invalid_response(error) from None
    check_result_size(model, body, len(response.body), decoded.chars, len(decoded.headers), limit)
    return model


def error_response(event: LambdaHttpEvent, status: int, message: str, config: Config) -> LambdaResponseModel:
    """A plain-text answer of the adapter's own (``content-type: text/plain; charset=utf-8``)."""
    return build_response(
        event, CollectedResponse(status, list(PLAIN_TEXT_HEADERS), message.encode()), config
    )
