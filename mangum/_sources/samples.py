"""What every source's sample events are made of: the request asked for, fresh ids and the time.

Each source builds its own samples in its home; ``python -m mangum event SOURCE`` prints one. Every
sample is shaped like what the service sends and validates against the source's model.

The source homes import this module inside their sample builders, not as they load: reading an
event never imports it, and what only a sample needs (random ids, the clock) is imported when the
first one is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mangum._http.request import decode_query

if TYPE_CHECKING:
    from datetime import datetime

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
SOURCE_IP = "203.0.113.10"
USER_AGENT = "mangum-sample/1.0"


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
        import uuid
        from datetime import datetime, timezone

        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.extra_headers = extra_headers
        self.now = now or datetime.now(timezone.utc)
        self.request_id = request_id or str(uuid.uuid4())
        self.api_id = api_id or token(10)

    @property
    def epoch_ms(self) -> int:
        """The time in milliseconds since the epoch."""
        return epoch_ms(self.now)

    @property
    def clf_time(self) -> str:
        """The time as API Gateway writes it: ``12/Mar/2020:19:03:58 +0000``."""
        return clf_time(self.now)

    def headers(self, host: str) -> dict[str, str]:
        """The headers a client and the service's proxy would have sent to ``host``."""
        import secrets

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
    import json

    try:
        json.loads(body)
    except ValueError:
        return "text/plain; charset=utf-8"
    return "application/json"


def epoch_ms(now: datetime) -> int:
    """A time in milliseconds since the epoch (``requestTimeEpoch``, ``timeEpoch``)."""
    return int(now.timestamp() * 1000)


def clf_time(now: datetime) -> str:
    """A UTC time as API Gateway writes it: ``12/Mar/2020:19:03:58 +0000``."""
    return now.strftime("%d/%b/%Y:%H:%M:%S +0000")


_TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def token(length: int) -> str:
    """A random lower-case alphanumeric id."""
    import secrets

    # One read of the system's randomness for the whole id (``secrets.choice`` per character made
    # one each: 6 to 32 system calls per event that ``serve`` builds). The 64 extra bits keep the
    # base-36 digits uniform to within 2**-64.
    number = int.from_bytes(secrets.token_bytes(length + 8), "big")
    digits = []
    for _ in range(length):
        number, digit = divmod(number, 36)
        digits.append(_TOKEN_ALPHABET[digit])
    return "".join(digits)


def connection_id() -> str:
    """A random id in the form API Gateway gives connection and extended request ids."""
    import base64
    import secrets

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


def query_parameter_maps(query: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """A query string as API Gateway's two decoded maps (REST and WebSocket events):
    ``queryStringParameters``, the last value of each name, and ``multiValueQueryStringParameters``."""
    multi = decoded_multi_value(query)
    return {name: values[-1] for name, values in multi.items()}, multi


def joined_query_parameters(query: str) -> dict[str, str]:
    """A query string as payload 2.0's ``queryStringParameters``: decoded, repeated values joined
    with commas."""
    return {name: ",".join(values) for name, values in decoded_multi_value(query).items()}
