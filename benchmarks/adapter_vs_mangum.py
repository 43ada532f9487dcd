"""Benchmark this repository's ``Mangum`` against PyPI ``mangum``, in the same run.

Usage: ``.venv/bin/python benchmarks/adapter_vs_mangum.py [--quick]``

Both sides run in virtual environments holding the same pinned FastAPI / Starlette / pydantic and
nothing else: PyPI mangum in ``benchmarks/.venvs/pypi-mangum``, this checkout in
``benchmarks/.venvs/ours``, where it is installed afresh on every run as a deployment package would
be (the package's files and their compiled bytecode), so that neither side pays for compiling its
sources or for the development environment's other packages. Every measurement runs in fresh processes,
alternating ours and theirs so that machine noise hits both alike; figures are medians and the ratio is
ours / theirs (lower is better).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKER = ROOT / "benchmarks" / "adapter_worker.py"
THEIR_VENV = ROOT / "benchmarks" / ".venvs" / "pypi-mangum"
OUR_VENV = ROOT / "benchmarks" / ".venvs" / "ours"
PYPI_MANGUM = "mangum==0.22.0"
SHARED_PINS = ("fastapi", "starlette", "pydantic", "pydantic-core", "anyio", "typing-extensions")

Result = dict[str, float]

COLD_STARTS = (
    ("bare", "<= 1.50x", "core-import", "'import pydantic_core' alone"),
    ("fastapi", "<= 1.00x", "", ""),
)
"""Per app: the cold-start target, and the worker scenario timing a fixed cost beneath it (if any)."""
# Each side imports mangum from its own environment only: never from the checkout on PYTHONPATH.
WORKER_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}


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


def run_worker(python: Path, env: dict[str, str], *args: str) -> tuple[Result, float]:
    """Run the worker once; its JSON output and the process's wall time."""
    start = time.perf_counter()
    completed = subprocess.run(
        [str(python), str(WORKER), *args], env=env, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    if completed.returncode != 0:
        raise SystemExit(f"worker {args} failed with {python}:\n{completed.stderr}")
    parsed: Result = json.loads(completed.stdout)
    return parsed, wall


def alternate(ours: Path, theirs: Path, repeats: int, *args: str) -> tuple[list[Result], list[Result]]:
    """Run the same measurement ``repeats`` times for each side, alternating."""
    mine: list[Result] = []
    other: list[Result] = []
    for _ in range(repeats):
        result, wall = run_worker(ours, WORKER_ENV, *args)
        mine.append({**result, "wall": wall})
        result, wall = run_worker(theirs, WORKER_ENV, *args)
        other.append({**result, "wall": wall})
    return mine, other


def median_of(results: list[Result], key: str) -> float:
    """The median of one figure over several runs."""
    return statistics.median(result[key] for result in results)


def row(label: str, ours: float, theirs: float, unit: str, target: str) -> str:
    """One printed line: both medians, the ratio and the target."""
    scale = {"us": 1e6, "ms": 1e3, "MiB": 1 / 1024}[unit]
    return (
        f"{label:<44} {ours * scale:>10.1f} {theirs * scale:>10.1f} {unit:<4} "
        f"{ours / theirs:>6.2f}x   target {target}"
    )


def main() -> None:
    """Measure and print every figure."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats, for a smoke run")
    args = parser.parse_args()
    repeats = 3 if args.quick else 7
    cold_repeats = 5 if args.quick else 21
    ours = our_python()
    theirs = their_python()
    calls = "300" if args.quick else "2000"

    print(
        f"ours: this checkout, installed in {OUR_VENV.relative_to(ROOT)} | theirs: {PYPI_MANGUM} | "
        "medians over fresh processes; ratio = ours / theirs"
    )
    print(f"{'measurement':<44} {'ours':>10} {'theirs':>10}")
    # Both with lifespan="off": PyPI mangum's leanest path (by default it runs a whole lifespan
    # cycle on every call), against ours, which validates the event and the result.
    for event, target in (("rest", "<= 1.00x"), ("http", "<= 1.00x"), ("alb", "<= 0.60x")):
        mine, other = alternate(
            ours, theirs, repeats, "warm", "--event", event, "--calls", calls, "--lifespan", "off"
        )
        label = f"warm, bare app, {event} event, lifespan='off'"
        print(row(label, median_of(mine, "median"), median_of(other, "median"), "us", target), flush=True)
    mine, other = alternate(ours, theirs, repeats, "warm", "--event", "http", "--calls", calls)
    label = "warm, bare app, http event, default lifespan"
    print(row(label, median_of(mine, "median"), median_of(other, "median"), "us", "(info)"), flush=True)
    for app, target, floor_scenario, floor_label in COLD_STARTS:
        mine, other = alternate(ours, theirs, cold_repeats, "cold", "--app", app)
        print(
            row(
                f"cold start, {app} app (import+construct+1 call)",
                median_of(mine, "seconds"),
                median_of(other, "seconds"),
                "ms",
                target,
            ),
            flush=True,
        )
        print(
            row(
                f"cold start, {app} app (whole process)",
                median_of(mine, "wall"),
                median_of(other, "wall"),
                "ms",
                "(info)",
            ),
            flush=True,
        )
        if not floor_scenario:
            continue
        floor = [run_worker(ours, WORKER_ENV, floor_scenario)[0] for _ in range(cold_repeats)]
        print(
            row(
                f"  floor: {floor_label}",
                median_of(floor, "seconds"),
                median_of(other, "seconds"),
                "ms",
                "(info: / their whole cold start)",
            ),
            flush=True,
        )
    mine, other = alternate(
        ours, theirs, repeats, "warm", "--app", "fastapi", "--calls", "200", "--rounds", "3"
    )
    print(
        row(
            "peak RSS, FastAPI app after 600 invocations",
            median_of(mine, "max_rss_kib"),
            median_of(other, "max_rss_kib"),
            "MiB",
            "<= 1.00x",
        ),
        flush=True,
    )
    print(
        row(
            "warm invocation, FastAPI app, http event",
            median_of(mine, "median"),
            median_of(other, "median"),
            "us",
            "(info)",
        ),
        flush=True,
    )
    for size, label in (
        (4_500_000, "4.5 MB binary response (6.0 MB base64)"),
        (6_000_000, "6 MB binary response"),
    ):
        mine, other = alternate(ours, theirs, repeats, "big", "--size", str(size), "--rounds", "5")
        print(row(label, median_of(mine, "median"), median_of(other, "median"), "ms", "(info)"), flush=True)
        print(
            f"{'':<44} status ours {mine[0]['status']:.0f}, theirs {other[0]['status']:.0f}; "
            f"peak RSS ours {median_of(mine, 'max_rss_kib') / 1024:.1f} MiB, "
            f"theirs {median_of(other, 'max_rss_kib') / 1024:.1f} MiB"
        )


if __name__ == "__main__":
    main()
