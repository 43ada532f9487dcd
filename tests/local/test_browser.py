"""``serve`` with a real browser: an EventSource page reading server-sent events as they are
produced (Function URL, RESPONSE_STREAM), and a WebSocket page that talks to a room shared with a
``websockets`` client."""

from __future__ import annotations

import asyncio
import json

from websockets.asyncio.client import connect

from tests.local.support import WAIT, running_serve
from tests.runtime.support import gate
from tests.support.browser import chromium_page


def test_event_source_receives_each_event_as_it_is_produced() -> None:
    with (
        running_serve(
            "tests.local.apps:handler", "--source", "url", "--invoke-mode", "RESPONSE_STREAM"
        ) as serve,
        gate() as opened,
        chromium_page() as page,
    ):
        page.open(f"{serve.base_url}/pages/sse?count=3&gate={opened.port}")
        for number in range(3):
            if number:
                assert page.evaluate("window.received.length") == number  # the next one is not made yet
                opened.release()
            page.wait_for(f"window.received.length === {number + 1}")
        received = page.evaluate("window.received")
        assert received == [{"id": str(n), "data": f"event {n}"} for n in range(3)]
        assert page.evaluate("document.querySelectorAll('#events li').length") == 3


def test_websocket_page_talks_to_a_room() -> None:
    async def listen(url: str) -> tuple[str, str]:
        async with connect(url) as other:
            await other.send(json.dumps({"action": "whoami"}))
            await asyncio.wait_for(other.recv(), WAIT)
            with chromium_page() as page:
                page.open(f"{serve.base_url}/pages/websocket?room=browser&protocol=1")
                heard = await asyncio.wait_for(other.recv(), WAIT)
                log = page.wait_for("window.log.length >= 2 && window.log")
                protocol = page.evaluate("window.socket.protocol")
                page.evaluate("window.socket.close(4000)")
                page.wait_for("window.closed !== null")
            return str(heard), json.dumps([log, protocol])

    with running_serve("tests.local.apps:handler", "--workers", "2") as serve:
        heard, state = asyncio.run(listen(f"{serve.ws_origin}/prod?room=browser"))
        log, protocol = json.loads(state)
        assert heard == "from the browser"
        assert json.loads(log[0])["route"] == "whoami"
        assert log[1] == "from the browser"
        assert protocol == "chat.v1"
        serve.wait_for(r"disconnected \(4000\)")
