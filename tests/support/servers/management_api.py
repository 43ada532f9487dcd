"""A small real API Gateway Management API on loopback, for the real boto3 client to talk to.

It implements ``POST``, ``GET`` and ``DELETE /@connections/{id}``, with or without a stage prefix
(``/{stage}/@connections/{id}``), the way API Gateway answers them: connections the test has not
opened, has marked gone or that were deleted answer ``410 GoneException``, those it forbids
``403 ForbiddenException``; a post over 128 KiB answers ``413 PayloadTooLargeException``.
Everything is recorded under a lock, as the server handles each request in its own thread.

Faults (:class:`Fault`) are injected with :meth:`ManagementApiState.inject`: each applies to the
next request(s): hang without answering, answer an error before or after delivering the post,
or close the connection without an answer.

``POST /@control/open/{id}`` and ``POST /@control/gone/{id}`` do what :meth:`ManagementApiState.open`
and :meth:`ManagementApiState.mark_gone` do, for clients played by other processes.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

MAX_POST_BYTES = 128 * 1024
_MARKER = "/@connections/"
_CONTROL = "/@control/"


@dataclass
class _Connection:
    connected_at: datetime
    last_active_at: datetime
    source_ip: str
    user_agent: str
    posted: list[bytes] = field(default_factory=list)
    live: bool = True
    forbidden: bool = False


@dataclass(frozen=True)
class Request:
    """One request the server received: method, the path's stage prefix ("" for none), connection id."""

    method: str
    stage: str
    connection_id: str


@dataclass(frozen=True)
class Fault:
    """What the server does to a request instead of answering normally.

    ``status`` / ``error_type``: the error answered (``None``: none, for a fault that only hangs or
    closes). ``delivered``: a post is recorded first, as when API Gateway reached the client and
    then failed. ``hang``: seconds to wait before acting (a stall). ``close``: drop the connection
    without an answer. ``times``: how many requests it applies to.
    """

    status: int | None = None
    error_type: str = "InternalServerErrorException"
    delivered: bool = False
    hang: float = 0.0
    close: bool = False
    times: int = 1


THROTTLED = Fault(status=429, error_type="LimitExceededException")
FAILED_AFTER_DELIVERY = Fault(status=500, delivered=True)


class ManagementApiState:
    """What the server knows: open connections, what was posted to each, and every request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connections: dict[str, _Connection] = {}
        self._requests: list[Request] = []
        self._faults: list[Fault] = []
        self.released = threading.Event()
        """Set to end every hang at once (the server does so when it stops)."""

    def inject(self, fault: Fault) -> None:
        """Apply ``fault`` to the next ``fault.times`` requests, after the faults already injected."""
        with self._lock:
            self._faults.extend([fault] * fault.times)

    def note(self, request: Request) -> None:
        """Record a request that got no answer and changed nothing."""
        with self._lock:
            self._requests.append(request)

    def clear_faults(self) -> None:
        """Drop the faults not applied yet."""
        with self._lock:
            self._faults.clear()

    def take_fault(self) -> Fault | None:
        """The fault for the request being handled, if one is left."""
        with self._lock:
            return self._faults.pop(0) if self._faults else None

    def open(self, connection_id: str, *, source_ip: str = "192.0.2.1", user_agent: str = "test") -> None:
        """Make a connection live: posts to it are recorded, GET describes it."""
        now = datetime.now(timezone.utc)
        with self._lock:
            self._connections[connection_id] = _Connection(now, now, source_ip, user_agent)

    def mark_gone(self, connection_id: str) -> None:
        """The client went away: every later request for it answers 410."""
        with self._lock:
            connection = self._connections.get(connection_id)
            if connection is not None:
                connection.live = False

    def forbid(self, connection_id: str) -> None:
        """Answer 403 ForbiddenException for the connection (what missing IAM permissions look like)."""
        with self._lock:
            self._connections[connection_id].forbidden = True

    def posted(self, connection_id: str) -> list[bytes]:
        """Every payload posted to the connection while it was live, in order."""
        with self._lock:
            connection = self._connections.get(connection_id)
            return list(connection.posted) if connection else []

    def is_live(self, connection_id: str) -> bool:
        """Whether the connection is open (opened, not marked gone, not deleted)."""
        with self._lock:
            connection = self._connections.get(connection_id)
            return connection is not None and connection.live

    def tally(self) -> tuple[int, int, int]:
        """How many connections are live, how many have gone, how many frames were posted in all."""
        with self._lock:
            live = sum(connection.live for connection in self._connections.values())
            posted = sum(len(connection.posted) for connection in self._connections.values())
            return live, len(self._connections) - live, posted

    def requests(self) -> list[Request]:
        """Every request received, in arrival order."""
        with self._lock:
            return list(self._requests)

    def handle(
        self, method: str, stage: str, connection_id: str, body: bytes, fault: Fault | None = None
    ) -> tuple[int, bytes, str]:
        """Apply one request; returns (status, JSON body, error type or "")."""
        with self._lock:
            self._requests.append(Request(method, stage, connection_id))
            connection = self._connections.get(connection_id)
            if fault is not None and fault.status is not None:
                if fault.delivered and connection is not None and connection.live and method == "POST":
                    connection.posted.append(body)
                return fault.status, _error("injected fault"), fault.error_type
            if connection is None or not connection.live:
                return 410, _error("the connection is gone"), "GoneException"
            if connection.forbidden:
                return 403, _error("forbidden"), "ForbiddenException"
            if method == "POST":
                if len(body) > MAX_POST_BYTES:
                    return 413, _error("the payload is too large"), "PayloadTooLargeException"
                connection.posted.append(body)
                connection.last_active_at = datetime.now(timezone.utc)
                return 200, b"", ""
            if method == "DELETE":
                connection.live = False
                return 204, b"", ""
            return 200, _describe(connection), ""


def _error(message: str) -> bytes:
    return json.dumps({"message": message}).encode()


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _describe(connection: _Connection) -> bytes:
    return json.dumps(
        {
            "connectedAt": _iso(connection.connected_at),
            "lastActiveAt": _iso(connection.last_active_at),
            "identity": {"sourceIp": connection.source_ip, "userAgent": connection.user_agent},
        }
    ).encode()


def _parse_path(raw_path: str) -> tuple[str, str] | None:
    """``(stage, connection id)`` from ``[/{stage}]/@connections/{id}``; ``None`` for any other path."""
    path = urlsplit(raw_path).path
    prefix, marker, encoded_id = path.partition(_MARKER)
    stage = prefix.strip("/")
    if not marker or not encoded_id or "/" in encoded_id or "/" in stage:
        return None
    return stage, unquote(encoded_id)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: the tests read the recorded state, not the log."""

    def _respond(self, status: int, body: bytes, error_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if error_type:
            self.send_header("x-amzn-ErrorType", error_type)
        self.end_headers()
        self.wfile.write(body)

    def _dispatch(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith(_CONTROL):
            self._control(self.path.removeprefix(_CONTROL))
            return
        parsed = _parse_path(self.path)
        if parsed is None:
            self._respond(404, _error("no such route"), "NotFoundException")
            return
        stage, connection_id = parsed
        if self.server.latency_seconds:
            time.sleep(self.server.latency_seconds)
        state = self.server.state
        fault = state.take_fault()
        if fault is not None:
            if fault.close and not fault.delivered:
                state.note(Request(self.command, stage, connection_id))
            if fault.hang:
                state.released.wait(fault.hang)
            if fault.close:
                if fault.delivered:
                    state.handle(self.command, stage, connection_id, body)
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
        self._respond(*state.handle(self.command, stage, connection_id, body, fault))

    def _control(self, command: str) -> None:
        action, _, encoded_id = command.partition("/")
        if action == "open":
            self.server.state.open(unquote(encoded_id))
        elif action == "gone":
            self.server.state.mark_gone(unquote(encoded_id))
        else:
            self._respond(404, _error("no such control"), "NotFoundException")
            return
        self._respond(204, b"", "")

    do_GET = do_POST = do_DELETE = _dispatch


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: ManagementApiState, latency_seconds: float) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state
        self.latency_seconds = latency_seconds


@dataclass(frozen=True)
class ManagementApiServer:
    """A running server: its base URL (no stage) and its state."""

    url: str
    state: ManagementApiState

    def endpoint(self, stage: str = "") -> str:
        """The endpoint URL to give the boto3 client, with the stage prefix when one is given."""
        return f"{self.url}/{stage}" if stage else self.url


@contextmanager
def running_management_api(latency_seconds: float = 0.0) -> Iterator[ManagementApiServer]:
    """Serve a fresh Management API on a free loopback port until the block exits.

    ``latency_seconds`` delays every answer, to stand for the network round trip to AWS (benchmarks).
    """
    state = ManagementApiState()
    server = _Server(state, latency_seconds)
    thread = threading.Thread(target=server.serve_forever, name="management-api", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield ManagementApiServer(url=f"http://{host!s}:{port}", state=state)
    finally:
        state.released.set()
        server.shutdown()
        server.server_close()
        thread.join()
