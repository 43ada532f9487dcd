"""A reduced fuzz run: the code of ``tests/fuzz/events.py`` on a few thousand mutated real
events, each answered with a valid result or a typed error, never anything else: HTTP and WebSocket
events through buffered and streamed handlers, the events beside an API through the authorizer
parser, a ``typed_handler`` and ``event_handlers``."""

from __future__ import annotations

from mangum._sources.registry import BY_NAME
from tests.fuzz.events import DEFECTS, run_fuzz

COUNT = 3000
SEED = 14


def test_mutated_real_events_are_answered_or_rejected_and_nothing_else() -> None:
    report = run_fuzz(COUNT, SEED)

    defects = [f"{kind}: {case}" for kind in DEFECTS for case in report.examples.get(kind, [])]
    assert defects == []
    assert report.defects == 0
    assert report.count == sum(report.outcomes.values()) == COUNT
    # The mutations reach both sides everywhere: every source answers some events and refuses
    # others, as does detection; the app is reached (its 200s) and so are the adapter's own answers.
    for source in BY_NAME:
        assert report.outcomes[source, "ok"] > 0, source
        assert report.outcomes[source, "rejected"] > 0, source
    assert report.outcomes["none", "rejected"] > 0
    for kind in ("authorizer", "typed_handler", "event_handlers"):
        assert report.outcomes[kind, "ok"] > 0, kind
        assert report.outcomes[kind, "rejected"] > 0, kind
    assert report.handlers["stream", "ok"] > 0
    assert {"InvalidEvent", "UnsupportedEvent"} <= set(report.errors)
    assert {"200", "400", "405", "410", "500"} <= set(report.statuses)
