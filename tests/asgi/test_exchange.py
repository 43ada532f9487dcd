"""The exchange (:func:`mangum._asgi.exchange`): one run of the app for any target, the body decoded
(a bad one answered 400 before the lifespan state is asked for), the state handed to the scope, a
504 when the deadline comes first; and the watch of a main-thread invocation (deadline.watching)
holding that invocation's state, not the module."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, cast

from mangum import deadline
from mangum._asgi import Buffered, exchange
from mangum._http.request import Request
from mangum.types import LambdaContext, Receive, Scope, Send
from tests.support.adapter import http_scope


class _Context:
    def __init__(self, millis: int) -> None:
        self.millis = millis

    def get_remaining_time_in_millis(self) -> int:
        return self.millis


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    message = await receive()
    state = scope.get("state", {})
    await send({"type": "http.response.start", "status": 201, "headers": [(b"x-state", str(state).encode())]})
    await send({"type": "http.response.body", "body": message.get("body", b"")})


def _request(body: str | None, base64: bool | None) -> Request:
    return Request("POST", "HTTP/1.1", "", "/", None, [], "", body, base64)


def test_a_request_body_is_decoded_and_the_state_handed_to_the_scope() -> None:
    asked: list[object] = []

    def state(context: LambdaContext | None) -> dict[str, Any] | None:
        asked.append(context)
        return {"pool": 1}

    answer = Buffered(None, 0.5)
    exchange(echo, http_scope(), _request("aGk=", True), answer, state)
    assert (answer.status, answer.response.body) == (201, b"hi")
    assert answer.response.headers == [(b"x-state", b"{'pool': 1}")]
    assert asked == [None]


def test_a_body_that_cannot_be_decoded_is_a_400_and_the_state_is_never_asked_for() -> None:
    asked: list[object] = []

    def state(context: LambdaContext | None) -> dict[str, Any] | None:
        asked.append(context)
        return None

    answer = Buffered(None, 0.5)
    exchange(echo, http_scope(), _request("not base64!", True), answer, state)
    assert (answer.response.status, answer.response.body) == (400, b"Bad Request")
    assert answer.status is None  # no access log line for the adapter's own 400
    assert asked == []


def test_a_custom_handlers_body_goes_to_the_app_as_it_is() -> None:
    answer = Buffered(None, 0.5)
    exchange(echo, http_scope(), b"raw", answer)
    assert (answer.status, answer.response.body) == (201, b"raw")


def test_the_deadline_coming_first_is_a_504_on_the_target() -> None:
    async def slow(scope: Scope, receive: Receive, send: Send) -> None:
        await asyncio.sleep(5)

    answer = Buffered(cast("LambdaContext", _Context(150)), 0.1)
    exchange(slow, http_scope(), b"", answer)
    assert (answer.status, answer.response.body) == (504, b"Gateway Timeout")


def test_a_watch_is_the_watchdogs_only_inside_it_and_keeps_its_own_state() -> None:
    watch = deadline.watching(_Context(60_000), 0.25)
    assert watch is not None
    with watch:
        inside = (deadline.WATCHDOG.watched, deadline.WATCHED.get())
    after = (deadline.WATCHDOG.watched, deadline.WATCHED.get())
    assert inside == (watch, watch)
    assert after == (None, None)
    assert (watch.margin, watch.fired) == (0.25, False)


def test_nothing_is_watched_without_a_context_or_off_the_main_thread() -> None:
    assert deadline.watching(None, 0.25) is None
    seen: list[object] = []
    worker = threading.Thread(target=lambda: seen.append(deadline.watching(_Context(60_000), 0.25)))
    worker.start()
    worker.join()
    assert seen == [None]
