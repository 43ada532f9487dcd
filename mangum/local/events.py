"""The events AWS sends for a real HTTP request: REST API, HTTP API, ALB and Function URL.

``python -m mangum serve`` turns each request it receives into a :class:`GatewayRequest` (what the
client sent, where from, when) and then into the event of the chosen source, built by the source's
event builder in :mod:`mangum._sources.builders`: the builder the sample events use too, so a served
event and a sample are laid out by the same code. An ALB here has single-value maps (the default
target group setting).

:func:`sample_event` gives a sample event of any source (``python -m mangum event`` prints them), to
invoke a function with by hand, e.g. through :class:`~mangum.local.runtime_api.RuntimeApiServer`.

Bodies that are text (a textual ``Content-Type``, valid UTF-8) are passed as they are; any other
body is base64 with ``isBase64Encoded: true``, as API Gateway does with binary media types ``*/*``.
The proxies' ``X-Forwarded-For`` / ``-Port`` / ``-Proto`` headers are added, from the connection.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Literal, TypeAlias

from mangum._http.response import encode_body, is_text_media_type
from mangum._sources import builders
from mangum._sources.builders import DEFAULT_STAGE as DEFAULT_STAGE, stage_path as stage_path
from mangum._sources.samples import sample_event as sample_event
from mangum.config import DEFAULT_TEXT_MIME_TYPES
from mangum.types import LambdaEvent

HttpSourceName: TypeAlias = Literal["api_gateway_v1", "api_gateway_v2", "alb", "function_url"]
"""The sources ``serve`` can put in front of a function, by their registry names
(:data:`~mangum._sources.registry.SourceName`); ``--source`` also takes the aliases ``rest``,
``http`` and ``url`` (:data:`mangum._cli.ALIASES`)."""

_FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True, slots=True)
class GatewayRequest:
    """One request as the gateway received it.

    ``path`` is the percent-decoded path and ``raw_path`` the path as sent; ``query`` the raw query
    string; ``headers`` every header in order, names lower-cased; ``body`` the bytes received;
    ``source_ip`` the client's address; ``host`` the ``Host`` header; ``port`` and ``scheme`` where
    the gateway listens.
    """

    method: str
    path: str
    raw_path: str
    query: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    source_ip: str
    host: str
    port: int
    scheme: str = "http"
    protocol: str = "HTTP/1.1"
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    request_id: str = field(default_factory=builders.random_uuid)

    def header(self, name: str) -> str | None:
        """The last value of a header (by lower-case name)."""
        found = None
        for key, value in self.headers:
            if key == name:
                found = value
        return found

    @property
    def user_agent(self) -> str:
        """The ``User-Agent`` header ('' without one)."""
        return self.header("user-agent") or ""

    def forwarded_headers(self) -> list[tuple[str, str]]:
        """The headers with what the service's proxy adds: ``X-Forwarded-For``, ``-Port``, ``-Proto``."""
        sent = [(name, value) for name, value in self.headers if not name.startswith("x-forwarded-")]
        forwarded_for = self.header("x-forwarded-for")
        chain = f"{forwarded_for}, {self.source_ip}" if forwarded_for else self.source_ip
        return [
            *sent,
            ("x-forwarded-for", chain),
            ("x-forwarded-port", str(self.port)),
            ("x-forwarded-proto", self.scheme),
        ]

    def event_request(self) -> builders.EventRequest:
        """The request as the event builders take it: the proxy's headers added, the body as the
        event carries it (``None`` for none)."""
        text, base64 = body_field(self)
        return builders.EventRequest(
            method=self.method,
            path=self.path,
            raw_path=self.raw_path,
            query=self.query,
            headers=self.forwarded_headers(),
            body=text if self.body else None,
            base64=base64,
            source_ip=self.source_ip,
            user_agent=self.user_agent,
            protocol=self.protocol,
            request_id=self.request_id,
            now=self.now,
        )


def body_field(request: GatewayRequest) -> tuple[str, bool]:
    """The body as the event carries it: ``(text, isBase64Encoded)``."""
    media_type = (request.header("content-type") or "").partition(";")[0].strip().lower()
    textual = not media_type or media_type == _FORM or is_text_media_type(media_type, DEFAULT_TEXT_MIME_TYPES)
    encoded = encode_body(request.body, textual=textual and not request.header("content-encoding"))
    return encoded.text, encoded.base64


def rest_event(request: GatewayRequest, stage: str, api_id: str) -> LambdaEvent:
    """The REST API event (``request.path`` without the stage)."""
    return builders.api_gateway_v1_event(
        request.event_request(), host=request.host, stage=stage, api_id=api_id
    )


def http_api_event(request: GatewayRequest, stage: str, api_id: str) -> LambdaEvent:
    """The HTTP API event (``request.raw_path`` with the stage)."""
    return builders.api_gateway_v2_event(
        request.event_request(), host=request.host, stage=stage, api_id=api_id
    )


def function_url_event(request: GatewayRequest, stage: str, api_id: str) -> LambdaEvent:
    """The Function URL event, on the function's ``lambda-url`` domain named after ``api_id``."""
    return builders.function_url_event(request.event_request(), url_id=api_id)


def alb_event(request: GatewayRequest, stage: str, api_id: str) -> LambdaEvent:
    """The ALB event of a target group without multi-value headers, named after ``api_id``."""
    target_group = f"lambda-{api_id}/{api_id.encode().hex()[:16]}"
    return builders.alb_event(request.event_request(), target_group=target_group, multi_value=False)


EventBuilder: TypeAlias = Callable[[GatewayRequest, str, str], LambdaEvent]

BUILDERS: Mapping[HttpSourceName, EventBuilder] = {
    "api_gateway_v1": rest_event,
    "api_gateway_v2": http_api_event,
    "alb": alb_event,
    "function_url": function_url_event,
}
"""The event builder of each source: ``builder(request, stage, api_id)``."""
