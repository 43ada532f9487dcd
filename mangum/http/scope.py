"""``build_http_scope``: one HTTP event model to the ASGI 3.0 HTTP scope (spec version 2.3).

Pure: no I/O, no global state. Each source only says where its request line lives (method,
protocol, path, caller address); headers, query string, client, server and paths are then derived
by the helpers every source shares.

Paths (see ``docs/paths.md`` for examples): ``root_path`` is the mount point and ``path`` includes
it, as uvicorn >= 0.26 does, so frameworks route on ``path`` minus ``root_path`` (exactly the path
PyPI mangum routes) and generate URLs that include the mount.

- REST API (v1): the mount is ``requestContext.path`` minus the trailing event ``path`` (the stage
  on the default execute-api domain, the base path mapping on a custom domain); the route is
  ``path``.
- HTTP API (v2) and Function URL: no mount; the route is ``rawPath`` (it includes a named stage,
  which users strip with ``api_gateway_base_path``).
- ALB: no mount; the route is ``path``. CloudFront: no mount; the route is ``uri``.
- ``api_gateway_base_path``, when the route starts with it segment-wise, moves into the mount.

Every source's path is taken as the percent-encoded form: ``path`` and ``root_path`` are decoded
from it (PyPI mangum decodes every source's path too; decoding an already-decoded path changes
only literal ``%XX`` sequences), and ``raw_path`` is it with anything not URL-safe encoded.

Other keys: ``query_string`` is :meth:`~mangum.events.RequestEvent.encoded_query` (ALB's, already
encoded, is not encoded again); ``headers`` are :meth:`~mangum.events.RequestEvent.header_items`
lower-cased and latin-1 encoded (UTF-8 for values latin-1 cannot hold); ``scheme`` comes from
``X-Forwarded-Proto``; ``client`` from the source's caller address (ALB: the left-most
``X-Forwarded-For`` entry); ``server`` from ``Host`` and ``X-Forwarded-Port``. ``aws.event`` is the
raw event object as received, ``aws.context`` the Lambda context and ``mangum.event`` the event model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from mangum.config import Config
from mangum.events.source_checks import is_alb, is_api_gateway_v1, is_payload_v2
from mangum.http.endpoints import client_address, forwarded_client_ip, server_address
from mangum.http.headers import asgi_headers
from mangum.http.paths import scope_path, stage_prefix
from mangum.http.protocol import http_version, request_scheme
from mangum.types import LambdaContext, LambdaEvent, Scope

if TYPE_CHECKING:
    from mangum.events.sources import LambdaHttpEvent

ASGI_VERSIONS: dict[str, str] = {"version": "3.0", "spec_version": "2.3"}


class RequestLine(NamedTuple):
    """Where one source keeps what the shared helpers cannot find in headers or query."""

    method: str
    protocol: str | None
    mount: str
    route: str
    caller: str | None


FirstHeaders = dict[bytes, bytes]
"""The first value of each request header, by lower-cased name (a view of the scope's headers)."""


def _header_text(headers: FirstHeaders, name: bytes) -> str | None:
    value = headers.get(name)
    return None if value is None else value.decode("latin-1")


def request_line(event: LambdaHttpEvent, headers: FirstHeaders) -> RequestLine:
    """The request line of an event, read from its source's fields."""
    if is_api_gateway_v1(event):
        context = event.request_context
        mount = stage_prefix(context.path, event.path)
        return RequestLine(event.http_method, context.protocol, mount, event.path, event.source_ip)
    if is_payload_v2(event):
        http = event.request_context.http
        return RequestLine(http.method, http.protocol, "", event.raw_path, http.source_ip)
    if is_alb(event):
        caller = forwarded_client_ip(_header_text(headers, b"x-forwarded-for"))
        return RequestLine(event.http_method, None, "", event.path, caller)
    request = event.request
    return RequestLine(request.method, None, "", request.uri, request.client_ip)


def build_http_scope(
    event: LambdaHttpEvent, raw_event: LambdaEvent, context: LambdaContext | None, config: Config
) -> Scope:
    """The ASGI HTTP scope for one request event (see the module docs for each key's source)."""
    headers = asgi_headers(event.header_items())
    # reversed: the first value of a repeated header wins, as get_header() would return it.
    first = dict(reversed(headers))
    line = request_line(event, first)
    paths = scope_path(line.mount, line.route, config.api_gateway_base_path)
    scheme = request_scheme(_header_text(first, b"x-forwarded-proto"))
    return {
        "type": "http",
        "asgi": ASGI_VERSIONS.copy(),
        "http_version": http_version(line.protocol),
        "method": line.method.upper(),
        "scheme": scheme,
        "path": paths.path,
        "raw_path": paths.raw_path,
        "root_path": paths.root_path,
        "query_string": event.encoded_query().encode("utf-8", errors="replace"),
        "headers": headers,
        "client": client_address(line.caller),
        "server": server_address(
            _header_text(first, b"host"), _header_text(first, b"x-forwarded-port"), scheme
        ),
        "aws.event": raw_event,
        "aws.context": context,
        "mangum.event": event,
    }
