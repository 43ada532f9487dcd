"""Benchmark: mangum's ``parse_event`` against Powertools' parser models, and import costs.

Run from anywhere with the project's virtualenv::

    .venv/bin/python benchmarks/parse_events.py

On first use it creates ``benchmarks/.venvs/powertools`` with ``aws-lambda-powertools`` and the same
pydantic version as this environment, installed from PyPI. It prints, per event source, the median
time of ``parse_event`` on a sample event against Powertools' model ``.model_validate`` on the same
event (run in a subprocess of that virtualenv) and their ratio, then median import times over fresh
interpreters, as ratios to ``import pydantic``. It asserts nothing: the figures are for reading.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from functools import partial
from importlib.metadata import version
from pathlib import Path
from statistics import median
from time import perf_counter

ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = ROOT / "tests" / "fixtures" / "events" / "powertools"
POWERTOOLS_VENV = ROOT / "benchmarks" / ".venvs" / "powertools"
POWERTOOLS_PYTHON = POWERTOOLS_VENV / "bin" / "python"
POWERTOOLS_REQUIREMENT = "aws-lambda-powertools==3.37.0"
POWERTOOLS_MODELS = "aws_lambda_powertools.utilities.parser.models"

SOURCES: list[tuple[str, str, str]] = [
    ("REST v1", "apiGatewayProxyEvent.json", "APIGatewayProxyEventModel"),
    ("HTTP v2", "apiGatewayProxyV2Event.json", "APIGatewayProxyEventV2Model"),
    ("Function URL", "lambdaFunctionUrlEvent.json", "LambdaFunctionUrlModel"),
    ("ALB", "albEvent.json", "AlbModel"),
    ("WebSocket", "apiGatewayWebSocketApiMessage.json", "APIGatewayWebSocketMessageEventModel"),
]
"""(source, sample event file, the Powertools model for that source)."""

FLOOR_LABEL = "ALB, validators"
"""Both sides' compiled validators alone on the ALB sample, without any Python around them: the two
models check the same fields with the same pydantic-core, which puts a floor under the ratio."""

TARGET_RATIO = 0.5
REPEATS = 15
BATCH_SECONDS = 0.02
IMPORT_RUNS = 15
FIRST_PARSE_SAMPLE = "apiGatewayProxyV2Event.json"


def load_sample(name: str) -> dict[str, object]:
    """A sample event as Lambda hands it to the handler."""
    event: dict[str, object] = json.loads((SAMPLES_DIR / name).read_text())
    return event


def batch_size(call: Callable[[], object]) -> int:
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


def seconds_per_call(call: Callable[[], object], number: int) -> float:
    """Seconds per call over one batch of ``number`` calls."""
    start = perf_counter()
    for _ in range(number):
        call()
    return (perf_counter() - start) / number


def mangum_parsers() -> dict[str, Callable[[], object]]:
    """Per source: a call of ``parse_event`` on its sample."""
    sys.path.insert(0, str(ROOT))  # the checkout's mangum, run as a script from anywhere
    from mangum.events import AlbEvent, parse_event

    parsers: dict[str, Callable[[], object]] = {
        label: partial(parse_event, load_sample(sample)) for label, sample, _ in SOURCES
    }
    parsers[FLOOR_LABEL] = partial(
        AlbEvent.__pydantic_validator__.validate_python, load_sample("albEvent.json")
    )
    return parsers


def powertools_parsers() -> dict[str, Callable[[], object]]:
    """Per source: a call of the Powertools model's ``model_validate`` on the same sample."""
    models = importlib.import_module(POWERTOOLS_MODELS)
    parsers: dict[str, Callable[[], object]] = {}
    for label, sample, model_name in SOURCES:
        validate: Callable[[object], object] = getattr(models, model_name).model_validate
        parsers[label] = partial(validate, load_sample(sample))
    parsers[FLOOR_LABEL] = partial(
        models.AlbModel.__pydantic_validator__.validate_python, load_sample("albEvent.json")
    )
    return parsers


def serve_batches(parsers: dict[str, Callable[[], object]]) -> None:
    """Worker loop: for each source label read on stdin, time one batch and print seconds per call."""
    numbers = {label: batch_size(call) for label, call in parsers.items()}
    for line in sys.stdin:
        label = line.strip()
        print(seconds_per_call(parsers[label], numbers[label]), flush=True)


def compare_parsing() -> tuple[dict[str, float], dict[str, float]]:
    """Median seconds per call, mangum's and Powertools', per source."""
    return alternate_batches(mangum_parsers(), [str(POWERTOOLS_PYTHON), __file__, "--powertools"])


def alternate_batches(
    ours: dict[str, Callable[[], object]], worker_command: list[str]
) -> tuple[dict[str, float], dict[str, float]]:
    """Median seconds per call of each of ``ours`` and of the worker's call of the same label.

    Batches alternate between the two (the other side in a worker process of its own virtualenv,
    running :func:`serve_batches`), so that a change in machine load hits both sides alike.
    """
    numbers = {label: batch_size(call) for label, call in ours.items()}
    worker = subprocess.Popen(worker_command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert worker.stdin is not None  # both are pipes, as requested above
    assert worker.stdout is not None
    timings: dict[str, tuple[list[float], list[float]]] = {label: ([], []) for label in ours}
    try:
        for _ in range(REPEATS):
            for label, call in ours.items():
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
    python: Path, statement: str, sample: Path = SAMPLES_DIR / FIRST_PARSE_SAMPLE
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


def print_parse_table(ours: dict[str, float], theirs: dict[str, float]) -> None:
    """Per-source medians and ratios."""
    print(f"parse one event: median µs per call (ratio = mangum / Powertools; target <= {TARGET_RATIO})")
    print(f"{'source':<14}{'mangum':>10}{'Powertools':>12}{'ratio':>8}")
    for label in [*(label for label, _, _ in SOURCES), FLOOR_LABEL]:
        ratio = ours[label] / theirs[label]
        flag = "" if ratio <= TARGET_RATIO else "  above target"
        print(f"{label:<14}{ours[label] * 1e6:>10.2f}{theirs[label] * 1e6:>12.2f}{ratio:>8.2f}{flag}")


def installed_python() -> Path:
    """The interpreter of the venv where ``adapter_vs_mangum.py`` installs this checkout (files and
    bytecode, beside the same pinned pydantic), installing the current sources first."""
    sys.path.insert(0, str(ROOT))  # the benchmarks package, when run as a script from anywhere
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
    parser.add_argument("--powertools", action="store_true", help=argparse.SUPPRESS)
    if parser.parse_args().powertools:
        serve_batches(powertools_parsers())
        return
    ensure_powertools_venv()
    print(f"Python {sys.version.split()[0]}, pydantic {version('pydantic')}, {POWERTOOLS_REQUIREMENT}\n")
    print_parse_table(*compare_parsing())
    print_import_table()


if __name__ == "__main__":
    main()
