"""The Runtime API server, spoken to over real HTTP on loopback: ``http.client`` for ordinary requests,
a raw socket where a test needs control of the chunked coding."""

from __future__ import annotations

import base64
import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from mangum.local import limits
from mangum.local.invocations import Chunk, Invocation
from mangum.local.runtime_api import BUFFERED_RESPONSE_LIMIT, RuntimeApiServer
from tests.runtime.support import WAIT, wait_until

NEXT = "/2018-06-01/runtime/invocation/next"


@pytest.fixture
def connection(server: RuntimeApiServer) -> Iterator[http.client.HTTPConnection]:
    host, port = server.address.split(":")
    opened = http.client.HTTPConnection(host, int(port), timeout=WAIT)
    yield opened
    opened.close()


def _call(
    connection: http.client.HTTPConnection,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[http.client.HTTPResponse, bytes]:
    connection.request(method, path, body, headers or {})
    response = connection.getresponse()
    return response, response.read()


def _deliver(server: RuntimeApiServer, connection: http.client.HTTPConnection) -> tuple[Invocation, str]:
    """Enqueue an invocation and take it from ``/next``: it, and the path of its answers."""
    invocation = server.invoke({})
    _call(connection, "GET", NEXT)
    return invocation, f"/2018-06-01/runtime/invocation/{invocation.request_id}"


def _raw(server: RuntimeApiServer) -> socket.socket:
    host, port = server.address.split(":")
    return socket.create_connection((host, int(port)), timeout=WAIT)


def _answer(sock: socket.socket) -> bytes:
    """The next answer on ``sock``, whole: its status line, and its body after it."""
    response = http.client.HTTPResponse(sock)
    response.begin()
    return f"HTTP/1.1 {response.status}\r\n".encode() + response.read()


def _ask_next(sock: socket.socket) -> None:
    sock.sendall(b"GET " + NEXT.encode() + b" HTTP/1.1\r\nHost: localhost\r\n\r\n")


def _take_next(sock: socket.socket) -> bytes:
    """Ask for the next invocation on a raw connection; its answer."""
    _ask_next(sock)
    return _answer(sock)


def _stream_head(request_id: str) -> bytes:
    return (
        f"POST /2018-06-01/runtime/invocation/{request_id}/response HTTP/1.1\r\n"
        "Host: localhost\r\nTransfer-Encoding: chunked\r\n"
        "Lambda-Runtime-Function-Response-Mode: streaming\r\n"
        "Content-Type: application/vnd.awslambda.http-integration-response\r\n\r\n"
    ).encode()


def test_next_gives_the_event_and_the_invocation_headers(
    server: RuntimeApiServer, connection: http.client.HTTPConnection
) -> None:
    invocation = server.invoke({"a": 1}, request_id="id-1")
    before = time.time()
    response, body = _call(connection, "GET", NEXT)

    assert response.status == 200
    assert json.loads(body) == {"a": 1}
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Lambda-Runtime-Aws-Request-Id"] == "id-1"
    assert response.headers["Lambda-Runtime-Invoked-Function-Arn"] == server.function.arn
    assert response.headers["Lambda-Runtime-Trace-Id"].startswith("Root=1-")
    deadline = int(response.headers["Lambda-Runtime-Deadline-Ms"]) / 1000
    assert before + server.function.timeout_s - 1 <= deadline <= time.time() + server.function.timeout_s
    assert invocation.delivered.is_set()
    assert not invocation.complete


def test_one_connection_serves_many_invocations(
    server: RuntimeApiServer, connection: http.client.HTTPConnection
) -> None:
    for number in range(5):
        invocation = server.invoke({"n": number})
        _, _ = _call(connection, "GET", NEXT)
        sock = connection.sock
        response, body = _call(
            connection, "POST", f"/2018-06-01/runtime/invocation/{invocation.request_id}/response", b'"ok"'
        )
        assert response.status == 202
        assert json.loads(body) == {"status": "OK"}
        assert connection.sock is sock  # kept alive
        assert invocation.result(timeout=WAIT).json() == "ok"


def test_an_unknown_request_id_is_refused(connection: http.client.HTTPConnection) -> None:
    response, body = _call(connection, "POST", "/2018-06-01/runtime/invocation/nope/response", b"{}")

    assert response.status == 400
    assert json.loads(body)["errorType"] == "InvalidRequestID"


def test_an_answered_invocation_cannot_be_answered_again(
    server: RuntimeApiServer, connection: http.client.HTTPConnection
) -> None:
    invocation, path = _deliver(server, connection)
    assert _call(connection, "POST", f"{path}/response", b"1")[0].status == 202

    response, _ = _call(connection, "POST", f"{path}/error", b"{}")
    assert response.status == 400
    assert invocation.result(timeout=WAIT).json() == 1


def test_an_unknown_path_is_404(connection: http.client.HTTPConnection) -> None:
    assert _call(connection, "GET", "/2018-06-01/runtime/elsewhere")[0].status == 404
    assert _call(connection, "POST", "/2018-06-01/runtime/invocation/x/done", b"{}")[0].status == 404


def test_an_error_is_recorded_with_its_type_header(
    server: RuntimeApiServer, connection: http.client.HTTPConnection
) -> None:
    invocation, path = _deliver(server, connection)
    payload = {"errorMessage": "boom", "errorType": "KeyError", "stackTrace": ["  File x"]}
    response, _ = _call(
        connection,
        "POST",
        f"{path}/error",
        json.dumps(payload).encode(),
        {"Lambda-Runtime-Function-Error-Type": "KeyError"},
    )

    assert response.status == 202
    error = invocation.result(timeout=WAIT).error
    assert error is not None
    assert (error.error_type, error.error_message, error.stack_trace) == ("KeyError", "boom", ("  File x",))


def test_an_error_body_that_is_not_json_keeps_the_header_type(
    server: RuntimeApiServer, connection: http.client.HTTPConnection
) -> None:
    invocation, path = _deliver(server, connection)
    _call(
        connection,
        "POST",
        f"{path}/error",
        b"not json",
        {"Lambda-Runtime-Function-Error-Type": "Custom.Fault"},
    )

    error = invocation.result(timeout=WAIT).error
    assert error is not None
    assert error.error_type == "Custom.Fault"
    assert error.error_message == ""


def test_init_errors_are_taken_only_before_the_first_invocation(
    server: RuntimeApiServer, connection: http.client.HTTPConnection
) -> None:
    payload = json.dumps({"errorType": "Runtime.ImportModuleError", "errorMessage": "no module"}).encode()
    assert _call(connection, "POST", "/2018-06-01/runtime/init/error", payload)[0].status == 202
    server.invoke({})
    _call(connection, "GET", NEXT)

    response, body = _call(connection, "POST", "/2018-06-01/runtime/init/error", payload)
    assert response.status == 403
    assert json.loads(body)["errorType"] == "InvalidStateTransition"
    assert [error.error_type for error in server.init_errors] == ["Runtime.ImportModuleError"]


def test_a_buffered_result_over_the_limit_is_413_and_the_invocation_stays_open(
    server: RuntimeApiServer, connection: http.client.HTTPConnection
) -> None:
    invocation, path = _deliver(server, connection)
    response, body = _call(connection, "POST", f"{path}/response", b"x" * (BUFFERED_RESPONSE_LIMIT + 1))

    assert response.status == 413
    assert json.loads(body)["errorType"] == "RequestEntityTooLarge"
    assert not invocation.complete
    assert _call(connection, "POST", f"{path}/error", b'{"errorType": "TooBig"}')[0].status == 202
    error = invocation.result(timeout=WAIT).error
    assert error is not None
    assert error.error_type == "TooBig"


def test_a_stream_is_recorded_chunk_by_chunk_with_extensions_and_trailers(server: RuntimeApiServer) -> None:
    heard: list[Chunk] = []
    invocation = server.invoke({}, listener=heard.append)
    with _raw(server) as sock:
        head = _take_next(sock)
        assert head.startswith(b"HTTP/1.1 200")
        sock.sendall(_stream_head(invocation.request_id) + b"5;name=value\r\nfirst\r\n")
        first = next(invocation.chunks(timeout=WAIT))
        sock.sendall(b"6\r\nsecond\r\n")
        error = base64.b64encode(json.dumps({"errorType": "Boom", "errorMessage": "late"}).encode())
        sock.sendall(
            b"0\r\nLambda-Runtime-Function-Error-Type: Boom\r\nLambda-Runtime-Function-Error-Body: "
            + error
            + b"\r\n\r\n"
        )
        assert _answer(sock).startswith(b"HTTP/1.1 202")
    result = invocation.result(timeout=WAIT)

    assert first.data == b"first"
    assert [chunk.data for chunk in result.chunks] == [b"first", b"second"]
    assert heard == list(result.chunks)
    assert result.body == b"firstsecond"
    assert result.streamed
    assert result.error is not None
    assert (result.error.error_type, result.error.error_message) == ("Boom", "late")


def test_a_stream_that_breaks_off_is_an_error(server: RuntimeApiServer) -> None:
    invocation = server.invoke({})
    with _raw(server) as sock:
        _take_next(sock)
        sock.sendall(_stream_head(invocation.request_id) + b"4\r\nsome\r\n10\r\npart")
    result = invocation.result(timeout=WAIT)

    assert result.body == b"some"
    assert result.error is not None
    assert result.error.error_type == "Runtime.TruncatedResponse"


def test_a_bad_chunk_size_is_an_error(server: RuntimeApiServer) -> None:
    invocation = server.invoke({})
    with _raw(server) as sock:
        _take_next(sock)
        sock.sendall(_stream_head(invocation.request_id) + b"zz\r\nabc\r\n")
        result = invocation.result(timeout=WAIT)

    assert result.error is not None
    assert "bad chunk size" in result.error.error_message


def test_a_stream_over_the_limit_is_cut_off(
    server: RuntimeApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "STREAMED_RESPONSE_LIMIT", 8)
    invocation = server.invoke({})
    with _raw(server) as sock:
        _take_next(sock)
        sock.sendall(_stream_head(invocation.request_id) + b"5\r\nfirst\r\n6\r\nsecond\r\n0\r\n\r\n")
        assert _answer(sock).startswith(b"HTTP/1.1 413")
    result = invocation.result(timeout=WAIT)

    assert result.body == b"first"
    assert result.error is not None
    assert result.error.error_type == "Function.ResponseSizeTooLarge"


def test_runtimes_sharing_a_server_take_one_invocation_each(server: RuntimeApiServer) -> None:
    host, port = server.address.split(":")
    answers: dict[int, str] = {}

    def take(slot: int) -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=WAIT)
        response, _ = _call(connection, "GET", NEXT)
        answers[slot] = response.headers["Lambda-Runtime-Aws-Request-Id"]
        connection.close()

    threads = [threading.Thread(target=take, args=(slot,)) for slot in range(2)]
    for thread in threads:
        thread.start()
    sent = {server.invoke({}).request_id, server.invoke({}).request_id}
    for thread in threads:
        thread.join(WAIT)

    assert set(answers.values()) == sent


def test_a_runtime_that_went_away_while_waiting_takes_nothing(server: RuntimeApiServer) -> None:
    dead = _raw(server)
    _ask_next(dead)
    wait_until(lambda: server.waiting == 1)
    dead.close()
    invocation = server.invoke({"for": "the living"})
    with _raw(server) as alive:
        answer = _take_next(alive)

    assert json.loads(answer.split(b"\r\n", 1)[1]) == {"for": "the living"}
    assert invocation.delivered.is_set()


def test_closing_the_server_answers_a_waiting_next_with_500() -> None:
    server = RuntimeApiServer().start()
    host, port = server.address.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=WAIT)
    statuses: list[int] = []
    waiter = threading.Thread(target=lambda: statuses.append(_call(connection, "GET", NEXT)[0].status))
    waiter.start()
    wait_until(lambda: server.waiting == 1)
    server.close()
    waiter.join(WAIT)
    connection.close()

    assert statuses == [500]


def test_a_chunk_iterator_times_out_when_nothing_comes(server: RuntimeApiServer) -> None:
    invocation = server.invoke({})

    with pytest.raises(TimeoutError):
        next(invocation.chunks(timeout=0.05))
    with pytest.raises(TimeoutError):
        invocation.result(timeout=0.05)


def test_a_pipelined_next_gets_the_held_202_and_the_event_together(server: RuntimeApiServer) -> None:
    first = server.invoke({"n": 1})
    with _raw(server) as sock:
        _take_next(sock)
        post = (
            f"POST /2018-06-01/runtime/invocation/{first.request_id}/response HTTP/1.1\r\n"
            "Host: localhost\r\nContent-Type: application/json\r\nMangum-Pipelined-Next: 1\r\n"
            'Content-Length: 4\r\n\r\n"ok"'
        ).encode()
        sock.sendall(post + b"GET " + NEXT.encode() + b" HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert first.result(timeout=WAIT).json() == "ok"
        wait_until(lambda: server.waiting == 1)
        sock.settimeout(0.1)
        with pytest.raises(TimeoutError):
            sock.recv(1)  # the 202 waits for the next invocation
        sock.settimeout(WAIT)
        second = server.invoke({"n": 2})
        received = b""
        while not received.endswith(b'{"n": 2}'):
            received += sock.recv(65536)

    accepted, event = received.split(b"HTTP/1.1 200 OK\r\n")
    assert accepted.startswith(b"HTTP/1.1 202 Accepted\r\n")
    assert accepted.endswith(b'\r\n\r\n{"status": "OK"}')
    assert f"Lambda-Runtime-Aws-Request-Id: {second.request_id}\r\n".encode() in event
    assert second.delivered.is_set()


def test_a_held_202_goes_out_before_the_500_of_a_closing_server() -> None:
    server = RuntimeApiServer().start()
    first = server.invoke({})
    with _raw(server) as sock:
        _take_next(sock)
        post = (
            f"POST /2018-06-01/runtime/invocation/{first.request_id}/response HTTP/1.1\r\n"
            "Host: localhost\r\nMangum-Pipelined-Next: 1\r\nContent-Length: 2\r\n\r\n{}"
        ).encode()
        sock.sendall(post + b"GET " + NEXT.encode() + b" HTTP/1.1\r\nHost: localhost\r\n\r\n")
        wait_until(lambda: server.waiting == 1)
        server.close()
        received = b""
        while chunk := sock.recv(65536):
            received += chunk

    assert received.startswith(b"HTTP/1.1 202 Accepted\r\n")
    assert received.index(b"HTTP/1.1 500 Internal Server Error\r\n") > 0
    assert first.result(timeout=WAIT).ok
