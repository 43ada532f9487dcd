"""Building the result per source and response kind: median time against reading (validating and
reducing) one event of the same source, as the adapter does both; or, with ``--instructions``,
valgrind's instruction count of one result.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/response_build.py [--instructions]``. Prints medians
in microseconds and the ratio build/read; with ``--instructions``, the instructions of one
``result_or_error`` call (callgrind, ``PYTHONHASHSEED=0``: N results less none, divided by N) for
every layout (the sources' and the WebSocket one) and three responses: the benchmarks' bare app
(one header, a small JSON body), a typical JSON answer (six headers, two of them cookies) and a
4 KiB PNG (base64).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from mangum._http.response import (
    LAMBDA_RESPONSE_LIMIT,
    CollectedResponse,
    ResponseShape,
    build_result,
    result_or_error,
)
from mangum._sources import websocket
from mangum._sources.registry import HttpEvent, HttpSource, detect
from mangum.config import build_config

EVENTS_DIR = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "events"
SOURCES = {
    "rest": "powertools/apiGatewayProxyEvent.json",
    "http": "powertools/apiGatewayProxyV2Event.json",
    "url": "powertools/lambdaFunctionUrlEvent.json",
    "alb": "powertools/albEvent.json",
    "alb-multi": "handmade/albMultiValueCookiesEvent.json",
    "cloudfront": "handmade/cloudFrontViewerRequestEvent.json",
}
ROUNDS = 31
CALLS_PER_ROUND = 2_000
COUNTED_CALLS = 200

BARE = CollectedResponse(200, [(b"content-type", b"application/json")], b'{"ok":true}')
TYPICAL_JSON = CollectedResponse(
    200,
    [
        (b"content-type", b"application/json"),
        (b"content-length", b"1062"),
        (b"cache-control", b"no-store"),
        (b"x-request-id", b"0f8fad5b-d9cb-469f-a165-70867728950e"),
        (b"set-cookie", b"session=abc123; Path=/; HttpOnly; Secure"),
        (b"set-cookie", b"theme=dark; Path=/; Max-Age=31536000"),
    ],
    json.dumps({"items": [{"id": index, "name": f"item {index}"} for index in range(40)]}).encode(),
)
SMALL_PNG = CollectedResponse(200, [(b"content-type", b"image/png")], bytes(range(256)) * 16)
RESPONSES = {"bare": BARE, "json": TYPICAL_JSON, "png": SMALL_PNG}


def median_microseconds(call: Callable[[], object]) -> float:
    """The median over rounds of the mean time of one call, in microseconds."""
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(CALLS_PER_ROUND):
            call()
        samples.append((time.perf_counter() - start) / CALLS_PER_ROUND * 1e6)
    return statistics.median(samples)


def read(raw: dict[str, Any]) -> HttpEvent:
    """An HTTP event as the adapter reads it."""
    source = detect(raw)
    assert isinstance(source, HttpSource)
    return source.read(raw)


def layouts() -> dict[str, tuple[ResponseShape, int]]:
    """Every result layout with its size limit, by name."""
    found: dict[str, tuple[ResponseShape, int]] = {}
    for source, path in SOURCES.items():
        event = read(json.loads((EVENTS_DIR / path).read_text()))
        found[source] = (event.response, event.limit)
    found["websocket"] = (websocket.RESPONSE, LAMBDA_RESPONSE_LIMIT)
    return found


def timed() -> None:
    """Print one line per source and response kind: read and build times."""
    config = build_config(text_mime_types=None)
    print(f"{'source':<10} {'response':<6} {'read us':>9} {'build us':>9} {'build/read':>12}")
    for source, path in SOURCES.items():
        raw: dict[str, Any] = json.loads((EVENTS_DIR / path).read_text())
        event = read(raw)
        parse = median_microseconds(partial(read, raw))
        for kind, response in (("json", TYPICAL_JSON), ("png", SMALL_PNG)):
            build = median_microseconds(partial(build_result, event.response, event.limit, response, config))
            print(f"{source:<10} {kind:<6} {parse:>9.1f} {build:>9.1f} {build / parse:>12.2f}")


def marked(calls: int) -> None:
    """Under callgrind's ``--dump-before=getppid``: per measurement, a dump of nothing and one of
    ``calls`` results, after one dump of start-up and warm-up. Prints the measurements' names."""
    config = build_config(text_mime_types=None)
    measurements = [
        (f"{name}/{kind}", partial(result_or_error, shape, limit, response, config))
        for name, (shape, limit) in layouts().items()
        for kind, response in RESPONSES.items()
    ]
    for _, call in measurements:
        for _ in range(20):
            call()
    os.getppid()
    for _, call in measurements:
        os.getppid()
        for _ in range(calls):
            call()
        os.getppid()
    print(json.dumps([name for name, _ in measurements]))


def dump_total(path: Path) -> int:
    """The instruction total of one callgrind dump."""
    for line in path.read_text().splitlines():
        if line.startswith("totals:"):
            return int(line.split()[1])
    raise SystemExit(f"no totals in {path}")


def instructions(calls: int) -> None:
    """Run :func:`marked` under callgrind and print the instructions of one result of each."""
    with tempfile.TemporaryDirectory(prefix="mangum-response-build-") as directory:
        out = Path(directory) / "cg.out"
        command = ["valgrind", "--tool=callgrind", "--dump-before=getppid", f"--callgrind-out-file={out}"]
        command += [sys.executable, __file__, "--marked", str(calls)]
        done = subprocess.run(
            command, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"}, check=False
        )
        if done.returncode != 0:
            raise SystemExit(f"callgrind run failed:\n{done.stderr[-3000:]}")
        names: list[str] = json.loads(done.stdout)
        totals = [dump_total(out.with_name(f"cg.out.{dump}")) for dump in range(1, 2 + 2 * len(names))]
    print(f"{'layout/response':<20} {'instructions':>12}")
    for index, name in enumerate(names):
        per_call = (totals[2 + 2 * index] - totals[1 + 2 * index]) / calls
        print(f"{name:<20} {per_call / 1000:>11.1f}K")


def main() -> None:
    """Times by default; instruction counts with ``--instructions``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instructions", action="store_true", help="callgrind counts, not times")
    parser.add_argument("--marked", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.marked:
        marked(args.marked)
    elif args.instructions:
        instructions(COUNTED_CALLS)
    else:
        timed()


if __name__ == "__main__":
    main()
