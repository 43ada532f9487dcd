"""The Runtime API server as one Lambda Managed Instances execution environment (``max_concurrency``):
``/next`` on several connections at once, never more invocations in flight than the limit."""

from __future__ import annotations

import http.client
import json
import threading
import time

from mangum.local.runtime_api import RuntimeApiServer
from tests.runtime.support import WAIT

NEXT = "/2018-06-01/runtime/invocation/next"


def _connect(server: RuntimeApiServer) -> http.client.HTTPConnection:
    host, port = server.address.split(":")
    return http.client.HTTPConnection(host, int(port), timeout=WAIT)


def _next(connection: http.client.HTTPConnection) -> str:
    connection.request("GET", NEXT)
    response = connection.getresponse()
    response.read()
    return response.headers["Lambda-Runtime-Aws-Request-Id"]


def _respond(connection: http.client.HTTPConnection, request_id: str) -> int:
    path = f"/2018-06-01/runtime/invocation/{request_id}/response"
    connection.request("POST", path, json.dumps({"ok": True}), {"Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    return response.status


def _until(condition: object, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not callable(condition) or not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.01)


def test_the_environment_names_the_limit() -> None:
    with RuntimeApiServer(max_concurrency=8) as limited, RuntimeApiServer() as unlimited:
        assert limited.environment("app.handler")["AWS_LAMBDA_MAX_CONCURRENCY"] == "8"
        assert "AWS_LAMBDA_MAX_CONCURRENCY" not in unlimited.environment("app.handler")


def test_concurrent_next_up_to_the_limit_then_one_more_after_an_answer() -> None:
    with RuntimeApiServer(max_concurrency=2) as server:
        invocations = [server.invoke({"n": n}) for n in range(3)]
        connections = [_connect(server) for _ in range(3)]
        taken: dict[int, str] = {}

        def take(index: int) -> None:
            taken[index] = _next(connections[index])

        lanes = [threading.Thread(target=take, args=(index,)) for index in range(3)]
        try:
            for lane in lanes:
                lane.start()
            # The server counts an event handed out when it writes it; the lane has it once it has read it.
            _until(lambda: len(taken) == 2 and server.waiting == 1, "two taken, one /next held")
            assert server.delivered == 2  # the third /next waits although an invocation is queued
            assert len(taken) == 2
            first = next(iter(taken.items()))
            assert _respond(connections[first[0]], first[1]) == 202
            for lane in lanes:
                lane.join(WAIT)
        finally:
            for connection in connections:
                connection.close()

    assert sorted(taken.values()) == sorted(invocation.request_id for invocation in invocations)
    assert server.peak_in_flight == 2
