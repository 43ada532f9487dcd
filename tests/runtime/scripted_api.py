"""A Runtime API that answers from a script: each ``/next`` hands out the next scripted invocation
(its headers as given, so a test can leave out or spoil the request id), each ``/response`` and
``/error`` gets the scripted status, and every request is recorded. For the runtime's behaviour on
answers the real API gives rarely (a 500) or never (no request id)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from mangum._http.chunked import read_chunked


@dataclass
class Script:
    """What the API answers: ``invocations`` (headers, event) in turn, then a 500 to ``/next``;
    ``post_status`` to every ``/response`` and ``/error``."""

    invocations: Sequence[tuple[dict[str, str], bytes]]
    post_status: int = 202
    requests: list[str] = field(default_factory=list)
    """``METHOD path`` of every request, in order."""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, line: str) -> int:
        with self._lock:
            self.requests.append(line)
            return sum(1 for seen in self.requests if seen.endswith("/invocation/next")) - 1


@contextmanager
def scripted_api(script: Script) -> Iterator[str]:
    """Serve ``script`` on loopback; yields ``host:port`` (the runtime's ``AWS_LAMBDA_RUNTIME_API``)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            index = script.record(f"GET {self.path}")
            if index >= len(script.invocations):
                self._send(500, b'{"errorType":"Runtime.Done"}')
                self.close_connection = True
                return
            headers, event = script.invocations[index]
            self._send(200, event, {"Lambda-Runtime-Deadline-Ms": "9999999999999", **headers})

        def do_POST(self) -> None:
            script.record(f"POST {self.path}")
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            elif "chunked" in self.headers.get("Transfer-Encoding", ""):
                read_chunked(self.rfile, lambda data: None)
            answer = {"status": "OK"} if script.post_status < 300 else {"errorType": "Runtime.Failed"}
            self._send(script.post_status, json.dumps(answer).encode())

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
