"""What every source's sample events are made of: the request asked for, fresh ids and the time.

Each source builds its own samples in its home; ``python -m mangum event SOURCE`` prints one. Every
sample is shaped like what the service sends and validates against the source's model.
"""

from __future__ import annotations

import base64
import json
import secrets
import string
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

from mangum._http.request import decode_query

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
SOURCE_IP = "203.0.113.10"
USER_AGENT = "mangum-sample/1.0"


@dataclass(frozen=True)
class SampleRequest:
    """What the sample asks for, and the ids and time that make it fresh."""

    method: str = "GET"
    path: str = "/"
    query: str = ""
    body: str | None = None
    extra_headers: tuple[tuple[str, str], ...] = ()
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    api_id: str = field(default_factory=lambda: token(10))

    @property
    def epoch_ms(self) -> int:
        """The time in milliseconds since the epoch."""
        return int(self.now.timestamp() * 1000)

    @property
    def clf_time(self) -> str:
        """The time as API Gateway writes it: ``12/Mar/2020:19:03:58 +0000``."""
        return self.now.strftime("%d/%b/%Y:%H:%M:%S +0000")

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


def body_content_type(body: str) -> str:
    """The content type a client would send ``body`` with: JSON's when it parses as JSON, else
    UTF-8 text."""
    try:
        json.loads(body)
    except ValueError:
        return "text/plain; charset=utf-8"
    return "application/json"


def token(length: int) -> str:
    """A random lower-case alphanumeric id."""
    return "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(length))


def connection_id() -> str:
    """A random id in the form API Gateway gives connection and extended request ids."""
    return base64.b64encode(secrets.token_bytes(11)).decode()


def multi_value(values: dict[str, str]) -> dict[str, list[str]]:
    """A single-value map as the multi-value map API Gateway sends beside it."""
    return {name: [value] for name, value in values.items()}


def decoded_multi_value(query: str) -> dict[str, list[str]]:
    """A query string as API Gateway's decoded multi-value parameter map."""
    params: dict[str, list[str]] = {}
    for name, value in decode_query(query):
        params.setdefault(name, []).append(value)
    return params
