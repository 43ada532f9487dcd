"""Median time of building the result per source, against reading (validating and reducing) one
event of the same source, as the adapter does both.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/response_build.py``. Prints medians in microseconds
and the ratio build/read.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from mangum._http.response import CollectedResponse, build_result
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


def main() -> None:
    """Print one line per source and response kind."""
    config = build_config(text_mime_types=None)
    print(f"{'source':<10} {'response':<6} {'read us':>9} {'build us':>9} {'build/read':>12}")
    for source, path in SOURCES.items():
        raw: dict[str, Any] = json.loads((EVENTS_DIR / path).read_text())
        event = read(raw)
        parse = median_microseconds(partial(read, raw))
        for kind, response in (("json", TYPICAL_JSON), ("png", SMALL_PNG)):
            build = median_microseconds(partial(build_result, event.response, event.limit, response, config))
            print(f"{source:<10} {kind:<6} {parse:>9.1f} {build:>9.1f} {build / parse:>12.2f}")


if __name__ == "__main__":
    main()
