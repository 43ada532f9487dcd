"""Figures for docs/reliability.md#serve-against-hostile-clients: ``python -m mangum serve`` under
load while hostile clients work on it, on loopback.

For ``--seconds`` (default 10), ``--clients`` threads (default 32) send ``GET /prod/load/{n}`` with
keep-alive to ``serve --workers 2`` around ``tests.local.apps:echo`` and check that each answer is
the event of their own request; at the same time other threads send requests for a foreign
``Host`` (each must be a 421), ask for results with headers HTTP cannot carry (each must be a 502)
and for app paths with an ``@connections`` segment (each must reach the app), and ``--slow``
sockets (default 100) hold a request's headers open, one more byte every half second (``serve``
logs at its default level, its lines read and kept by the harness). Printed:
requests of each kind, wrong answers, the slow sockets still held at the end, and whether the
server was still serving. Run scripts/setup first.

    PYTHONPATH=. .venv/bin/python -m benchmarks.serve_hostile
"""

from __future__ import annotations

import argparse
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable

import httpx

from tests.local.apps import SMUGGLED_HEADERS
from tests.local.support import WAIT, Serve, running_serve

Check = Callable[[httpx.Client, str, int], bool]


def _own(client: httpx.Client, base: str, number: int) -> bool:
    answer = client.get(f"{base}/load/{number}")
    return answer.status_code == 200 and answer.json()["path"] == f"/load/{number}"


def _foreign_host(client: httpx.Client, base: str, number: int) -> bool:
    return client.get(f"{base}/load/{number}", headers={"Host": f"evil{number}.example"}).status_code == 421


def _smuggled(client: httpx.Client, base: str, number: int) -> bool:
    names = sorted(SMUGGLED_HEADERS)
    return client.get(f"{base}/{names[number % len(names)]}").status_code == 502


def _at_connections(client: httpx.Client, base: str, number: int) -> bool:
    answer = client.get(f"{base}/users/@connections")
    return answer.status_code == 200 and answer.json()["path"] == "/users/@connections"


def _loop(kind: str, check: Check, base: str, until: float, counts: Counter[str]) -> None:
    number = 0
    with httpx.Client(timeout=WAIT) as client:
        while time.monotonic() < until:
            number += 1
            try:
                right = check(client, base, number)
            except (httpx.HTTPError, ValueError, KeyError):
                right = False
            counts[kind] += 1
            if not right:
                counts[f"{kind} wrong"] += 1


def _slow(serve: Serve, count: int, until: float, held: list[int]) -> None:
    port = int(serve.origin.rsplit(":", 1)[1])
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        sock.sendall(b"GET /prod/load/0 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        sockets.append(sock)
    alive = sockets
    while time.monotonic() < until:
        time.sleep(0.5)
        still = []
        for sock in alive:
            try:
                sock.sendall(b"a")
                still.append(sock)
            except OSError:
                sock.close()
        alive = still
    held.append(len(alive))
    for sock in alive:
        sock.close()


def main() -> None:
    """Run and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--slow", type=int, default=100)
    args = parser.parse_args()
    counts: Counter[str] = Counter()
    held: list[int] = []
    with running_serve("tests.local.apps:echo", "--workers", "2") as serve:
        until = time.monotonic() + args.seconds
        own: tuple[str, Check] = ("own", _own)
        kinds: list[tuple[str, Check]] = [
            *[own] * args.clients,
            ("foreign Host", _foreign_host),
            ("smuggled header", _smuggled),
            ("@connections path", _at_connections),
        ]
        threads = [
            threading.Thread(target=_loop, args=(kind, check, serve.base_url, until, counts))
            for kind, check in kinds
        ]
        threads.append(threading.Thread(target=_slow, args=(serve, args.slow, until, held)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        serving = httpx.get(f"{serve.base_url}/load/last", timeout=WAIT).status_code == 200
    print(f"{args.seconds:g} s, {args.clients} clients of their own, {args.slow} slow sockets:")
    for kind in ("own", "foreign Host", "smuggled header", "@connections path"):
        print(f"  {kind:<18} {counts[kind]:>7,} requests, {counts[f'{kind} wrong']:,} wrong answers")
    print(f"  slow sockets held to the end: {held[0] if held else 0}; still serving: {serving}")


if __name__ == "__main__":
    main()
