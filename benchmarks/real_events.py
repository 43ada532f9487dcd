"""The real sample events the adapter benchmarks run, and which of them PyPI mangum cannot take.

"Real" means written by others: the Powertools for AWS Lambda fixtures (``tests/fixtures/events/powertools``)
and the example events of AWS's documentation (``tests/fixtures/events/aws_docs``). The project's own
samples (``custom/``, ``handmade/``, ``handlers/``) are left out on purpose: a benchmark on the shapes
the project wrote for itself says little about the shapes users send.

Every JSON file of those folders is listed, with its shape. An event is *skipped* when PyPI
mangum 0.22 cannot serve it (it has no WebSocket support), with the reason; an event is *corrected*
when a fixture is known to be wrong in a way that makes both adapters reject it (a body flagged as
base64 that is not), and the correction is said.
"""

from __future__ import annotations

import binascii
import json
from base64 import b64decode
from dataclasses import dataclass
from pathlib import Path

EVENTS_DIR = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "events"
REAL_FOLDERS = ("powertools", "aws_docs")
"""The folders of sample events written by others, relative to ``EVENTS_DIR``."""

SHAPES = ("REST", "HTTP API", "Function URL", "ALB", "ALB multi-value", "WebSocket")
"""Every shape :func:`shape_of` names, in the order reports list them. *REST* is payload format 1.0
(a REST API's, or an HTTP API's with payload 1.0: the same format); *HTTP API* is payload 2.0."""

NO_WEBSOCKET = "WebSocket event: PyPI mangum 0.22 has no WebSocket support (it raises on inferring a handler)"
NOT_BASE64 = "isBase64Encoded is true on a body that is not base64 (both adapters reject it): run with false"

# An event is JSON: objects, arrays and scalars nested to any depth.
Event = dict[str, object]


@dataclass(frozen=True)
class RealEvent:
    """One sample event file and what the benchmarks do with it."""

    path: str
    """Relative to ``EVENTS_DIR``, e.g. ``powertools/albEvent.json``."""
    shape: str
    """One of :data:`SHAPES`."""
    skip: str = ""
    """Why the comparison leaves it out; empty when it runs."""
    correction: str = ""
    """What was changed in memory before running it; empty when nothing."""

    @property
    def label(self) -> str:
        """The file name without ``.json``, as tables print it."""
        return Path(self.path).stem

    def load(self) -> Event:
        """The event as the benchmark hands it to both adapters, corrected if said."""
        event = read(self.path)
        if self.correction == NOT_BASE64:
            event["isBase64Encoded"] = False
        return event


def read(relative: str) -> Event:
    """A sample event file as decoded JSON."""
    loaded: Event = json.loads((EVENTS_DIR / relative).read_text())
    return loaded


def _mapping(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def shape_of(event: Event) -> str:
    """The shape of a sample HTTP or WebSocket event (one of :data:`SHAPES`)."""
    context = _mapping(event.get("requestContext"))
    if "elb" in context:
        return "ALB multi-value" if "multiValueHeaders" in event else "ALB"
    if "connectionId" in context or "eventType" in context:
        return "WebSocket"
    if "http" in context:
        domain = context.get("domainName")
        is_function_url = isinstance(domain, str) and ".lambda-url." in domain
        return "Function URL" if is_function_url else "HTTP API"
    return "REST"


def _is_false_base64(event: Event) -> bool:
    body = event.get("body")
    if event.get("isBase64Encoded") is not True or not isinstance(body, str):
        return False
    try:
        b64decode(body, validate=True)
    except binascii.Error:
        return True
    return False


def real_events() -> list[RealEvent]:
    """Every sample event file of :data:`REAL_FOLDERS`, sorted by shape and then by path."""
    found: list[RealEvent] = []
    for folder in REAL_FOLDERS:
        for path in sorted((EVENTS_DIR / folder).glob("*.json")):
            relative = path.relative_to(EVENTS_DIR).as_posix()
            event = read(relative)
            shape = shape_of(event)
            found.append(
                RealEvent(
                    path=relative,
                    shape=shape,
                    skip=NO_WEBSOCKET if shape == "WebSocket" else "",
                    correction=NOT_BASE64 if _is_false_base64(event) else "",
                )
            )
    return sorted(found, key=lambda real: (SHAPES.index(real.shape), real.path))


def runnable() -> list[RealEvent]:
    """The events both adapters are compared on."""
    return [real for real in real_events() if not real.skip]
