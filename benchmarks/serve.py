"""Benchmark ``python -m mangum serve`` against calling the handler in process, in the same run.

Usage: ``PYTHONPATH=. .venv/bin/python -m benchmarks.serve [--quick]``

The handler is ``benchmarks/serve_app.py`` (``Mangum`` around a Starlette app). Three ways to run
one request, each timed from the client's side:

- **in process**: ``handler(event, context)`` with the REST API event ``serve`` builds for
  ``GET /prod/items/7?q=x`` (:mod:`mangum.local.events`), one call after another;
- **serve, sequential**: the same request over HTTP/1.1 keep-alive (httpx) to ``serve`` with one
  worker: the gateway, the event, the Runtime API, the worker process and back;
- **serve, concurrent**: 4 client threads against ``serve --workers 2``: throughput;
- **WebSocket round trip**: a frame sent by a ``websockets`` client, invoked as a MESSAGE on a
  worker, echoed through the Management API on the same port, received by the client.

A round starts a fresh ``serve`` (``--log-level warning``: no access log; the Lambda platform lines
go to a pipe that is read and dropped), warms it up and takes the figures; rounds alternate with
the in-process runs so that machine noise hits both alike. Figures are medians over rounds of each
round's median / 99th percentile; ratios are serve / in process.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
from websockets.sync.client import connect

from mangum.local.events import GatewayRequest, rest_event
from mangum.local_context import LocalContext

ROOT = Path(__file__).resolve().parent.parent
WAIT = 60.0
_BANNER = re.compile(r"HTTP\s+(http://\S+?)/?$")


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


@contextmanager
def serving(workers: int) -> Iterator[str]:
    """``serve`` on a free port; yields its base URL (``http://host:port/prod``)."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mangum",
            "serve",
            "benchmarks.serve_app:handler",
            "--port",
            "0",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    base = None
    for line in process.stdout:
        found = _BANNER.search(line.rstrip())
        if found:
            base = found.group(1)
            break
    threading.Thread(target=process.stdout.read, daemon=True).start()  # drain the platform lines
    try:
        assert base is not None, "serve printed no address"
        deadline = time.monotonic() + WAIT
        while True:
            try:
                if httpx.get(f"{base}/items/0", timeout=WAIT).status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(WAIT)


def in_process(count: int) -> list[float]:
    """Milliseconds per ``handler(event, context)`` call."""
    from benchmarks.serve_app import handler

    request = GatewayRequest(
        method="GET",
        path="/items/7",
        raw_path="/items/7",
        query="q=x",
        headers=(("host", "127.0.0.1:3000"), ("accept", "*/*"), ("user-agent", "bench")),
        body=b"",
        source_ip="127.0.0.1",
        host="127.0.0.1:3000",
        port=3000,
    )
    event = json.loads(json.dumps(rest_event(request, "prod", "local")))
    for _ in range(50):
        handler(event, LocalContext())
    times = []
    for _ in range(count):
        started = time.perf_counter()
        result = handler(event, LocalContext())
        times.append((time.perf_counter() - started) * 1000)
        assert result["statusCode"] == 200
    return times


def sequential(base: str, count: int) -> list[float]:
    """Milliseconds per request, one after another on one keep-alive connection."""
    times = []
    with httpx.Client(timeout=WAIT) as client:
        for _ in range(20):
            client.get(f"{base}/items/7?q=x")
        for _ in range(count):
            started = time.perf_counter()
            answer = client.get(f"{base}/items/7?q=x")
            times.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200
    return times


def concurrent(base: str, count: int, clients: int) -> float:
    """Requests per second with ``clients`` threads, each on its own connection."""

    def run(_: int) -> None:
        with httpx.Client(timeout=WAIT) as client:
            for _ in range(count // clients):
                assert client.get(f"{base}/items/7?q=x").status_code == 200

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(run, range(clients)))  # warm-up: every worker serves once
        started = time.perf_counter()
        list(pool.map(run, range(clients)))
        elapsed = time.perf_counter() - started
    return (count // clients) * clients / elapsed


def websocket_round_trips(base: str, count: int) -> list[float]:
    """Milliseconds from sending a frame to receiving its echo."""
    times = []
    with connect(base.replace("http://", "ws://")) as client:
        for _ in range(10):
            client.send("warm")
            client.recv(WAIT)
        for number in range(count):
            started = time.perf_counter()
            client.send(f"frame {number}")
            assert client.recv(WAIT) == f"frame {number}"
            times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and requests")
    quick = parser.parse_args().quick
    rounds, count = (2, 100) if quick else (5, 400)
    figures: dict[str, list[float]] = {}

    def keep(name: str, value: float) -> None:
        figures.setdefault(name, []).append(value)

    for round_number in range(rounds):
        local = in_process(count)
        keep("local p50", statistics.median(local))
        keep("local p99", percentile(local, 0.99))
        keep("local rps", 1000 / statistics.mean(local))
        with serving(1) as base:
            through = sequential(base, count)
            keep("serve p50", statistics.median(through))
            keep("serve p99", percentile(through, 0.99))
            keep("serve rps", 1000 / statistics.mean(through))
            trips = websocket_round_trips(base, count // 2)
            keep("ws p50", statistics.median(trips))
            keep("ws p99", percentile(trips, 0.99))
        with serving(2) as base:
            keep("serve concurrent rps", concurrent(base, count, 4))
        print(f"round {round_number + 1}/{rounds} done", file=sys.stderr)

    median = {name: statistics.median(values) for name, values in figures.items()}
    print(f"{'':34}{'p50 ms':>10}{'p99 ms':>10}{'req/s':>10}")
    rows = [
        ("in process: handler(event, ctx)", "local p50", "local p99", "local rps"),
        ("serve, 1 worker, sequential", "serve p50", "serve p99", "serve rps"),
        ("serve, 2 workers, 4 clients", None, None, "serve concurrent rps"),
        ("WebSocket round trip (echo)", "ws p50", "ws p99", None),
    ]
    for label, *names in rows:
        cells = [
            f"{median[name]:10.{3 if 'rps' not in name else 0}f}" if name else " " * 10 for name in names
        ]
        print(f"{label:34}{''.join(cells)}")
    print()
    print(
        f"serve / in process: p50 x{median['serve p50'] / median['local p50']:.1f}, "
        f"p99 x{median['serve p99'] / median['local p99']:.1f}, "
        f"req/s x{median['serve rps'] / median['local rps']:.3f}"
    )
    print(
        f"gateway overhead per request (p50): {median['serve p50'] - median['local p50']:.2f} ms; "
        f"WebSocket round trip / HTTP round trip (p50): x{median['ws p50'] / median['serve p50']:.2f}"
    )
    print(f"medians of {rounds} rounds of {count} requests ({count // 2} WebSocket frames)")


if __name__ == "__main__":
    main()
