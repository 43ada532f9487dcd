"""The warm measurements of ``adapter_vs_mangum.py``, run in a process of each side's environment.

The same file runs against this repository's mangum and against PyPI mangum (in its own virtual
environment): both expose ``Mangum(app, lifespan=...)`` with the same call signature, so only the
environment differs. Scenarios:

- ``serve --events FILE``: one handler (a bare app, ``lifespan="off"``) warmed on every event of
  FILE (a JSON list of ``[label, event]``); prints the status of each event's first call as one
  JSON line, then, for each line ``INDEX CALLS`` read on stdin, times CALLS calls on event INDEX and
  prints the seconds per call. The driver keeps one such process per side and alternates batches
  between them (interleaved in time, so that machine noise hits both alike).
- ``count --events FILE --calls N [--pieces]``: for valgrind's callgrind, run with
  ``--dump-before=getppid``: after warming every event, for each event (and, with ``--pieces``,
  for each piece a call cannot go below) it calls ``os.getppid()``, then runs nothing, then
  ``os.getppid()``, then N calls, so that each measurement leaves two dumps in a row: the one of
  nothing and the one of N calls. Prints the measurements' names, in order, as JSON.
- ``warm --app fastapi``: rounds of calls in one process; medians and the peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from time import perf_counter
from typing import Any

# The checkout last on the path: the benchmark's own modules are found there, mangum still in the
# environment of the interpreter running this file.
sys.path.append(str(Path(__file__).resolve().parent.parent))

from benchmarks.adapter_apps import App, Context, Message, bare_app, fastapi_app
from benchmarks.cold_start import peak_rss_kib

EVENT = (
    Path(__file__).resolve().parent.parent
    / "tests"
    / "fixtures"
    / "events"
    / "powertools"
    / "apiGatewayProxyV2Event.json"
)
WARM_UP_CALLS = 20
Call = Callable[[], object]


def load_events(path: str) -> list[tuple[str, dict[str, Any]]]:
    """The ``[label, event]`` pairs the driver wrote."""
    pairs: list[tuple[str, dict[str, Any]]] = [
        (label, event) for label, event in json.loads(Path(path).read_text())
    ]
    return pairs


def handler_calls(app: App, events: list[tuple[str, dict[str, Any]]]) -> tuple[list[Call], list[int]]:
    """Per event, a call of one warmed ``Mangum(app, lifespan="off")`` on it; and each first status."""
    from mangum import Mangum

    handler = Mangum(app, lifespan="off")
    context = Context()
    calls: list[Call] = []
    statuses: list[int] = []
    for _, event in events:

        def call(event: dict[str, Any] = event) -> object:
            return handler(event, context)

        first = handler(event, context)
        statuses.append(int(first["statusCode"]))
        for _ in range(WARM_UP_CALLS):
            call()
        calls.append(call)
    return calls, statuses


def serve(events: list[tuple[str, dict[str, Any]]]) -> None:
    """Time batches of calls as the driver asks for them, on stdin."""
    calls, statuses = handler_calls(bare_app(b'{"ok":true}', b"application/json"), events)
    print(json.dumps({"statuses": statuses}), flush=True)
    for line in sys.stdin:
        index, number = (int(part) for part in line.split())
        call = calls[index]
        start = perf_counter()
        for _ in range(number):
            call()
        print((perf_counter() - start) / number, flush=True)


# --- what a call cannot go below -----------------------------------------------------------------


def app_coroutines(app: App) -> Callable[[], Any]:
    """A maker of the app's coroutine for one request with an empty body, sending nowhere."""
    request: Message = {"type": "http.request", "body": b"", "more_body": False}
    scope: Message = {"type": "http"}

    async def receive() -> Message:
        return request

    async def send(message: Message) -> None:
        pass

    return lambda: app(scope, receive, send)


def drive_directly(app: App) -> Call:
    """The app's own work: its coroutine driven by hand with ``send(None)``, no loop, no Task."""
    coroutine_of = app_coroutines(app)

    def call() -> object:
        try:
            coroutine_of().send(None)
        except StopIteration:
            return None
        raise RuntimeError("the bare app suspended")

    return call


def one_task_on_a_loop(app: App) -> Call:
    """The app's coroutine as a Task on an asyncio loop, stepped until done: the least an adapter
    that runs the app as a Task pays (asyncio's own ``_run_once``, with its zero-timeout poll)."""
    loop = asyncio.new_event_loop()
    coroutine_of = app_coroutines(app)
    # asyncio's private step of the loop, as an adapter that steps its loop calls it.
    step: Callable[[], None] = loop._run_once  # type: ignore[attr-defined]

    def call() -> object:
        task = loop.create_task(coroutine_of())
        while not task.done():
            step()
        return task.result()

    return call


def event_validators(events: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, Call]]:
    """Per event, this checkout's event validator alone (the generated pydantic-core validator of
    the event's source, as the adapter runs it). Empty under PyPI mangum, or when the checkout's
    internals have moved so that the validator cannot be found: the report then says n/a."""
    try:
        from importlib import import_module

        from mangum._sources import registry
    except ImportError:
        return []
    found: list[tuple[str, Call]] = []
    for label, event in events:
        try:
            source = registry.detect(event)
            validator = import_module(f"mangum._sources.{source.name}").VALIDATOR
            validate: Callable[[object], object] = validator.validate
            validate(event)
            validate = validator.validate  # built on the first call: the built one from now on
        except (AttributeError, ImportError):
            return []

        def check(event: dict[str, Any] = event, validate: Callable[[object], object] = validate) -> object:
            return validate(event)

        found.append((f"validate:{label}", check))
    return found


def count(events: list[tuple[str, dict[str, Any]]], number: int, pieces: bool) -> None:
    """Run each measurement between ``os.getppid()`` marks, for callgrind's ``--dump-before``."""
    app = bare_app(b'{"ok":true}', b"application/json")
    calls, _ = handler_calls(app, events)
    measurements: list[tuple[str, Call]] = [
        (f"call:{label}", call) for (label, _), call in zip(events, calls, strict=True)
    ]
    if pieces:
        measurements += event_validators(events)
        measurements += [("app-direct", drive_directly(app)), ("task-step", one_task_on_a_loop(app))]
    for _, call in measurements:
        for _ in range(WARM_UP_CALLS):
            call()
    os.getppid()  # the end of start-up and warm-up: everything before is one dump
    for _, call in measurements:
        os.getppid()  # a dump of nothing but the marks themselves
        for _ in range(number):
            call()
        os.getppid()  # a dump of ``number`` calls
    print(json.dumps([name for name, _ in measurements]))


# --- one process, several rounds -----------------------------------------------------------------


def warm(app_name: str, calls: int, rounds: int) -> None:
    """Rounds of calls on one handler: the median per call, and the process's peak RSS."""
    from mangum import Mangum

    event = json.loads(EVENT.read_text())
    context = Context()
    app = fastapi_app() if app_name == "fastapi" else bare_app(b'{"ok":true}', b"application/json")
    handler = Mangum(app, lifespan="off")
    handler(event, context)
    per_call = []
    for _ in range(rounds):
        start = perf_counter()
        for _ in range(calls):
            handler(event, context)
        per_call.append((perf_counter() - start) / calls)
    print(
        json.dumps(
            {
                "median": statistics.median(per_call),
                "max_rss_kib": peak_rss_kib(),
            }
        )
    )


def main() -> None:
    """Run the scenario named on the command line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=["serve", "count", "warm"])
    parser.add_argument("--events", default="")
    parser.add_argument("--app", default="bare", choices=["bare", "fastapi"])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--pieces", action="store_true")
    args = parser.parse_args()
    if args.scenario == "serve":
        serve(load_events(args.events))
    elif args.scenario == "count":
        count(load_events(args.events), args.calls, args.pieces)
    else:
        warm(args.app, args.calls, args.rounds)


if __name__ == "__main__":
    main()
