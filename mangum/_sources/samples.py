"""The sample events of every source: a made-up request, fresh ids and the time, laid out by the
source's event builder (:mod:`mangum._sources.builders`, which ``serve`` uses too).

``python -m mangum event SOURCE`` prints one (:func:`sample_event`). Every sample is shaped like what
the service sends and validates against the source's model. The short names the command lines take
for samples and sources (:data:`CLI_ALIASES`) are here too. Reading an event never imports this
module.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timezone
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeAlias

from mangum._sources import builders
from mangum._sources.builders import EventRequest, execute_api_host

if TYPE_CHECKING:
    from mangum.types import LambdaEvent

SOURCE_IP = "203.0.113.10"
USER_AGENT = "mangum-sample/1.0"
SAMPLE_STAGE = "prod"
ALB_HOST = "lambda-alb-123578498.us-east-1.elb.amazonaws.com"
CLOUDFRONT_HOST = "d111111abcdef8.cloudfront.net"


class SampleRequest:
    """What the sample asks for, and the ids and time that make it fresh (new ones by default)."""

    __slots__ = ("api_id", "body", "extra_headers", "method", "now", "path", "query", "request_id")

    def __init__(
        self,
        *,
        method: str = "GET",
        path: str = "/",
        query: str = "",
        body: str | None = None,
        extra_headers: tuple[tuple[str, str], ...] = (),
        now: datetime | None = None,
        request_id: str | None = None,
        api_id: str | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.extra_headers = extra_headers
        self.now = now or datetime.now(timezone.utc)
        self.request_id = request_id or builders.random_uuid()
        self.api_id = api_id or builders.token(10)

    def headers(self, host: str) -> dict[str, str]:
        """The headers a client and the service's proxy would have sent to ``host``."""
        sent = {
            "accept": "*/*",
            "host": host,
            "user-agent": USER_AGENT,
            "x-amzn-trace-id": f"Root=1-{int(self.now.timestamp()):08x}-{secrets.token_hex(12)}",
            "x-forwarded-for": SOURCE_IP,
            "x-forwarded-port": "443",
            "x-forwarded-proto": "https",
        }
        if self.body is not None:
            sent["content-type"] = body_content_type(self.body)
        sent.update((name.lower(), value) for name, value in self.extra_headers)
        return sent

    def event_request(self, host: str) -> EventRequest:
        """The request as the event builders take it, sent to ``host`` from the sample caller."""
        return EventRequest(
            method=self.method,
            path=self.path,
            raw_path=self.path,
            query=self.query,
            headers=list(self.headers(host).items()),
            body=self.body,
            base64=False,
            source_ip=SOURCE_IP,
            user_agent=USER_AGENT,
            protocol="HTTP/1.1",
            request_id=self.request_id,
            now=self.now,
        )


def body_content_type(body: str) -> str:
    """The content type a client would send ``body`` with: JSON's when it parses as JSON, else
    UTF-8 text."""
    try:
        json.loads(body)
    except ValueError:
        return "text/plain; charset=utf-8"
    return "application/json"


class SampleConnection:
    """A WebSocket connection of the sample caller, opened now on stage ``prod``."""

    __slots__ = (
        "api_id",
        "authorizer",
        "connected_at",
        "connection_id",
        "domain",
        "source_ip",
        "stage",
        "user_agent",
    )

    def __init__(self, request: SampleRequest) -> None:
        self.connection_id = builders.connection_id()
        self.source_ip = SOURCE_IP
        self.user_agent = USER_AGENT
        self.stage = SAMPLE_STAGE
        self.domain = execute_api_host(request.api_id)
        self.api_id = request.api_id
        self.connected_at = request.now
        self.authorizer: Mapping[str, object] | None = None


def api_gateway_v1(request: SampleRequest) -> LambdaEvent:
    """A REST API event, stage ``prod`` on the default domain."""
    host = execute_api_host(request.api_id)
    return builders.api_gateway_v1_event(
        request.event_request(host), host=host, stage=SAMPLE_STAGE, api_id=request.api_id
    )


def api_gateway_v2(request: SampleRequest) -> LambdaEvent:
    """An HTTP API event, ``$default`` stage."""
    host = execute_api_host(request.api_id)
    return builders.api_gateway_v2_event(
        request.event_request(host), host=host, stage=builders.DEFAULT_STAGE, api_id=request.api_id
    )


def function_url(request: SampleRequest) -> LambdaEvent:
    """A Function URL event."""
    url_id = builders.token(32)
    host = f"{url_id}.lambda-url.{builders.REGION}.on.aws"
    return builders.function_url_event(request.event_request(host), url_id=url_id)


def _alb(request: SampleRequest, *, multi_value: bool) -> LambdaEvent:
    target_group = f"lambda-{builders.token(8)}/{secrets.token_hex(8)}"
    return builders.alb_event(
        request.event_request(ALB_HOST), target_group=target_group, multi_value=multi_value
    )


def alb(request: SampleRequest) -> LambdaEvent:
    """An ALB event, single-value headers."""
    return _alb(request, multi_value=False)


def alb_multi_value(request: SampleRequest) -> LambdaEvent:
    """An ALB event from a target group with multi-value headers enabled."""
    return _alb(request, multi_value=True)


def cloudfront(request: SampleRequest) -> LambdaEvent:
    """A Lambda@Edge origin-request event, body included."""
    return builders.cloudfront_event(
        request.event_request(CLOUDFRONT_HOST), distribution_domain=CLOUDFRONT_HOST
    )


def websocket_connect(request: SampleRequest) -> LambdaEvent:
    """A ``$connect`` event: the handshake's headers and query string."""
    connection = SampleConnection(request)
    headers = request.headers(connection.domain) | {
        "sec-websocket-key": base64.b64encode(secrets.token_bytes(16)).decode(),
        "sec-websocket-version": "13",
    }
    return builders.websocket_connect_event(connection, list(headers.items()), request.query, request.now)


def websocket_message(request: SampleRequest) -> LambdaEvent:
    """A message: the body given, else an ``action`` for the ``sendmessage`` route."""
    body = request.body if request.body is not None else '{"action": "sendmessage", "data": "hello"}'
    return builders.websocket_message_event(SampleConnection(request), body, request.now)


def websocket_disconnect(request: SampleRequest) -> LambdaEvent:
    """A ``$disconnect`` event after the client closed normally."""
    return builders.websocket_disconnect_event(
        SampleConnection(request), 1000, "Client closed the connection", request.now
    )


SampleBuilder: TypeAlias = "Callable[[SampleRequest], LambdaEvent]"

SAMPLES: Mapping[str, SampleBuilder] = {
    "api_gateway_v1": api_gateway_v1,
    "api_gateway_v2": api_gateway_v2,
    "function_url": function_url,
    "alb": alb,
    "alb_multi_value": alb_multi_value,
    "cloudfront": cloudfront,
    "websocket_connect": websocket_connect,
    "websocket_message": websocket_message,
    "websocket_disconnect": websocket_disconnect,
}
"""Every sample's builder, by sample name (the names the registry's entries give)."""


# --- the command lines' names ----------------------------------------------------------------------

CLI_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "rest": "api_gateway_v1",
        "http": "api_gateway_v2",
        "url": "function_url",
        "function-url": "function_url",
        "alb-multi": "alb_multi_value",
        "websocket-connect": "websocket_connect",
        "websocket-message": "websocket_message",
        "websocket-disconnect": "websocket_disconnect",
    }
)
"""The short names the command lines take besides the registry's names, each with the name it
stands for: ``python -m mangum event`` takes every one, ``serve --source`` those of the sources it
serves (``rest``, ``http``, ``url``). Only the command lines read this table (through
:func:`canonical_name`, as they parse their arguments): everywhere else a source, and a sample, is
known by its registry name alone."""


def canonical_name(text: str) -> str:
    """The registry's name for a source or sample given on the command line (an alias mapped)."""
    return CLI_ALIASES.get(text, text)


def aliases_of(names: Iterable[str]) -> str:
    """``names`` for a help text, each with its aliases: ``api_gateway_v1 (rest), ...``."""
    described = []
    for name in names:
        short = [alias for alias, target in CLI_ALIASES.items() if target == name]
        described.append(f"{name} ({', '.join(short)})" if short else name)
    return ", ".join(described)


def sample_event(
    name: str,
    *,
    method: str = "GET",
    path: str = "/",
    body: str | None = None,
    headers: Sequence[tuple[str, str]] = (),
) -> LambdaEvent:
    """A fresh sample event ``name`` (a key of :data:`SAMPLES`, and of the registry's) for
    ``method`` and ``path`` (which may carry a ``?query``), with ``headers`` added. Raises
    :class:`KeyError` for an unknown name."""
    route, _, query = path.partition("?")
    request = SampleRequest(
        method=method.upper(), path=route or "/", query=query, body=body, extra_headers=tuple(headers)
    )
    return SAMPLES[name](request)
