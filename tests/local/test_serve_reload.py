"""``serve --reload``: a real change to the app's source file is served by new workers, and open
WebSocket connections are closed with 1012."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.local.support import WAIT, Serve, running_serve

APP = """
def handler(event, context):
    return {{"statusCode": 200, "headers": {{"content-type": "text/plain"}}, "body": "{answer}"}}
"""


def _answer(serve: Serve) -> str:
    return httpx.get(f"{serve.base_url}/", timeout=WAIT).text


def test_a_changed_source_file_is_served_by_new_workers(tmp_path: Path) -> None:
    source = tmp_path / "reloadable.py"
    source.write_text(APP.format(answer="one"))
    with running_serve("reloadable:handler", "--source", "http", "--reload", cwd=tmp_path) as serve:
        assert "watching the Python files under" in serve.wait_for(r"^\s+Reload\s")[0]
        assert _answer(serve) == "one"
        (tmp_path / "notes.txt").write_text("not Python: no reload")

        async def change_while_connected() -> int | None:
            async with connect(f"{serve.ws_origin}/", open_timeout=WAIT) as client:
                source.write_text(APP.format(answer="two"))
                try:
                    await asyncio.wait_for(client.recv(), WAIT)
                except ConnectionClosed as closed:
                    return closed.rcvd.code if closed.rcvd else None
            return None

        assert asyncio.run(change_while_connected()) == 1012
        serve.wait_for(r"reload: reloadable\.py changed: replacing the workers")
        deadline = time.monotonic() + WAIT
        while _answer(serve) != "two":
            assert time.monotonic() < deadline, serve.output()
            time.sleep(0.1)
        assert len(serve.wait_for(r"worker \d+: cold start", count=2)) == 2
        assert "notes.txt" not in serve.output()
