"""A loopback HTTP proxy in front of dynalite that injects the faults DynamoDB shows under load.

The boto3 client is pointed at the proxy; every request is forwarded unchanged to dynalite unless
a :class:`ProxyFault` injected with :meth:`FaultProxy.inject` applies to it (the first one whose
``operation`` matches the request's ``X-Amz-Target``). What a fault does:

- ``stall``: hold the request without forwarding or answering, then drop the connection;
- ``reset``: drop the connection at once, without forwarding;
- ``fail``: answer an error without forwarding (throttling is a ``400`` with
  ``ProvisionedThroughputExceededException``);
- ``fail_after_forward``: forward (dynalite applies the request), then answer an error instead of
  dynalite's answer, as DynamoDB does when an answer is lost;
- ``unprocessed``: a ``BatchWriteItem`` of which only the first ``keep`` requests are forwarded;
  the rest are answered as ``UnprocessedItems``, as DynamoDB does when it throttles a batch.

Every request passing through is counted per operation (:meth:`FaultProxy.seen`).
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal
from urllib.parse import urlsplit

FaultKind = Literal["stall", "reset", "fail", "fail_after_forward", "unprocessed"]
_HOP_HEADERS = {"content-length", "transfer-encoding", "connection"}


@dataclass(frozen=True)
class ProxyFault:
    """One fault for the next ``times`` requests of ``operation`` (any operation when ``None``),
    after letting ``after`` of them through."""

    kind: FaultKind
    operation: str | None = None
    status: int = 500
    error_type: str = "InternalServerError"
    stall: float = 60.0
    keep: int = 0
    times: int = 1
    after: int = 0


THROTTLED = ProxyFault("fail", status=400, error_type="ProvisionedThroughputExceededException")


class FaultProxy:
    """The proxy's state: faults still to apply and what went through (thread-safe)."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream_host = parts.hostname or "127.0.0.1"
        self.upstream_port = parts.port or 80
        self.url = ""
        self.released = threading.Event()
        """Set to end every stall at once."""
        self._lock = threading.Lock()
        self._faults: list[ProxyFault] = []
        self._seen: Counter[str] = Counter()

    def inject(self, fault: ProxyFault) -> None:
        """Add a fault, applied after those already injected for the same requests."""
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        """Drop every fault not applied yet and end every stall."""
        with self._lock:
            self._faults.clear()
        self.released.set()

    def seen(self) -> Counter[str]:
        """How many requests of each operation reached the proxy."""
        with self._lock:
            return Counter(self._seen)

    def fault_for(self, operation: str) -> ProxyFault | None:
        """The fault that applies to this request, consumed; ``None`` to forward it."""
        with self._lock:
            self._seen[operation] += 1
            for index, fault in enumerate(self._faults):
                if fault.operation not in (None, operation):
                    continue
                if fault.after:
                    self._faults[index] = replace(fault, after=fault.after - 1)
                    return None
                if fault.times > 1:
                    self._faults[index] = replace(fault, times=fault.times - 1)
                else:
                    del self._faults[index]
                return fault
            return None


def _error_body(error_type: str) -> bytes:
    return json.dumps(
        {"__type": f"com.amazonaws.dynamodb.v20120810#{error_type}", "message": "injected"}
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no delayed-ACK stall
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        operation = (self.headers.get("X-Amz-Target") or "").rpartition(".")[2]
        proxy = self.server.proxy
        fault = proxy.fault_for(operation)
        if fault is None:
            self._relay(*self._forward(body))
        elif fault.kind == "stall":
            proxy.released.wait(fault.stall)
            self._drop()
        elif fault.kind == "reset":
            self._drop()
        elif fault.kind == "fail":
            self._answer(fault.status, _error_body(fault.error_type))
        elif fault.kind == "fail_after_forward":
            self._forward(body)
            self._answer(fault.status, _error_body(fault.error_type))
        else:
            self._unprocessed(body, fault.keep)

    def _forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        proxy = self.server.proxy
        upstream = http.client.HTTPConnection(proxy.upstream_host, proxy.upstream_port, timeout=60)
        try:
            headers = {
                name: value
                for name, value in self.headers.items()
                if name.lower() not in {"host", *_HOP_HEADERS}
            }
            upstream.request("POST", self.path, body=body, headers=headers)
            answer = upstream.getresponse()
            return answer.status, answer.getheaders(), answer.read()
        finally:
            upstream.close()

    def _unprocessed(self, body: bytes, keep: int) -> None:
        request = json.loads(body)
        table, writes = next(iter(request["RequestItems"].items()))
        if keep:
            request["RequestItems"] = {table: writes[:keep]}
            self._forward(json.dumps(request).encode())
        left = writes[keep:]
        self._answer(200, json.dumps({"UnprocessedItems": {table: left} if left else {}}).encode())

    def _relay(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in _HOP_HEADERS:
                self.send_header(name, value)  # X-Amz-Crc32 too: the body is dynalite's own
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _drop(self) -> None:
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, proxy: FaultProxy) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.proxy = proxy


@contextmanager
def running_fault_proxy(upstream: str) -> Iterator[FaultProxy]:
    """A fault proxy in front of ``upstream`` (dynalite's URL) on a free loopback port."""
    proxy = FaultProxy(upstream)
    server = _Server(proxy)
    host, port = server.server_address[:2]
    proxy.url = f"http://{host!s}:{port}"
    thread = threading.Thread(target=server.serve_forever, name="fault-proxy", daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.clear()
        server.shutdown()
        server.server_close()
        thread.join()
