"""What ``python -m mangum serve`` was asked to run, and the names and addresses that follow from it."""

from __future__ import annotations

from dataclasses import dataclass

from mangum.local.events import DEFAULT_STAGE, HttpSourceName

API_GATEWAY_TIMEOUT = 29.0
"""API Gateway's integration timeout (seconds)."""
LAMBDA_MAX_TIMEOUT = 900.0
"""Lambda's longest function timeout: the only limit behind an ALB or a Function URL."""
IDLE_TIMEOUT = 600.0
"""API Gateway closes a WebSocket connection idle for 10 minutes."""
MAX_CONNECTION_DURATION = 7200.0
"""... and any WebSocket connection after 2 hours."""
DEFAULT_STAGES: dict[HttpSourceName, str] = {
    "api_gateway_v1": "prod",
    "api_gateway_v2": DEFAULT_STAGE,
    "alb": DEFAULT_STAGE,
    "function_url": DEFAULT_STAGE,
}

SOURCE_NAMES: dict[HttpSourceName, str] = {
    "api_gateway_v1": "REST API",
    "api_gateway_v2": "HTTP API",
    "alb": "Application Load Balancer",
    "function_url": "Function URL",
}

STREAMING_SOURCES: tuple[HttpSourceName, ...] = ("api_gateway_v1", "function_url")
"""The sources whose answers ``--invoke-mode RESPONSE_STREAM`` streams (an HTTP API and an ALB buffer
the whole response)."""


@dataclass(frozen=True, slots=True)
class ServeConfig:
    """The options of ``serve`` (see :mod:`mangum.local.cli`)."""

    handler: str
    """``module.attribute``, as ``_HANDLER``."""
    host: str = "127.0.0.1"
    port: int = 3000
    source: HttpSourceName = "api_gateway_v1"
    stage: str = "prod"
    timeout: float = API_GATEWAY_TIMEOUT
    invoke_mode: str = "BUFFERED"
    workers: int = 1
    idle_timeout: float = IDLE_TIMEOUT
    max_connection_duration: float = MAX_CONNECTION_DURATION
    api_id: str = "local"
    memory_mb: int = 128
    allowed_hosts: tuple[str, ...] = ()
    """Names besides loopback's and ``host`` that requests may carry in ``Host`` (``--allow-host``)."""
    management_key: str | None = None
    """The Management API's shared secret (:mod:`mangum.local.management_key`); ``None``: open."""
    max_leaked_threads: int | None = None
    """Threads a worker may be left running before it is replaced (:mod:`mangum.runtime.leaks`);
    ``None``: the runtime's default."""

    @property
    def streams(self) -> bool:
        """Whether answers are streamed: ``RESPONSE_STREAM`` behind a source that can stream."""
        return self.invoke_mode == "RESPONSE_STREAM" and self.source in STREAMING_SOURCES

    @property
    def stage_prefix(self) -> str:
        """The path every URL of the API starts with: ``/{stage}``, or nothing for ``$default``."""
        return "" if self.stage == DEFAULT_STAGE else f"/{self.stage}"

    @property
    def http_prefix(self) -> str:
        """The stage prefix of HTTP URLs: API Gateway's (REST and HTTP APIs) only; an ALB or a
        Function URL has no stage (``--stage`` then names the WebSocket API's alone)."""
        return self.stage_prefix if self.source in ("api_gateway_v1", "api_gateway_v2") else ""

    @property
    def authority(self) -> str:
        """``host:port`` as clients reach the gateway (IPv6 hosts in brackets)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The HTTP API's base URL."""
        return f"http://{self.authority}{self.http_prefix}"

    @property
    def websocket_url(self) -> str:
        """Where WebSocket clients connect."""
        return f"ws://{self.authority}{self.stage_prefix or '/'}"

    @property
    def management_endpoint(self) -> str:
        """The Management API endpoint (``MANGUM_WEBSOCKET_API_ENDPOINT`` of the workers)."""
        return f"http://{self.authority}{self.stage_prefix}"
