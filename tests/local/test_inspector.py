"""The inspector (``/_mangum/``) in headless Chromium: recent invocations arriving live, one opened
with its event, result, log lines and authorizer decision, a live WebSocket connection posted to
and disconnected from the page, and the data and actions refused to another origin."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from mangum.local.cli import exposure_warning
from mangum.local.management_key import is_loopback
from mangum.local.serve_config import ServeConfig
from tests.local.support import WAIT, Serve, running_serve
from tests.support.browser import Page, chromium_page

OPTIONS = (
    "--authorizer",
    "tests.local.authorizer_apps:authorize",
    "--authorizer-identity",
    "querystring.token",
)
SCREENSHOT = "MANGUM_INSPECTOR_SCREENSHOT"
"""Set to a path, the test also saves its screenshot there (docs/inspector.png is made so)."""


def _screenshot(page: Page, folder: Path) -> Path:
    page.call("Emulation.setDeviceMetricsOverride", width=1280, height=820, deviceScaleFactor=1, mobile=False)
    data = base64.b64decode(page.call("Page.captureScreenshot", format="png")["data"])
    shot = folder / "inspector.png"
    shot.write_bytes(data)
    if target := os.environ.get(SCREENSHOT):
        shutil.copyfile(shot, target)
    return shot


def _browse(serve: Serve, folder: Path) -> None:
    port = serve.origin.rsplit(":", 1)[1]

    async def scenario() -> None:
        async with connect(f"{serve.ws_origin}/prod?token=allow:bob", open_timeout=WAIT) as client:
            await client.send(json.dumps({"action": "hello"}))
            with chromium_page() as page:
                page.open(f"{serve.origin}/_mangum/")
                assert page.wait_for("document.querySelectorAll('tr.invocation').length >= 4")
                page.wait_for("document.querySelector('#live').textContent === 'live'")
                page.wait_for("document.querySelectorAll('tr.connection').length === 1")
                # A new invocation appears without reloading the page (server-sent events).
                before = page.evaluate("document.querySelectorAll('tr.invocation').length")
                await asyncio.to_thread(httpx.get, f"{serve.base_url}/items/9?token=allow:ann", timeout=WAIT)
                page.wait_for(f"document.querySelectorAll('tr.invocation').length === {before + 1}")
                newest = page.evaluate(
                    "[...document.querySelector('tr.invocation').cells].map(c => c.textContent)"
                )
                assert newest[1:5] == ["api_gateway_v1", "GET", "/items/9", "200"]
                # Opened: the event, the result, the log lines and the authorizer's decision.
                page.evaluate("document.querySelector('tr.invocation').click()")
                event = json.loads(page.wait_for("document.querySelector('#detail-event').textContent"))
                assert event["path"] == "/items/9"
                assert event["requestContext"]["authorizer"]["principalId"] == "ann"
                assert (
                    json.loads(page.evaluate("document.querySelector('#detail-result').textContent"))[
                        "statusCode"
                    ]
                    == 200
                )
                assert "handling /items/9" in page.wait_for(
                    "document.querySelector('#detail-logs').textContent.includes('handling') && "
                    "document.querySelector('#detail-logs').textContent"
                )
                decision = json.loads(
                    page.evaluate("document.querySelector('#detail-authorizer').textContent")
                )
                assert (decision["verdict"], decision["principalId"]) == ("allow", "ann")
                _screenshot(page, folder)
                # Post to the connection from the page's form, through the Management API.
                page.evaluate("document.querySelector('tr.connection input').value = 'from the inspector'")
                page.evaluate("document.querySelector('tr.connection button.post').click()")
                assert await asyncio.wait_for(client.recv(), WAIT) == "from the inspector"
                page.wait_for("document.querySelector('#result-note').textContent.includes('200 OK')")
                # Another origin (localhost is not 127.0.0.1) can neither read nor act.
                page.open(f"http://localhost:{port}/prod/other?token=allow:eve")
                page.wait_for("document.readyState === 'complete'")
                page.evaluate(
                    "window.probe = null; "
                    f"fetch('{serve.origin}/_mangum/api/invocations')"
                    ".then(r => r.text())"
                    ".then(t => window.probe = 'read: ' + t, () => window.probe = 'blocked');"
                    f"fetch('{serve.origin}/_mangum/api/connections/x/disconnect', "
                    "{method: 'POST', mode: 'no-cors', body: ''}).then(r => window.acted = r.type)"
                )
                assert page.wait_for("window.probe") == "blocked"
                assert page.wait_for("window.acted") == "opaque"
                page.open(f"{serve.origin}/_mangum/")
                page.wait_for("document.querySelectorAll('tr.connection').length === 1")
                page.evaluate("document.querySelector('tr.connection button.disconnect').click()")
                with pytest.raises(ConnectionClosed) as closed:
                    await asyncio.wait_for(client.recv(), WAIT)
                assert closed.value.rcvd is not None
                assert closed.value.rcvd.code == 1000
                page.wait_for("document.querySelectorAll('tr.connection').length === 0")

    asyncio.run(scenario())


def test_inspector_in_chromium(tmp_path: Path) -> None:
    with running_serve("tests.local.inspector_apps:handler", *OPTIONS) as serve:
        for token in ("allow:ann", "deny", "allow:ann"):
            httpx.get(f"{serve.base_url}/items/1?token={token}", timeout=WAIT)
        _browse(serve, tmp_path)
        assert (tmp_path / "inspector.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_inspector_refuses_other_origins_and_sets_no_cors() -> None:
    with running_serve("tests.local.inspector_apps:handler") as serve:
        assert f"Inspector       {serve.origin}/_mangum/" in serve.output()
        assert "WARNING: --host" not in serve.output()
        httpx.get(f"{serve.base_url}/items/1", timeout=WAIT)
        api = f"{serve.origin}/_mangum/api/invocations"
        own = httpx.get(api, headers={"Origin": serve.origin, "Sec-Fetch-Site": "same-origin"}, timeout=WAIT)
        assert own.status_code == 200
        assert [row["path"] for row in own.json()] == ["/items/1"]
        assert "access-control-allow-origin" not in own.headers
        for headers in (
            {"Origin": "http://evil.example"},
            {"Sec-Fetch-Site": "cross-site"},
            {"Sec-Fetch-Site": "same-site"},
        ):
            refused = httpx.get(api, headers=headers, timeout=WAIT)
            assert refused.status_code == 403, headers
            assert "access-control-allow-origin" not in refused.headers
        page = httpx.get(f"{serve.origin}/_mangum/", timeout=WAIT)
        assert page.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        # Outside any stage: /prod/_mangum/ is the app's path, not the inspector.
        assert httpx.get(f"{serve.base_url}/_mangum/", timeout=WAIT).json() == {"path": "/_mangum/"}


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("devbox.local", False),
    ],
)
def test_hosts_beyond_loopback_are_warned_about(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
    warning = exposure_warning(ServeConfig(handler="app.handler", host=host, port=3000))
    assert "/_mangum/" in warning
    assert "Management API" in warning


def test_with_a_management_key_the_inspector_needs_it_and_acts_with_it() -> None:
    async def scenario(serve: Serve) -> tuple[int, int, str]:
        async with connect(f"{serve.ws_origin}/prod", open_timeout=WAIT) as client:
            connections = f"{serve.origin}/_mangum/api/connections"
            keyless = await asyncio.to_thread(httpx.get, connections, timeout=WAIT)
            listed = await asyncio.to_thread(
                httpx.get, connections, headers={"X-Mangum-Management-Key": "s3cret"}, timeout=WAIT
            )
            [connection] = listed.json()
            posted = await asyncio.to_thread(
                httpx.post,
                f"{connections}/{connection['connectionId']}/messages",
                content=b"keyed",
                headers={"X-Mangum-Management-Key": "s3cret"},
                timeout=WAIT,
            )
            assert posted.status_code == 200, posted.text
            return keyless.status_code, listed.status_code, str(await asyncio.wait_for(client.recv(), WAIT))

    with running_serve("tests.local.inspector_apps:handler", "--management-key", "s3cret") as serve:
        assert f"Inspector       {serve.origin}/_mangum/#key=s3cret" in serve.output()
        assert asyncio.run(scenario(serve)) == (403, 200, "keyed")
        stream = f"{serve.origin}/_mangum/api/stream"
        with httpx.stream("GET", f"{stream}?key=s3cret", timeout=WAIT) as answer:
            assert answer.status_code == 200
        assert httpx.get(f"{stream}?key=wrong", timeout=WAIT).status_code == 403
