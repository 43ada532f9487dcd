"""Benchmark this repository's ``Mangum`` against PyPI ``mangum`` on every real sample event, in the same run.

Usage::

    .venv/bin/python benchmarks/adapter_vs_mangum.py [--quick] [--no-callgrind] [--plot PATH] [--markdown]

Both sides run in virtual environments holding the same pinned FastAPI / Starlette / pydantic and
nothing else: PyPI mangum in ``benchmarks/.venvs/pypi-mangum``, this checkout in
``benchmarks/.venvs/ours``, where it is installed afresh on every run as a deployment package would
be (the package's files and their compiled bytecode).

What it measures, ratio = ours / theirs (lower is better), both sides with ``lifespan="off"``:

- **Warm calls on every real event** (:mod:`benchmarks.real_events`: the Powertools fixtures and
  AWS's documented examples that PyPI mangum can serve), a bare ASGI app. One process per side
  stays alive, and batches of calls alternate between them, event by event, round by round; each
  figure is the median of the rounds' seconds per call.
- **Instructions per warm call** (valgrind's callgrind, ``PYTHONHASHSEED=0``): one call is the
  difference between N calls and none, divided by N, both in the same warmed process. With them, on
  our side, the pieces a call cannot go below: the event's validation alone, and the app run as one
  Task stepped on an asyncio loop (against the app's coroutine driven by hand).
- **Cold starts** in fresh processes, alternating: a bare app and a FastAPI app (import, construct,
  one call), and the floor: a process that only imports ``asyncio`` and ``json`` and loads
  pydantic-core's compiled module. Whole-process wall time and peak RSS, and (unless
  ``--no-callgrind`` or ``--quick``) whole-process instructions.
- **The adapter's own part of the FastAPI cold start** (unless ``--no-callgrind`` or ``--quick``):
  instructions of importing and constructing the adapter, and of its first call, in a process whose
  FastAPI app is built already and whose garbage collector is paused (``cold_start.py pieces``).
- **Peak RSS** of a FastAPI app after 600 calls.

``--plot PATH`` draws the per-event ratios (time and instructions) with the target lines into a PNG;
``--markdown`` prints the tables ``docs/performance.md`` holds, ready to paste.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the benchmarks package, when run as a script from anywhere

from benchmarks.real_events import RealEvent, real_events, runnable  # noqa: E402

WORKER = ROOT / "benchmarks" / "adapter_worker.py"
COLD_START = ROOT / "benchmarks" / "cold_start.py"
COLD_EVENT = ROOT / "tests" / "fixtures" / "events" / "powertools" / "apiGatewayProxyV2Event.json"
THEIR_VENV = ROOT / "benchmarks" / ".venvs" / "pypi-mangum"
OUR_VENV = ROOT / "benchmarks" / ".venvs" / "ours"
PYPI_MANGUM = "mangum==0.22.0"
SHARED_PINS = ("fastapi", "starlette", "pydantic", "pydantic-core", "anyio", "typing-extensions")

TARGET_EACH = 0.9
TARGET_ALB = 0.6
TARGET_GEOMEAN = 0.75
TARGET_COLD = {"bare": 1.05, "fastapi": 1.0}

# Each side imports mangum from its own environment only: never from the checkout on PYTHONPATH.
WORKER_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
VALGRIND_ENV = {**WORKER_ENV, "PYTHONHASHSEED": "0"}

Result = dict[str, float]


# --- the two environments ------------------------------------------------------------------------


def pinned(names: tuple[str, ...]) -> list[str]:
    """The requirement lines of requirements-dev.txt for these distributions."""
    wanted = {name.lower().replace("_", "-") for name in names}
    lines = (ROOT / "requirements-dev.txt").read_text().splitlines()
    return [line for line in lines if line.split("==")[0].lower().replace("_", "-") in wanted]


def venv_python(venv: Path, *requirements: str) -> Path:
    """The interpreter of a virtual environment holding ``requirements`` and the shared pins,
    created on first use."""
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        install = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        subprocess.run([*install, *requirements, *pinned(SHARED_PINS)], check=True)
    return python


def their_python() -> Path:
    """The interpreter of PyPI mangum's virtual environment."""
    return venv_python(THEIR_VENV, PYPI_MANGUM)


def our_python() -> Path:
    """The interpreter of this checkout's virtual environment, with the checkout installed now.

    The package is pure Python, so installing it is what pip does with its wheel: copy the files
    into site-packages and compile them to bytecode.
    """
    python = venv_python(OUR_VENV)
    found = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    )
    installed = Path(found.stdout.strip()) / "mangum"
    shutil.rmtree(installed, ignore_errors=True)
    shutil.copytree(ROOT / "mangum", installed, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([str(python), "-m", "compileall", "-q", str(installed)], check=True)
    return python


def checkout_commit() -> str:
    """The commit measured (with ``+changes`` when the working tree differs from it)."""
    head = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--", "mangum"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"{head or 'unknown'}{'+changes' if dirty else ''}"


# --- warm calls, interleaved ---------------------------------------------------------------------


@dataclass
class EventResult:
    """Both sides' figures for one event."""

    real: RealEvent
    ours_seconds: float
    theirs_seconds: float
    status: tuple[int, int]
    ours_instructions: float | None = None
    theirs_instructions: float | None = None
    validation_instructions: float | None = None

    @property
    def target(self) -> float:
        """The ratio this event's shape must meet."""
        return TARGET_ALB if self.real.shape.startswith("ALB") else TARGET_EACH

    @property
    def time_ratio(self) -> float:
        """Ours / theirs, median seconds per call."""
        return self.ours_seconds / self.theirs_seconds

    @property
    def instruction_ratio(self) -> float | None:
        """Ours / theirs, instructions per call (``None`` without callgrind)."""
        if self.ours_instructions is None or self.theirs_instructions is None:
            return None
        return self.ours_instructions / self.theirs_instructions


class Worker:
    """A ``serve`` worker process: timed batches of calls on request."""

    def __init__(self, python: Path, events_file: Path) -> None:
        self.process = subprocess.Popen(
            [str(python), str(WORKER), "serve", "--events", str(events_file)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=WORKER_ENV,
        )
        self.statuses: list[int] = json.loads(self._line())["statuses"]

    def _line(self) -> str:
        assert self.process.stdout is not None  # a pipe, as requested above
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"worker {self.process.args!r} ended early")
        return line

    def batch(self, index: int, calls: int) -> float:
        """Seconds per call over ``calls`` calls on event ``index``."""
        assert self.process.stdin is not None
        self.process.stdin.write(f"{index} {calls}\n")
        self.process.stdin.flush()
        return float(self._line())

    def close(self) -> None:
        """End the worker (it ends on the end of its input)."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()


def warm_calls(
    ours: Path, theirs: Path, events: list[RealEvent], events_file: Path, rounds: int, calls: int
) -> list[EventResult]:
    """Median seconds per call of each side on each event, batches alternating between the sides
    (and which side goes first alternating too)."""
    mine, other = Worker(ours, events_file), Worker(theirs, events_file)
    timings: list[tuple[list[float], list[float]]] = [([], []) for _ in events]
    try:
        for round_number in range(rounds):
            for index in range(len(events)):
                first_ours = (round_number + index) % 2 == 0
                for side in (0, 1) if first_ours else (1, 0):
                    worker = mine if side == 0 else other
                    timings[index][side].append(worker.batch(index, calls))
    finally:
        mine.close()
        other.close()
    return [
        EventResult(
            real=real,
            ours_seconds=statistics.median(ours_runs),
            theirs_seconds=statistics.median(theirs_runs),
            status=(mine.statuses[index], other.statuses[index]),
        )
        for index, (real, (ours_runs, theirs_runs)) in enumerate(zip(events, timings, strict=True))
    ]


# --- instruction counts --------------------------------------------------------------------------


def valgrind_available() -> bool:
    """Whether valgrind is on PATH."""
    return shutil.which("valgrind") is not None


def marked_callgrind(python: Path, out: Path, arguments: list[str]) -> subprocess.Popen[str]:
    """``python arguments`` started under callgrind, which dumps its counts to ``out.N`` before
    every ``os.getppid()`` call (the scripts' marks); ``out``'s folder is made here."""
    out.parent.mkdir()
    command = [
        "valgrind",
        "--tool=callgrind",
        "--dump-before=getppid",
        f"--callgrind-out-file={out}",
        str(python),
        *arguments,
    ]
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=VALGRIND_ENV
    )


def callgrind_counts(
    processes: Sequence[tuple[Path, list[str]]], calls: int, worker: Path = WORKER
) -> list[dict[str, float]]:
    """Run ``worker count`` (``adapter_worker.py``, or any script that marks its measurements the
    same way) under callgrind with each (interpreter, extra arguments), all at once (instruction
    counts do not depend on the machine's load); per process, the instructions per call of each
    measurement it names: (N calls - no call) / N, both dumped in a row."""
    with tempfile.TemporaryDirectory(prefix="mangum-callgrind-") as directory:
        running = []
        for number, (python, extra) in enumerate(processes):
            out = Path(directory) / f"run{number}" / "cg.out"
            process = marked_callgrind(python, out, [str(worker), "count", "--calls", str(calls), *extra])
            running.append((process, out))
        counts: list[dict[str, float]] = []
        for process, out in running:
            stdout, stderr = process.communicate()
            if process.returncode != 0:
                raise SystemExit(f"callgrind run failed:\n{stderr[-3000:]}")
            names: list[str] = json.loads(stdout)
            totals = [dump_total(out.with_name(f"cg.out.{dump}")) for dump in range(1, 2 + 2 * len(names))]
            # totals[0]: start-up and warm-up; then, per measurement, no call and N calls.
            counts.append(
                {
                    name: (totals[2 + 2 * index] - totals[1 + 2 * index]) / calls
                    for index, name in enumerate(names)
                }
            )
        return counts


def dump_total(path: Path) -> int:
    """The instruction total of one callgrind dump."""
    for line in path.read_text().splitlines():
        if line.startswith("totals:"):
            return int(line.split()[1])
    raise SystemExit(f"no totals in {path}")


def whole_process_instructions(runs: Sequence[tuple[Path, list[str]]]) -> list[int]:
    """Instructions of whole processes (cachegrind, ``--cache-sim=no``), run all at once."""
    with tempfile.TemporaryDirectory(prefix="mangum-cachegrind-") as directory:
        running = []
        for number, (python, arguments) in enumerate(runs):
            out = Path(directory) / f"cachegrind.{number}"
            command = [
                "valgrind",
                "--tool=cachegrind",
                "--cache-sim=no",
                f"--cachegrind-out-file={out}",
                str(python),
                *arguments,
            ]
            running.append(
                (
                    subprocess.Popen(
                        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=VALGRIND_ENV
                    ),
                    out,
                )
            )
        totals = []
        for process, out in running:
            _, stderr = process.communicate()
            if process.returncode != 0:
                raise SystemExit(f"cachegrind run failed:\n{stderr.decode()[-3000:]}")
            summary = next(line for line in out.read_text().splitlines() if line.startswith("summary:"))
            totals.append(int(summary.split()[1]))
        return totals


# --- cold starts -----------------------------------------------------------------------------------


def run_once(python: Path, *arguments: str) -> Result:
    """One process: its JSON output and its wall time."""
    start = time.perf_counter()
    completed = subprocess.run(
        [str(python), *arguments], env=WORKER_ENV, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    if completed.returncode != 0:
        raise SystemExit(f"{arguments} failed with {python}:\n{completed.stderr}")
    parsed: Result = json.loads(completed.stdout)
    return {**parsed, "wall": wall}


@dataclass
class ColdStarts:
    """Per kind of process (:data:`COLD_KINDS`): the runs' figures, and whole-process instructions
    if counted."""

    runs: dict[str, list[Result]]
    instructions: dict[str, int]

    def median(self, kind: str, key: str) -> float:
        """The median of one figure over the runs of one kind."""
        return statistics.median(run[key] for run in self.runs[kind])


COLD_KINDS = ("interpreter", "floor", "ours bare", "theirs bare", "ours fastapi", "theirs fastapi")


def cold_arguments(kind: str) -> list[str]:
    """The cold-start script's arguments for one kind."""
    return [str(COLD_START), kind.split()[-1], str(COLD_EVENT)]


def cold_starts(ours: Path, theirs: Path, repeats: int, count: bool) -> ColdStarts:
    """Every kind of cold start ``repeats`` times, round-robin; whole-process instructions once each
    if ``count``. The floors run in our environment (the same interpreter and pydantic-core)."""
    python = {kind: theirs if kind.startswith("theirs") else ours for kind in COLD_KINDS}
    runs: dict[str, list[Result]] = {kind: [] for kind in COLD_KINDS}
    for _ in range(repeats):
        for kind in COLD_KINDS:
            runs[kind].append(run_once(python[kind], *cold_arguments(kind)))
    instructions: dict[str, int] = {}
    if count:
        for batch in (COLD_KINDS[:3], COLD_KINDS[3:]):  # a few at a time: the machine has two cores
            totals = whole_process_instructions([(python[kind], cold_arguments(kind)) for kind in batch])
            instructions.update(zip(batch, totals, strict=True))
    return ColdStarts(runs, instructions)


def cold_pieces(ours: Path, theirs: Path) -> tuple[dict[str, int], dict[str, int]]:
    """Instructions of each piece of ``cold_start.py pieces`` (callgrind, ``--dump-before=getppid``),
    both sides at once: the adapter's import and construction, and its first call."""
    with tempfile.TemporaryDirectory(prefix="mangum-pieces-") as directory:
        running = []
        for side, python in (("ours", ours), ("theirs", theirs)):
            out = Path(directory) / side / "cg.out"
            process = marked_callgrind(python, out, [str(COLD_START), "pieces", str(COLD_EVENT)])
            running.append((process, out))
        counted = []
        for process, out in running:
            stdout, stderr = process.communicate()
            if process.returncode != 0:
                raise SystemExit(f"callgrind run failed:\n{stderr[-3000:]}")
            names: list[str] = json.loads(stdout)
            # dump 1: start-up and the app built; then one dump per piece
            counted.append(
                {name: dump_total(out.with_name(f"cg.out.{index + 2}")) for index, name in enumerate(names)}
            )
        return counted[0], counted[1]


def print_pieces(mine: dict[str, int], other: dict[str, int]) -> None:
    """The adapter's own part of the FastAPI cold start, piece by piece, against PyPI's."""
    print("\nFastAPI cold start, the adapter's own part (instructions, garbage collector paused):")
    for name in mine:
        print(
            f"  {name:<22} ours {mine[name] / 1e6:7.2f}M  PyPI {other[name] / 1e6:7.2f}M  "
            f"difference {(mine[name] - other[name]) / 1e6:+.2f}M"
        )
    total = sum(mine.values()) - sum(other.values())
    print(f"  {'together':<22} difference {total / 1e6:+.2f}M (the first call holds FastAPI's first request)")


def alternate(ours: Path, theirs: Path, repeats: int, *arguments: str) -> tuple[list[Result], list[Result]]:
    """The same worker measurement ``repeats`` times on each side, alternating."""
    mine: list[Result] = []
    other: list[Result] = []
    for _ in range(repeats):
        mine.append(run_once(ours, str(WORKER), *arguments))
        other.append(run_once(theirs, str(WORKER), *arguments))
    return mine, other


# --- reports ---------------------------------------------------------------------------------------


def geometric_mean(values: Sequence[float]) -> float:
    """The geometric mean of positive ratios."""
    return math.exp(sum(math.log(value) for value in values) / len(values))


def mark(ratio: float | None, target: float) -> str:
    """``ok`` when a ratio meets its target, ``MISS`` when it does not, ``-`` when not measured."""
    if ratio is None:
        return "-"
    return "ok" if ratio <= target else "MISS"


def thousands(instructions: float | None) -> str:
    """Instructions in thousands, or ``-``."""
    return "-" if instructions is None else f"{instructions / 1000:.1f}K"


def print_events(results: list[EventResult], skipped: list[RealEvent]) -> None:
    """The per-event table, the corrected and skipped events, and the summary."""
    print(
        f"\n{'event':<46} {'shape':<16} {'ours us':>8} {'PyPI us':>8} {'ratio':>6} {'':>4}  "
        f"{'ours I':>8} {'PyPI I':>8} {'ratio':>6} {'':>4}  target"
    )
    for result in results:
        instruction_ratio = result.instruction_ratio
        flag = "*" if result.real.correction else " "
        print(
            f"{result.real.label + flag:<46} {result.real.shape:<16} {result.ours_seconds * 1e6:>8.1f} "
            f"{result.theirs_seconds * 1e6:>8.1f} {result.time_ratio:>6.2f} "
            f"{mark(result.time_ratio, result.target):>4}  "
            f"{thousands(result.ours_instructions):>8} {thousands(result.theirs_instructions):>8} "
            f"{'-' if instruction_ratio is None else f'{instruction_ratio:.2f}':>6} "
            f"{mark(instruction_ratio, result.target):>4}  <= {result.target}"
        )
        if result.status[0] != result.status[1]:
            print(f"{'':<4}statuses differ: ours {result.status[0]}, PyPI {result.status[1]}")
    for real in {
        result.real.correction: result.real for result in results if result.real.correction
    }.values():
        print(f"* corrected: {real.correction}")
    for real in skipped:
        print(f"skipped {real.path}: {real.skip}")
    print()
    for line in summary_lines(results):
        print(line)


def summary_lines(results: list[EventResult]) -> list[str]:
    """Geometric means, worst cases and how many events meet their targets, by each measure."""
    lines = []
    measures: list[tuple[str, list[tuple[float, EventResult]]]] = [
        ("time", [(result.time_ratio, result) for result in results])
    ]
    counted = [(ratio, result) for result in results if (ratio := result.instruction_ratio) is not None]
    if counted:
        measures.append(("instructions", counted))
    for name, ratios in measures:
        mean = geometric_mean([ratio for ratio, _ in ratios])
        worst_ratio, worst = max(ratios, key=lambda pair: pair[0])
        met = sum(1 for ratio, result in ratios if ratio <= result.target)
        lines.append(
            f"{name}: geometric mean {mean:.3f} ({mark(mean, TARGET_GEOMEAN)}, target <= {TARGET_GEOMEAN}); "
            f"worst {worst_ratio:.2f} ({worst.real.label}, {worst.real.shape}); "
            f"{met} of {len(ratios)} events meet their target"
        )
    return lines


def print_floor(results: list[EventResult], pieces: dict[str, float]) -> None:
    """What a call cannot go below, and how far each event's call is from it."""
    task = pieces.get("task-step")
    direct = pieces.get("app-direct")
    if task is None or direct is None:
        return
    print(
        f"\nthe floor of a call: the app run as one Task stepped on an asyncio loop {task / 1000:.1f}K "
        f"instructions (the app's coroutine driven by hand: {direct / 1000:.1f}K), "
        "plus the event's validation"
    )
    print(f"{'event':<46} {'ours I':>8} {'validate':>9} {'floor':>8} {'above':>8} {'ours/floor':>10}")
    for result in results:
        if result.ours_instructions is None or result.validation_instructions is None:
            continue
        floor = result.validation_instructions + task
        print(
            f"{result.real.label:<46} {thousands(result.ours_instructions):>8} "
            f"{thousands(result.validation_instructions):>9} {thousands(floor):>8} "
            f"{thousands(result.ours_instructions - floor):>8} {result.ours_instructions / floor:>10.2f}"
        )


def floor_markdown(results: list[EventResult], pieces: dict[str, float]) -> str:
    """Per shape, the floor of a call and how far ours is above it (instructions), as markdown."""
    task = pieces.get("task-step")
    if task is None:
        return ""
    lines = [
        f"One Task stepped on an asyncio loop: {thousands(task)} instructions "
        f"(the app's coroutine driven by hand: {thousands(pieces.get('app-direct'))}).",
        "",
        "| shape | events | validation alone | floor (validation + Task step) | ours | ours / floor |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for shape in dict.fromkeys(result.real.shape for result in results):
        measured = [
            (validation, ours)
            for result in results
            if result.real.shape == shape
            and (validation := result.validation_instructions) is not None
            and (ours := result.ours_instructions) is not None
        ]
        if not measured:
            continue
        low = min(measured, key=lambda pair: pair[0])
        high = max(measured, key=lambda pair: pair[0])
        ratios = [ours / (validation + task) for validation, ours in measured]
        ours_calls = [ours for _, ours in measured]
        lines.append(
            f"| {shape} | {len(measured)} | {thousands(low[0])} to {thousands(high[0])} | "
            f"{thousands(low[0] + task)} to {thousands(high[0] + task)} | "
            f"{thousands(min(ours_calls))} to {thousands(max(ours_calls))} | "
            f"{min(ratios):.2f} to {max(ratios):.2f} |"
        )
    return "\n".join(lines)


def print_cold(cold: ColdStarts) -> None:
    """Cold starts against PyPI's and against the floor, and peak RSS against the floor's."""
    print(
        f"\n{'cold start (median of fresh processes)':<34} {'in-process ms':>13} {'process ms':>10} "
        f"{'peak RSS MiB':>12} {'instructions':>13}"
    )
    for kind in COLD_KINDS:
        counted = cold.instructions.get(kind)
        seconds, wall, rss = (cold.median(kind, key) for key in ("seconds", "wall", "max_rss_kib"))
        print(
            f"{kind:<34} {seconds * 1e3:>13.1f} {wall * 1e3:>10.1f} {rss / 1024:>12.1f} "
            f"{'-' if counted is None else f'{counted / 1e6:.1f}M':>13}"
        )
    for app, target in TARGET_COLD.items():
        ratio = cold.median(f"ours {app}", "wall") / cold.median(f"theirs {app}", "wall")
        line = (
            f"{app} app, whole process ours / PyPI: {ratio:.3f} ({mark(ratio, target)}, target <= {target})"
        )
        ours_count, their_count = cold.instructions.get(f"ours {app}"), cold.instructions.get(f"theirs {app}")
        if ours_count is not None and their_count is not None:
            line += f"; instructions {ours_count / their_count:.3f}"
        print(line)
    floor_wall = cold.median("floor", "wall")
    print(
        f"floor / PyPI bare, whole process: {floor_wall / cold.median('theirs bare', 'wall'):.3f}; "
        f"ours bare above the floor: {(cold.median('ours bare', 'wall') - floor_wall) * 1e3:+.1f} ms, "
        f"PyPI bare: {(cold.median('theirs bare', 'wall') - floor_wall) * 1e3:+.1f} ms"
    )
    print(
        f"the floor's pydantic-core load (floor - interpreter): "
        f"{(floor_wall - cold.median('interpreter', 'wall')) * 1e3:+.1f} ms"
    )
    floor_count = cold.instructions.get("floor")
    if floor_count is not None:
        above = {kind: (cold.instructions[kind] - floor_count) / 1e6 for kind in ("ours bare", "theirs bare")}
        print(
            f"instructions above the floor: ours bare {above['ours bare']:+.1f}M, "
            f"PyPI bare {above['theirs bare']:+.1f}M"
        )
    rss = (cold.median("ours bare", "max_rss_kib") - cold.median("floor", "max_rss_kib")) / 1024
    print(f"peak RSS, bare app above the floor process: {rss:+.2f} MiB (target: within 1 MiB)")


def markdown(results: list[EventResult], commit: str) -> str:
    """The per-event table and summary of docs/performance.md."""
    lines = [
        f"Measured on commit `{commit}` (ours) against {PYPI_MANGUM}.",
        "",
        "| event | shape | ours µs | PyPI µs | ratio | ours instr. | PyPI instr. | ratio | target |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for result in results:
        instruction_ratio = result.instruction_ratio
        name = f"`{result.real.path}`{' (corrected)' if result.real.correction else ''}"
        lines.append(
            f"| {name} | {result.real.shape} | {result.ours_seconds * 1e6:.1f} | "
            f"{result.theirs_seconds * 1e6:.1f} | {result.time_ratio:.2f} | "
            f"{thousands(result.ours_instructions)} | {thousands(result.theirs_instructions)} | "
            f"{'-' if instruction_ratio is None else f'{instruction_ratio:.2f}'} | ≤ {result.target} |"
        )
    lines += ["", *(f"- {line}" for line in summary_lines(results)), "", *shape_table(results)]
    return "\n".join(lines)


def shape_table(results: list[EventResult]) -> list[str]:
    """Per shape: how many events, the geometric means of both ratios and the worst event."""
    lines = [
        "| shape | events | time ratio (geometric mean) | instructions ratio (geometric mean) "
        "| worst (instructions) | target |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    shapes = dict.fromkeys(result.real.shape for result in results)
    for shape in shapes:
        of_shape = [result for result in results if result.real.shape == shape]
        counted = [(ratio, result) for result in of_shape if (ratio := result.instruction_ratio) is not None]
        instructions, worst = "-", "-"
        if counted:
            instructions = f"{geometric_mean([ratio for ratio, _ in counted]):.2f}"
            worst_ratio, worst_result = max(counted, key=lambda pair: pair[0])
            worst = f"{worst_ratio:.2f} (`{worst_result.real.label}`)"
        time_mean = geometric_mean([result.time_ratio for result in of_shape])
        lines.append(
            f"| {shape} | {len(of_shape)} | {time_mean:.2f} | {instructions} | {worst} "
            f"| ≤ {of_shape[0].target} |"
        )
    return lines


def plot(results: list[EventResult], path: Path, commit: str) -> None:
    """Per-event ratios, time and instructions, with the target lines, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = list(range(len(results)))
    figure, axes = plt.subplots(figsize=(9, 0.28 * len(results) + 1.6))
    axes.scatter([result.time_ratio for result in results], rows, marker="o", label="time (median)")
    counted = [
        (row, ratio)
        for row, result in zip(rows, results, strict=True)
        if (ratio := result.instruction_ratio) is not None
    ]
    if counted:
        axes.scatter(
            [ratio for _, ratio in counted], [row for row, _ in counted], marker="x", label="instructions"
        )
    alb_rows = [row for row, result in zip(rows, results, strict=True) if result.target == TARGET_ALB]
    axes.axvline(1.0, color="grey", linewidth=0.8)
    axes.axvline(
        TARGET_EACH, color="tab:red", linestyle="--", linewidth=1, label=f"each event ≤ {TARGET_EACH}"
    )
    axes.axvline(
        TARGET_GEOMEAN,
        color="tab:purple",
        linestyle=":",
        linewidth=1,
        label=f"geometric mean ≤ {TARGET_GEOMEAN}",
    )
    if alb_rows:
        axes.vlines(
            TARGET_ALB,
            min(alb_rows) - 0.5,
            max(alb_rows) + 0.5,
            color="tab:green",
            linewidth=2,
            label=f"ALB ≤ {TARGET_ALB}",
        )
    axes.set_yticks(rows, [f"{result.real.label} ({result.real.shape})" for result in results], fontsize=7)
    axes.invert_yaxis()
    axes.set_xlabel(f"ours / PyPI {PYPI_MANGUM} (lower is better)")
    axes.set_title(f"Warm call per real event, lifespan off on both (commit {commit})", fontsize=10)
    axes.legend(fontsize=7, loc="lower right")
    axes.grid(axis="x", alpha=0.3)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)


# --- the run ---------------------------------------------------------------------------------------


def main() -> None:
    """Measure and print every figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer rounds and calls, no cold-start instructions"
    )
    parser.add_argument(
        "--no-callgrind", action="store_true", help="no valgrind runs (no instruction counts)"
    )
    parser.add_argument("--plot", type=Path, help="write the per-event ratios as a PNG here")
    parser.add_argument("--markdown", action="store_true", help="print the docs' tables as markdown")
    args = parser.parse_args()
    rounds, calls = (5, 100) if args.quick else (9, 400)
    cold_repeats, rss_repeats = (3, 1) if args.quick else (11, 5)
    counted_calls = 10 if args.quick else 200
    count = not args.no_callgrind and valgrind_available()
    if not args.no_callgrind and not count:
        print("valgrind not found: no instruction counts", file=sys.stderr)

    ours, theirs = our_python(), their_python()
    commit = checkout_commit()
    events, skipped = runnable(), [real for real in real_events() if real.skip]
    print(
        f"ours: commit {commit}, installed in {OUR_VENV.relative_to(ROOT)} | theirs: {PYPI_MANGUM} | "
        f"{len(events)} real events ({len(skipped)} skipped), bare app, lifespan='off' on both; "
        "ratio = ours / theirs"
    )
    with tempfile.TemporaryDirectory(prefix="mangum-events-") as directory:
        events_file = Path(directory) / "events.json"
        events_file.write_text(json.dumps([[real.label, real.load()] for real in events]))
        results = warm_calls(ours, theirs, events, events_file, rounds, calls)
        pieces: dict[str, float] = {}
        if count:
            mine, other = callgrind_counts(
                [
                    (ours, ["--events", str(events_file), "--pieces"]),
                    (theirs, ["--events", str(events_file)]),
                ],
                counted_calls,
            )
            for result in results:
                result.ours_instructions = mine[f"call:{result.real.label}"]
                result.theirs_instructions = other[f"call:{result.real.label}"]
                result.validation_instructions = mine.get(f"validate:{result.real.label}")
            pieces = {name: value for name, value in mine.items() if ":" not in name}
    print_events(results, skipped)
    print_floor(results, pieces)

    cold = cold_starts(ours, theirs, cold_repeats, count and not args.quick)
    print_cold(cold)
    if count and not args.quick:
        print_pieces(*cold_pieces(ours, theirs))
    mine_rss, other_rss = alternate(
        ours, theirs, rss_repeats, "warm", "--app", "fastapi", "--calls", "200", "--rounds", "3"
    )
    ours_rss, their_rss = (
        statistics.median(run["max_rss_kib"] for run in side) for side in (mine_rss, other_rss)
    )
    print(
        f"peak RSS, FastAPI app after 600 calls: ours {ours_rss / 1024:.1f} MiB, "
        f"PyPI {their_rss / 1024:.1f} MiB, "
        f"{ours_rss / their_rss:.3f} ({mark(ours_rss / their_rss, 1.0)}, target <= 1.0)"
    )
    if args.plot:
        plot(results, args.plot, commit)
        print(f"\nplot written to {args.plot}")
    if args.markdown:
        print("\n" + markdown(results, commit) + "\n\n" + floor_markdown(results, pieces))


if __name__ == "__main__":
    main()
