"""Benchmark ``python -m mangum serve`` against the same app under uvicorn, and against calling the
handler in process, in the same run.

Usage: ``PYTHONPATH=. .venv/bin/python -m benchmarks.serve [--quick | --interleaved TURNS [--baseline TREE]]``

The app is ``benchmarks/serve_app.py``: a Starlette app, served as ``Mangum`` handler by ``serve``
and as the plain ASGI app by uvicorn (with the same HTTP stack: httptools on uvloop, as ``serve``
runs it and the ``local`` extra installs it). Each request is timed from the client's side:

- **in process**: ``handler(event, context)`` with the REST API event ``serve`` builds for
  ``GET /prod/items/7?q=x`` (:mod:`mangum.local.events`), one call after another;
- **sequential**: the same request over HTTP/1.1 keep-alive (httpx), one after another, to
  ``serve`` (the gateway, the event, the Runtime API, the worker process and back) and to uvicorn,
  each with 1 and with 4 workers;
- **concurrent**: 4 client threads, each on its own connection, against the same servers:
  throughput;
- **WebSocket round trip**: a frame sent by a ``websockets`` client to ``serve``, invoked as a
  MESSAGE on a worker, echoed through the Management API on the same port, received by the client.

A round starts each server afresh (``--log-level warning``: no access log; ``serve``'s Lambda
platform lines go to ``/dev/null``), warms it up and takes the figures; the
servers take turns within a round so that machine noise hits them alike. Figures are medians over
rounds of each round's median / 99th percentile.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
from websockets.sync.client import connect

from mangum.local.events import GatewayRequest, rest_event
from mangum.local_context import LocalContext

ROOT = Path(__file__).resolve().parent.parent
WAIT = 60.0
SEQUENTIAL_WARM_UP = 20


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(server: str, workers: int, tree: Path = ROOT) -> Iterator[tuple[str, int]]:
    """``serve`` or ``uvicorn`` on a free port with ``workers`` workers, run from the source tree
    ``tree`` (this checkout by default); yields the base URL (``http://host:port/prod`` for
    ``serve``) and the server's process id."""
    port = _free_port()
    if server == "serve":
        command = ["-m", "mangum", "serve", "benchmarks.serve_app:handler", "--port", str(port)]
    else:
        # uvicorn's own choice, the HTTP stack serve runs: httptools on uvloop.
        command = ["-m", "uvicorn", "benchmarks.serve_app:app", "--port", str(port)]
    # Output to /dev/null: a pipe read by a thread of this process would take CPU from the client.
    process = subprocess.Popen(
        [sys.executable, *command, "--workers", str(workers), "--log-level", "warning"],
        cwd=tree,
        # Another tree's mangum (and benchmark app) ahead of this checkout's installed one.
        env=os.environ if tree == ROOT else {**os.environ, "PYTHONPATH": str(tree)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}" + ("/prod" if server == "serve" else "")
    try:
        deadline = time.monotonic() + WAIT
        while True:
            try:
                # Every worker answers once before the figures: 2 rounds of as many requests at once.
                if all(answer.status_code == 200 for answer in _burst(base, workers * 2)):
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(WAIT)


def cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU time (user + system) of process ``pid`` itself and of its child processes (its
    workers), read from ``/proc`` (Linux): CPU time per request holds still on a loaded machine
    where latency does not."""
    tick = os.sysconf("SC_CLK_TCK")

    def stat(path: Path) -> list[str]:
        # Fields after the command name, which may hold spaces: state is [0], ppid [1], utime [11].
        return path.read_text().rsplit(")", 1)[1].split()

    own = stat(Path(f"/proc/{pid}/stat"))
    children = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = stat(entry / "stat")
            except OSError:  # ended meanwhile
                continue
            if int(fields[1]) == pid:
                children += (int(fields[11]) + int(fields[12])) / tick
    return (int(own[11]) + int(own[12])) / tick, children


def _burst(base: str, count: int) -> list[httpx.Response]:
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(lambda _: httpx.get(f"{base}/items/0", timeout=WAIT), range(count)))


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
        for _ in range(SEQUENTIAL_WARM_UP):
            client.get(f"{base}/items/7?q=x")
        for _ in range(count):
            started = time.perf_counter()
            answer = client.get(f"{base}/items/7?q=x")
            times.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200
    return times


def concurrent(base: str, count: int, clients: int) -> float:
    """Requests per second with ``clients`` threads, each on its own keep-alive connection (made
    and warmed up before the clock starts)."""
    connections = [httpx.Client(timeout=WAIT) for _ in range(clients)]

    def run(client: httpx.Client, requests: int) -> None:
        for _ in range(requests):
            assert client.get(f"{base}/items/7?q=x").status_code == 200

    try:
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(run, connections, [10] * clients))  # warm-up: every worker serves
            started = time.perf_counter()
            list(pool.map(run, connections, [count // clients] * clients))
            elapsed = time.perf_counter() - started
    finally:
        for client in connections:
            client.close()
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


def interleaved(turns: int, count: int, baseline: Path | None = None) -> None:
    """The 2x target alone, for a noisy machine: ``serve`` and uvicorn, 1 worker each, alive side by
    side and taking turns of ``count`` sequential requests, so that a burst of other work hits both
    alike; prints each turn's medians and ratio, the median ratio, and each process's CPU time per
    request over its turns. With ``baseline`` (another checkout, say of main), a ``serve`` run from
    that tree takes its turns too: a change measured against the code before it, in the same noise."""
    servers = [("serve", ROOT), ("uvicorn", ROOT)] + ([] if baseline is None else [("baseline", baseline)])
    ratios: dict[str, list[float]] = {name: [] for name, _ in servers if name != "uvicorn"}
    cpu: dict[str, list[float]] = {name: [0.0, 0.0] for name, _ in servers}
    with ExitStack() as stack:
        bases = {
            name: stack.enter_context(serving("uvicorn" if name == "uvicorn" else "serve", 1, tree))
            for name, tree in servers
        }
        for turn in range(turns):
            medians: dict[str, float] = {}
            # Each turn in the other order: none is always first after the pause between turns.
            for name, _ in servers if turn % 2 == 0 else servers[::-1]:
                base, pid = bases[name]
                before = cpu_seconds(pid)
                medians[name] = statistics.median(sequential(base, count))
                after = cpu_seconds(pid)
                cpu[name][0] += after[0] - before[0]
                cpu[name][1] += after[1] - before[1]
            for name in ratios:
                ratios[name].append(medians[name] / medians["uvicorn"])
            print(
                f"turn {turn + 1}: "
                + ", ".join(f"{name} p50 {median:.3f} ms" for name, median in medians.items())
                + ", "
                + ", ".join(f"{name} x{values[-1]:.2f}" for name, values in ratios.items())
            )
    requests = turns * (count + SEQUENTIAL_WARM_UP)
    for name, values in ratios.items():
        median = statistics.median(values)
        print(f"median of {turns} turns of {count} requests: {name} / uvicorn p50 x{median:.2f}")
    per_request = {name: [seconds * 1000 / requests for seconds in used] for name, used in cpu.items()}
    print(
        "CPU ms per request: "
        + ", ".join(
            f"{name} gateway {per_request[name][0]:.3f}, {name} worker {per_request[name][1]:.3f}"
            for name in ratios
        )
        + f", uvicorn {sum(per_request['uvicorn']):.3f}"
    )


SERVERS = ("uvicorn", "serve")
WORKER_COUNTS = (1, 4)
CLIENTS = 4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and requests")
    parser.add_argument(
        "--interleaved", type=int, metavar="TURNS", help="only the 1-worker sequential ratio, in turns of 400"
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="TREE",
        help="with --interleaved: a serve run from this source tree (a checkout of main) takes turns too",
    )
    arguments = parser.parse_args()
    if arguments.interleaved:
        interleaved(arguments.interleaved, 400, arguments.baseline)
        return
    quick = arguments.quick
    rounds, count = (2, 100) if quick else (3, 300)
    figures: dict[str, list[float]] = {}

    def keep(name: str, value: float) -> None:
        figures.setdefault(name, []).append(value)

    for round_number in range(rounds):
        local = in_process(count)
        keep("local p50", statistics.median(local))
        keep("local p99", percentile(local, 0.99))
        keep("local rps", 1000 / statistics.mean(local))
        for workers in WORKER_COUNTS:
            for server in SERVERS:
                with serving(server, workers) as (base, pid):
                    name = f"{server} {workers}"
                    before = cpu_seconds(pid)
                    through = sequential(base, count)
                    after = cpu_seconds(pid)
                    requests = count + SEQUENTIAL_WARM_UP
                    keep(f"{name} cpu main", (after[0] - before[0]) * 1000 / requests)
                    keep(f"{name} cpu workers", (after[1] - before[1]) * 1000 / requests)
                    keep(f"{name} p50", statistics.median(through))
                    keep(f"{name} p99", percentile(through, 0.99))
                    keep(f"{name} rps", 1000 / statistics.mean(through))
                    keep(f"{name} concurrent rps", concurrent(base, count, CLIENTS))
                    if server == "serve" and workers == 1:
                        trips = websocket_round_trips(base, count // 2)
                        keep("ws p50", statistics.median(trips))
                        keep("ws p99", percentile(trips, 0.99))
        print(f"round {round_number + 1}/{rounds} done", file=sys.stderr)

    median = {name: statistics.median(values) for name, values in figures.items()}
    print(f"{'':40}{'p50 ms':>10}{'p99 ms':>10}{'req/s':>10}")
    rows: list[tuple[str, str | None, str | None, str | None]] = [
        ("in process: handler(event, ctx)", "local p50", "local p99", "local rps")
    ]
    for workers in WORKER_COUNTS:
        for server in SERVERS:
            name = f"{server} {workers}"
            label = f"{server}, {workers} worker{'s' if workers > 1 else ''}"
            rows.append((f"{label}, sequential", f"{name} p50", f"{name} p99", f"{name} rps"))
            rows.append((f"{label}, {CLIENTS} clients", None, None, f"{name} concurrent rps"))
    rows.append(("serve: WebSocket round trip (echo)", "ws p50", "ws p99", None))
    for label, *names in rows:
        cells = [
            f"{median[name]:10.{3 if 'rps' not in name else 0}f}" if name else " " * 10 for name in names
        ]
        print(f"{label:40}{''.join(cells)}")
    print()
    for workers in WORKER_COUNTS:

        def ratio(figure: str, count: int = workers) -> str:
            return f"x{median[f'serve {count} {figure}'] / median[f'uvicorn {count} {figure}']:.2f}"

        print(
            f"{workers} worker(s), serve / uvicorn: sequential p50 {ratio('p50')}, p99 {ratio('p99')}, "
            f"concurrent req/s {ratio('concurrent rps')}"
        )
    for server in SERVERS:
        print(
            f"{server}: concurrent req/s with 4 workers / 1 worker "
            f"x{median[f'{server} 4 concurrent rps'] / median[f'{server} 1 concurrent rps']:.2f}"
        )
    print("CPU ms per sequential request (1 worker; the processes' whole time over the requests):")
    print(
        f"  serve's gateway {median['serve 1 cpu main']:.3f}, "
        f"its worker {median['serve 1 cpu workers']:.3f}; "
        f"uvicorn (app included) {median['uvicorn 1 cpu main'] + median['uvicorn 1 cpu workers']:.3f}"
    )
    print(
        f"serve overhead per request over uvicorn (p50, 1 worker): "
        f"{median['serve 1 p50'] - median['uvicorn 1 p50']:.2f} ms; "
        f"WebSocket round trip / HTTP round trip (p50): x{median['ws p50'] / median['serve 1 p50']:.2f}"
    )
    print(f"medians of {rounds} rounds of {count} requests ({count // 2} WebSocket frames)")


if __name__ == "__main__":
    main()
