"""``--source url --invoke-mode RESPONSE_STREAM``: each chunk reaches the client as the app produces
it. The app waits on a gate between two events, so the client sees an event before the next one
exists."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress

import httpx
import pytest

from tests.local.support import WAIT, Serve, running_serve
from tests.runtime.support import gate


@pytest.fixture(scope="module")
def streaming() -> Iterator[Serve]:
    with running_serve(
        "tests.local.apps:handler", "--source", "url", "--invoke-mode", "RESPONSE_STREAM"
    ) as serve:
        yield serve


def test_events_arrive_one_by_one(streaming: Serve) -> None:
    with (
        gate() as opened,
        httpx.stream(
            "GET", f"{streaming.base_url}/events?count=3&gate={opened.port}", timeout=WAIT
        ) as answer,
    ):
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/event-stream")
        assert answer.headers["cache-control"] == "no-cache"
        lines = answer.iter_lines()
        received = []
        for number in range(3):
            if number:
                opened.release()  # the app produces event N only now
            event = [next(lines), next(lines), next(lines)]
            received.append(event)
        assert received == [[f"id: {n}", f"data: event {n}", ""] for n in range(3)]


def test_buffered_answers_still_work_in_streaming_mode(streaming: Serve) -> None:
    answer = httpx.get(f"{streaming.base_url}/cookies", timeout=WAIT)
    assert answer.text == "cookies"
    assert sorted(answer.headers.get_list("set-cookie")) == [
        "session=abc; HttpOnly; Path=/; SameSite=lax",
        "theme=dark; Path=/; SameSite=lax",
    ]
    assert answer.headers["x-multi"] == "one,two"


def test_a_plain_handler_in_streaming_mode_answers_buffered() -> None:
    with running_serve(
        "tests.local.apps:faults", "--source", "url", "--invoke-mode", "RESPONSE_STREAM"
    ) as serve:
        assert httpx.get(f"{serve.base_url}/binary", timeout=WAIT).content == b"\0\1\2\xff"
        crashed = httpx.get(f"{serve.base_url}/crash", timeout=WAIT)
        assert (crashed.status_code, crashed.text) == (502, "Internal Server Error")


def test_an_error_after_the_first_event_cuts_the_response_off(streaming: Serve) -> None:
    with httpx.stream("GET", f"{streaming.base_url}/events?count=3&fail_at=1", timeout=WAIT) as answer:
        assert answer.status_code == 200  # the status was out before the error
        with pytest.raises(httpx.RemoteProtocolError):
            answer.read()
    streaming.wait_for("the streamed response of .* broke off")


def test_a_client_that_leaves_early_stops_the_app(streaming: Serve) -> None:
    """Nobody reads the rest: serve logs it and cuts the function's stream, whose next write fails,
    so the app's send raises, its receive says ``http.disconnect``, and it ends instead of waiting to
    produce the other 48 events."""
    with gate() as opened:
        with httpx.stream(
            "GET", f"{streaming.base_url}/events?count=50&gate={opened.port}", timeout=WAIT
        ) as answer:
            assert next(answer.iter_lines()) == "id: 0"
        streaming.wait_for("the client left the streamed response of .* early")
        # Each release lets one more event be written: a write soon meets the cut connection, and
        # the adapter logs it once the app has returned. Without the cut, all 50 would be written.
        failed = "The response to GET /events could not be sent on: the response stream broke off"
        for _ in range(10):
            opened.release()
            with suppress(AssertionError):
                streaming.wait_for(failed, timeout=1)
                break
        streaming.wait_for(failed)
    assert httpx.get(f"{streaming.base_url}/cookies", timeout=WAIT).text == "cookies"  # the worker serves on
