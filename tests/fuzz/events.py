"""Fuzz run for docs/reliability.md#fuzzing: real sample events, mutated, through real handlers.

Every event is one of the real samples (:func:`tests.fuzz.harness.base_events`, in turn) with
one to four mutations (:mod:`tests.fuzz.mutations`) drawn from ``random.Random(f"{seed}/{index}")``,
so that any event of a run can be made again alone (``--index``). An HTTP or WebSocket event goes
through a real ``Mangum`` handler around a small echo app (:mod:`tests.fuzz.apps`), buffered or
streamed; an event of a function beside an API (authorizer, schedule, queue, warm-up) through
``parse_authorizer_event``, a ``typed_handler`` or ``Mangum``'s ``event_handlers``
(:mod:`tests.fuzz.kinds`); each with a real deadline
(:class:`~mangum.local_context.LocalContext`, 3 s), and its outcome is one of:

- ``ok``: a result the runtime can send, valid for its source (:func:`~tests.fuzz.harness.verdict`);
  a 4xx or 5xx answer is ok when well formed (the detail is the status);
- ``rejected``: a :class:`~mangum.exceptions.MangumError` raised (``InvalidEvent``,
  ``UnsupportedEvent``...), the intended answer to an event of the wrong shape;

or a defect: ``escape`` (any other exception), ``hang`` (an invocation longer than ``--hang-after``
seconds) or ``invalid`` (a result that is not ok). The run prints the counts by source and outcome,
events per second and the resident memory, and exits 1 on any defect. Run scripts/setup first.

    .venv/bin/python -m tests.fuzz.events --count 110000 --seed 1
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import logging
import os
import random
import resource
import sys
import time
import traceback
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from mangum.exceptions import DeadlineExceeded, MangumError
from mangum.local_context import LocalContext
from mangum.types import LambdaEvent
from tests.fuzz.harness import TIMEOUT_MS, Harness, beside_verdict, running_harness, source_of, verdict
from tests.fuzz.mutations import mutate
from tests.fuzz.tree import Subject
from tests.support.adapter import status_of

if TYPE_CHECKING:
    from mangum._sources.registry import SourceName

OUTCOMES = ("ok", "rejected", "escape", "hang", "invalid")
DEFECTS = ("escape", "hang", "invalid")
EXAMPLES = 5
"""How many examples of each defect a report keeps."""


@dataclass
class Case:
    """One fuzzed event and what became of it."""

    index: int
    origin: str
    handler: str
    mutations: list[str]
    source: str
    outcome: str
    detail: str

    def __str__(self) -> str:
        return (
            f"#{self.index} {self.origin} via {self.handler}: {'; '.join(self.mutations)} "
            f"-> {self.outcome}: {self.detail}"
        )


@dataclass
class Report:
    """The figures of a run."""

    seed: int
    count: int = 0
    setups: int = 0
    seconds: float = 0.0
    outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(source, outcome) counts; the source is ``none`` when ``detect`` finds none."""
    errors: Counter[str] = field(default_factory=Counter)
    """The class of each rejection."""
    statuses: Counter[str] = field(default_factory=Counter)
    """The status of each ok answer."""
    handlers: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(handler, outcome) counts."""
    examples: dict[str, list[Case]] = field(default_factory=dict)
    resident: list[tuple[int, int]] = field(default_factory=list)
    """(events done, resident bytes) after a tenth of the run, half of it and all of it."""

    def total(self, outcome: str) -> int:
        """Events with this outcome, every source."""
        return sum(count for (_, kind), count in self.outcomes.items() if kind == outcome)

    @property
    def defects(self) -> int:
        """Escapes, hangs and invalid results."""
        return sum(self.total(kind) for kind in DEFECTS)

    def add(self, case: Case) -> None:
        """Count a case, keeping the first few of each defect."""
        self.count += 1
        self.outcomes[case.source, case.outcome] += 1
        self.handlers[case.handler, case.outcome] += 1
        if case.outcome == "ok":
            self.statuses[case.detail] += 1
        elif case.outcome == "rejected":
            self.errors[case.detail.partition(":")[0]] += 1
        if case.outcome in DEFECTS and len(self.examples.setdefault(case.outcome, [])) < EXAMPLES:
            self.examples[case.outcome].append(case)


def resident_bytes() -> int:
    """The process's resident memory now (Linux), else its peak."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


@contextmanager
def quiet_mangum() -> Iterator[None]:
    """mangum's log lines (every 400, 500 and 504 logs one) dropped while the block runs."""
    logger = logging.getLogger("mangum")
    handler = logging.NullHandler()
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield
    finally:
        logger.propagate = propagate
        logger.removeHandler(handler)


def fuzz_one(harness: Harness, seed: int, index: int, hang_after: float) -> Case:
    """Mutate and invoke event ``index`` of the run of ``seed``."""
    rng = random.Random(f"{seed}/{index}")
    position = index % (len(harness.bases) + len(harness.beside_bases))
    beside = position >= len(harness.bases)
    if beside:
        origin, text = harness.beside_bases[position - len(harness.bases)]
        handlers = harness.beside_handlers
    else:
        origin, text = harness.bases[position]
        handlers = harness.handlers
    subject = Subject(json.loads(text), harness.contexts)
    mutations = mutate(subject, rng)
    name = rng.choice(sorted(handlers))
    handler = handlers[name]
    # The events beside an API are counted by the handler that took them.
    source = name if beside else source_of(subject.event)

    def case(outcome: str, detail: str) -> Case:
        return Case(index, origin, name, mutations, source or "none", outcome, detail)

    started = time.monotonic()
    try:
        problem = harness.prepare(origin, handler)
        if problem is not None:
            return case("invalid", problem)
        started = time.monotonic()
        # An event may be any JSON value, as Lambda hands it over; the annotation says dict.
        result = handler(cast("LambdaEvent", subject.event), LocalContext(timeout_ms=TIMEOUT_MS))
    except MangumError as error:
        outcome, detail = "rejected", f"{type(error).__name__}: {error}"
    except (Exception, DeadlineExceeded) as error:
        outcome, detail = "escape", "".join(traceback.format_exception(error)).strip()
    else:
        if beside:
            problem, answered = beside_verdict(result), "handled"
        else:
            problem = verdict(cast("SourceName | None", source), result)
            # verdict() accepted a result only when it is a JSON object.
            answered = str(status_of(cast("dict[str, object]", result))) if problem is None else ""
        outcome, detail = ("ok", answered) if problem is None else ("invalid", problem)
    took = time.monotonic() - started
    if took > hang_after:
        return case("hang", f"{took:.1f} s (then {outcome} {detail})")
    return case(outcome, detail)


def run_fuzz(count: int, seed: int, *, hang_after: float = 5.0, abort_after: float | None = None) -> Report:
    """Fuzz ``count`` events; ``abort_after`` seconds into an invocation that has not returned, the
    process dumps every thread's stack and exits (for a hang that never ends)."""
    report = Report(seed)
    with running_harness() as harness, quiet_mangum():
        started = time.monotonic()
        for index in range(count):
            if abort_after is not None:
                faulthandler.dump_traceback_later(abort_after, exit=True)
            case = fuzz_one(harness, seed, index, hang_after)
            report.add(case)
            if index + 1 in (count // 10, count // 2):
                report.resident.append((index + 1, resident_bytes()))
        faulthandler.cancel_dump_traceback_later()
        report.seconds = time.monotonic() - started
        report.setups = harness.setups
    report.resident.append((count, resident_bytes()))
    return report


def tally(counts: Iterable[tuple[str, int]]) -> str:
    """``name count, ...``."""
    return ", ".join(f"{name} {count:,}" for name, count in counts)


def print_report(report: Report) -> None:
    """The figures, as docs/reliability.md quotes them."""
    rate = report.count / report.seconds if report.seconds else 0.0
    print(
        f"{report.count:,} mutated events, seed {report.seed}, in {report.seconds:.0f} s: {rate:,.0f} "
        f"events/s ({report.setups:,} clean WebSocket setup invocations besides)"
    )
    sources = sorted({source for source, _ in report.outcomes})
    print(f"  {'source':16}" + "".join(f"{kind:>10}" for kind in OUTCOMES))
    for source in sources:
        print(f"  {source:16}" + "".join(f"{report.outcomes[source, kind]:>10,}" for kind in OUTCOMES))
    print(f"  {'all':16}" + "".join(f"{report.total(kind):>10,}" for kind in OUTCOMES))
    names = sorted({name for name, _ in report.handlers})
    print(
        "  by handler: "
        + "; ".join(
            f"{name} "
            + tally((kind, report.handlers[name, kind]) for kind in OUTCOMES if report.handlers[name, kind])
            for name in names
        )
    )
    print(
        "  ok, answered: "
        + ", ".join(f"{status} {count:,}" for status, count in sorted(report.statuses.items()))
    )
    print("  rejected with: " + ", ".join(f"{name} {count:,}" for name, count in report.errors.most_common()))
    samples = ", ".join(f"{size / 2**20:.1f} MiB after {done:,}" for done, size in report.resident)
    growth = (report.resident[-1][1] - report.resident[0][1]) / 2**20
    print(f"  resident memory: {samples} ({growth:+.1f} MiB after the first tenth)")
    for kind in DEFECTS:
        for case in report.examples.get(kind, []):
            print(f"  {kind}: {case}")
    print(
        f"  {report.total('escape')} escapes, {report.total('hang')} hangs, "
        f"{report.total('invalid')} invalid results"
    )


def replay(seed: int, index: int, hang_after: float) -> int:
    """Make event ``index`` of the run of ``seed`` again (alone: the store holds none of the run's
    earlier connections), print it, mangum's log lines and what became of it."""
    logging.basicConfig(level=logging.INFO)
    with running_harness() as harness:
        case = fuzz_one(harness, seed, index, hang_after)
    print(case)
    return 1 if case.outcome in DEFECTS else 0


def main() -> None:
    """Parse the command line and run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=110_000, help="how many events (default 110,000)")
    parser.add_argument("--seed", type=int, default=1, help="the run's seed (default 1)")
    parser.add_argument("--index", type=int, help="make only this event of the run again, and show it")
    parser.add_argument("--hang-after", type=float, default=5.0, help="seconds that make a hang (5)")
    args = parser.parse_args()
    os.environ.update(
        {"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "fuzz", "AWS_SECRET_ACCESS_KEY": "fuzz"}
    )
    if args.index is not None:
        sys.exit(replay(args.seed, args.index, args.hang_after))
    report = run_fuzz(args.count, args.seed, hang_after=args.hang_after, abort_after=60)
    print_report(report)
    sys.exit(1 if report.defects else 0)


if __name__ == "__main__":
    main()
