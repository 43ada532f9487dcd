"""Benchmark: mangum's public event models against Powertools' parser models, and import costs.

Run from anywhere with the project's virtualenv::

    .venv/bin/python benchmarks/parse_events.py

On first use it creates ``benchmarks/.venvs/powertools`` with ``aws-lambda-powertools`` and the same
pydantic version as this environment, installed from PyPI. For every real sample event
(:mod:`benchmarks.real_events`: the Powertools fixtures and AWS's documented examples, WebSocket
events included) it times ``Model.model_validate(event)`` of mangum's public model for the event's
source against the Powertools model of that source on the same event (in a worker process of that
virtualenv, batches alternating), and prints each event's ratio and each source's median ratio, by
time and (when valgrind is installed; ``--no-callgrind`` skips it) by instructions: callgrind runs
both sides' workers at once, ``PYTHONHASHSEED=0``, and one call is (N calls - none) / N in a warmed
process. Events that one side's model rejects are listed, not timed. Then median import times over fresh
interpreters, as ratios to ``import pydantic``. It asserts nothing: the figures are for reading.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from functools import partial
from importlib.metadata import version
from pathlib import Path
from statistics import median
from time import perf_counter

ROOT = Path(__file__).resolve().parent.parent
# The checkout last on the path: this checkout's packages are found, an environment's own first.
sys.path.append(str(ROOT))

from benchmarks.real_events import EVENTS_DIR, RealEvent, real_events  # noqa: E402

POWERTOOLS_VENV = ROOT / "benchmarks" / ".venvs" / "powertools"
POWERTOOLS_PYTHON = POWERTOOLS_VENV / "bin" / "python"
POWERTOOLS_REQUIREMENT = "aws-lambda-powertools==3.37.0"
POWERTOOLS_MODELS = "aws_lambda_powertools.utilities.parser.models"

SOURCES: dict[str, tuple[str, str]] = {
    "REST": ("ApiGatewayV1Event", "APIGatewayProxyEventModel"),
    "HTTP API": ("ApiGatewayV2Event", "APIGatewayProxyEventV2Model"),
    "Function URL": ("FunctionUrlEvent", "LambdaFunctionUrlModel"),
    "ALB": ("AlbEvent", "AlbModel"),
    "ALB multi-value": ("AlbEvent", "AlbModel"),
    "WebSocket": ("WebSocketEvent", "APIGatewayWebSocket{}EventModel"),
}
"""Per shape of :mod:`benchmarks.real_events`: mangum's model and Powertools' model (WebSocket: one
Powertools model per event type, ``Connect``, ``Disconnect`` or ``Message``)."""

FLOOR_LABEL = "ALB validators alone: powertools/albEvent"
"""Both sides' compiled validators alone on the ALB sample, without any Python around them: the two
models check the same fields with the same pydantic-core, which puts a floor under the ratio."""

TARGET_RATIO = 1.0
COUNTED_CALLS = 200
REPEATS = 15
BATCH_SECONDS = 0.02
IMPORT_RUNS = 15
FIRST_PARSE_SAMPLE = "powertools/apiGatewayProxyV2Event.json"

Parser = Callable[[], object]


def label_of(real: RealEvent) -> str:
    """How both processes name one event's measurement."""
    return f"{real.shape}: {real.path}"


def batch_size(call: Parser) -> int:
    """How many calls make a batch lasting about BATCH_SECONDS."""
    call()  # the first call builds the validator: not part of any batch
    number = 1
    while True:
        start = perf_counter()
        for _ in range(number):
            call()
        if perf_counter() - start >= BATCH_SECONDS:
            return number
        number *= 2


def seconds_per_call(call: Parser, number: int) -> float:
    """Seconds per call over one batch of ``number`` calls."""
    start = perf_counter()
    for _ in range(number):
        call()
    return (perf_counter() - start) / number


def accepted(validations: dict[str, Parser]) -> tuple[dict[str, Parser], dict[str, str]]:
    """The validations that pass on their event, and why each other one fails."""
    passing: dict[str, Parser] = {}
    failing: dict[str, str] = {}
    for label, validate in validations.items():
        try:
            validate()
        except ValueError as error:  # pydantic's ValidationError is a ValueError
            failing[label] = ": ".join(str(error).splitlines()[:2])  # the count, and the first field
        else:
            passing[label] = validate
    return passing, failing


def mangum_parsers() -> dict[str, Parser]:
    """Per real event: ``model_validate`` of mangum's public model of its source on it."""
    sys.path.insert(0, str(ROOT))  # the checkout's mangum, run as a script from anywhere
    import mangum.events

    parsers: dict[str, Parser] = {}
    for real in real_events():
        model = getattr(mangum.events, SOURCES[real.shape][0])
        parsers[label_of(real)] = partial(model.model_validate, real.load())
    alb = mangum.events.AlbEvent.__pydantic_validator__.validate_python
    parsers[FLOOR_LABEL] = partial(alb, real_event("powertools/albEvent.json").load())
    return parsers


def real_event(path: str) -> RealEvent:
    """The real event of one file."""
    return next(real for real in real_events() if real.path == path)


def powertools_parsers() -> dict[str, Parser]:
    """Per real event: ``model_validate`` of the Powertools model of its source on it."""
    models = importlib.import_module(POWERTOOLS_MODELS)
    parsers: dict[str, Parser] = {}
    for real in real_events():
        event = real.load()
        name = SOURCES[real.shape][1]
        context = event.get("requestContext")
        if real.shape == "WebSocket" and isinstance(context, dict):
            name = name.format(str(context.get("eventType")).capitalize())  # CONNECT -> Connect
        validate: Callable[[object], object] = getattr(models, name).model_validate
        parsers[label_of(real)] = partial(validate, event)
    parsers[FLOOR_LABEL] = partial(
        models.AlbModel.__pydantic_validator__.validate_python, real_event("powertools/albEvent.json").load()
    )
    return parsers


def count_marked(parsers: dict[str, Parser], number: int) -> None:
    """Worker of one side under callgrind (``--dump-before=getppid``): warm every validation its
    model accepts, then run each between ``os.getppid()`` marks, none and then ``number`` calls, as
    ``adapter_worker.py count`` does; print the labels, in order, as JSON."""
    passing, _ = accepted(parsers)
    for call in passing.values():
        batch_size(call)
    os.getppid()  # the end of start-up and warm-up
    for call in passing.values():
        os.getppid()  # a dump of nothing but the marks
        for _ in range(number):
            call()
        os.getppid()  # a dump of ``number`` calls
    print(json.dumps(list(passing)))


def count_instructions() -> tuple[dict[str, float], dict[str, float]]:
    """Instructions per call, mangum's and Powertools', per label each side's model accepts."""
    from benchmarks.adapter_vs_mangum import callgrind_counts

    ours, theirs = callgrind_counts(
        [(Path(sys.executable), []), (POWERTOOLS_PYTHON, ["--powertools"])],
        COUNTED_CALLS,
        worker=Path(__file__),
    )
    return ours, theirs


def serve_batches(parsers: dict[str, Parser]) -> None:
    """Worker loop: print which validations fail (JSON, one line), then, for each label read on
    stdin, time one batch and print seconds per call."""
    passing, failing = accepted(parsers)
    print(json.dumps(failing), flush=True)
    numbers = {label: batch_size(call) for label, call in passing.items()}
    for line in sys.stdin:
        label = line.strip()
        print(seconds_per_call(passing[label], numbers[label]), flush=True)


def compare_parsing() -> tuple[dict[str, float], dict[str, float], dict[str, str]]:
    """Median seconds per call, mangum's and Powertools', per event both sides accept; and why each
    other event is left out."""
    return alternate_batches(mangum_parsers(), [str(POWERTOOLS_PYTHON), __file__, "--powertools"])


def alternate_batches(
    ours: dict[str, Parser], worker_command: list[str]
) -> tuple[dict[str, float], dict[str, float], dict[str, str]]:
    """Median seconds per call of each of ``ours`` and of the worker's call of the same label.

    Batches alternate between the two (the other side in a worker process of its own virtualenv,
    running :func:`serve_batches`), so that a change in machine load hits both sides alike. Labels
    either side rejects are left out, with the reason.
    """
    passing, failing = accepted(ours)
    left_out = {label: f"mangum: {reason}" for label, reason in failing.items()}
    worker = subprocess.Popen(worker_command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert worker.stdin is not None  # both are pipes, as requested above
    assert worker.stdout is not None
    their_failures: dict[str, str] = json.loads(worker.stdout.readline())
    left_out.update({label: f"Powertools: {reason}" for label, reason in their_failures.items()})
    timed = {label: call for label, call in passing.items() if label not in left_out}
    numbers = {label: batch_size(call) for label, call in timed.items()}
    timings: dict[str, tuple[list[float], list[float]]] = {label: ([], []) for label in timed}
    try:
        for _ in range(REPEATS):
            for label, call in timed.items():
                worker.stdin.write(f"{label}\n")
                worker.stdin.flush()
                timings[label][1].append(float(worker.stdout.readline()))
                timings[label][0].append(seconds_per_call(call, numbers[label]))
    finally:
        worker.stdin.close()
        worker.wait()
    return (
        {label: median(mine) for label, (mine, _) in timings.items()},
        {label: median(theirs) for label, (_, theirs) in timings.items()},
        left_out,
    )


def ensure_powertools_venv() -> None:
    """Create the Powertools virtualenv unless it already holds the wanted versions."""
    wanted = f"{POWERTOOLS_REQUIREMENT}\npydantic=={version('pydantic')}\n"
    stamp = POWERTOOLS_VENV / "installed.txt"
    if stamp.is_file() and stamp.read_text() == wanted:
        return
    print(f"setting up {POWERTOOLS_VENV.relative_to(ROOT)} ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(POWERTOOLS_VENV)], check=True)
    install = [str(POWERTOOLS_PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*install, *wanted.split()], check=True)
    stamp.write_text(wanted)


def fresh_import_seconds(
    python: Path, statement: str, sample: Path = EVENTS_DIR / FIRST_PARSE_SAMPLE
) -> float:
    """Median seconds ``statement`` takes in a fresh interpreter, over IMPORT_RUNS runs (after one
    discarded run). Every run first loads the same sample event as ``event``. The interpreter
    imports only what its own venv holds: it runs outside the checkout, without PYTHONPATH."""
    code = (
        "import json, time\n"
        f"event = json.loads(open({str(sample)!r}).read())\n"
        "start = time.perf_counter()\n"
        f"{statement}\n"
        "print(time.perf_counter() - start)\n"
    )
    runs = [
        float(
            subprocess.run(
                [str(python), "-c", code],
                check=True,
                capture_output=True,
                text=True,
                cwd=POWERTOOLS_VENV.parent,
                env={key: value for key, value in os.environ.items() if key != "PYTHONPATH"},
            ).stdout
        )
        for _ in range(IMPORT_RUNS + 1)
    ]
    return median(runs[1:])


def print_parse_table(
    ours: dict[str, float],
    theirs: dict[str, float],
    left_out: dict[str, str],
    instructions: tuple[dict[str, float], dict[str, float]] | None,
) -> None:
    """Per-event medians and ratios (with instructions per call when counted), then per source the
    median ratio by time and the median and worst ratio by instructions."""
    print(
        "Model.model_validate(event): median µs per call, instructions per call in thousands "
        f"(ratio = mangum / Powertools; target <= {TARGET_RATIO})"
    )
    print(f"{'event':<72}{'mangum':>9}{'Powertools':>11}{'ratio':>7}{'mangum':>9}{'Powert.':>9}{'ratio':>7}")
    by_time: dict[str, list[float]] = {}
    by_count: dict[str, list[float]] = {}
    for label in ours:
        ratio = ours[label] / theirs[label]
        line = f"{label:<72}{ours[label] * 1e6:>9.2f}{theirs[label] * 1e6:>11.2f}{ratio:>7.2f}"
        source = label.split(": ")[0]
        if label != FLOOR_LABEL:
            by_time.setdefault(source, []).append(ratio)
        if instructions is not None:
            mine, other = instructions[0][label], instructions[1][label]
            line += f"{mine / 1e3:>8.1f}K{other / 1e3:>8.1f}K{mine / other:>7.3f}"
            if label != FLOOR_LABEL:
                by_count.setdefault(source, []).append(mine / other)
        print(line)
    for label, reason in left_out.items():
        print(f"left out {label}: {reason}")
    print(f"\n{'source':<18}{'events':>7}{'time, median':>14}{'instr., median':>16}{'instr., worst':>15}")
    for source in SOURCES:
        ratios = by_time.get(source)
        if not ratios:
            continue
        counted = by_count.get(source, [])
        worst = max(counted, default=median(ratios))
        flag = "" if max(median(ratios), worst) <= TARGET_RATIO else "  above target"
        line = f"{source:<18}{len(ratios):>7}{median(ratios):>14.2f}"
        line += f"{median(counted):>16.3f}{max(counted):>15.3f}" if counted else f"{'-':>16}{'-':>15}"
        print(line + flag)


def installed_python() -> Path:
    """The interpreter of the venv where ``adapter_vs_mangum.py`` installs this checkout (files and
    bytecode, beside the same pinned pydantic), installing the current sources first."""
    from benchmarks.adapter_vs_mangum import our_python

    return our_python()


def print_import_table() -> None:
    """Import-time medians in fresh interpreters, as ratios to ``import pydantic``.

    mangum is imported as installed, with its bytecode, as Powertools is: from source, with bytecode
    writing off, every run would compile it again.
    """
    ours = installed_python()
    measures: list[tuple[str, Path, str]] = [
        ("import pydantic", ours, "import pydantic"),
        ("import mangum.events", ours, "import mangum.events"),
        (
            "import mangum.events + first parse_event",
            ours,
            "import mangum.events\nmangum.events.parse_event(event)",
        ),
        ("import Powertools parser models", POWERTOOLS_PYTHON, f"import {POWERTOOLS_MODELS}"),
    ]
    results = [(label, fresh_import_seconds(python, statement)) for label, python, statement in measures]
    baseline = results[0][1]
    print(f"\nimport: median of {IMPORT_RUNS} fresh interpreters, milliseconds (ratio = / import pydantic)")
    for label, seconds in results:
        print(f"{label:<42}{seconds * 1e3:>9.1f}{seconds / baseline:>8.2f}")


def main() -> None:
    """Run the benchmark, or (``--powertools``) serve timed Powertools batches to it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", choices=["count"], help=argparse.SUPPRESS)
    parser.add_argument("--calls", type=int, default=COUNTED_CALLS, help=argparse.SUPPRESS)
    parser.add_argument("--powertools", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-imports", action="store_true", help="skip the import times")
    parser.add_argument("--no-callgrind", action="store_true", help="skip the instruction counts")
    args = parser.parse_args()
    if args.scenario == "count":
        count_marked(powertools_parsers() if args.powertools else mangum_parsers(), args.calls)
        return
    if args.powertools:
        serve_batches(powertools_parsers())
        return
    ensure_powertools_venv()
    print(f"Python {sys.version.split()[0]}, pydantic {version('pydantic')}, {POWERTOOLS_REQUIREMENT}\n")
    counted = not args.no_callgrind and shutil.which("valgrind") is not None
    instructions = count_instructions() if counted else None
    print_parse_table(*compare_parsing(), instructions)
    if not args.no_imports:
        print_import_table()


if __name__ == "__main__":
    main()
