"""Invocations with a Lambda deadline, and the check that a table holds no orphan and no ghost."""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field

from mangum.config import Config
from mangum.local_context import LocalContext
from mangum.types import LambdaEvent
from mangum.websocket.stores.interface import BaseConnectionStore
from tests.websocket.client import Container
from tests.websocket.tables import table_items


@dataclass
class Timed:
    """Invokes a container as Lambda does: each invocation gets a fresh context with ``timeout_ms``
    and the adapter's margin is ``margin`` seconds. Records how long each took and how much of
    Lambda's time was left when it answered."""

    container: Container
    timeout_ms: int = 2000
    margin: float = 0.3
    elapsed: list[float] = field(default_factory=list)
    left_ms: list[int] = field(default_factory=list)

    def __call__(self, raw: LambdaEvent) -> dict[str, object]:
        context = LocalContext(timeout_ms=self.timeout_ms)
        # No garbage collection of the test process inside the timed invocation: late in the whole
        # suite its heap holds over 400K objects and a full collection takes about 0.16 s, a pause
        # a Lambda container's small heap never has, which once ran an answer past its deadline.
        collecting = gc.isenabled()
        gc.disable()
        try:
            started = time.monotonic()
            result = self.container.invoke(raw, context=context, config=Config(deadline_margin=self.margin))
            self.elapsed.append(time.monotonic() - started)
            self.left_ms.append(context.get_remaining_time_in_millis())
        finally:
            if collecting:
                gc.enable()
        return result

    @property
    def answered_in_time(self) -> bool:
        """Whether every invocation answered before Lambda's deadline."""
        return all(left > 0 for left in self.left_ms)


@dataclass
class Findings:
    """What a table holds that it should not, one line per item.

    - ``orphans``: memberships whose connection has no live record listing that group;
    - ``ghosts``: records left ``closing`` (a deletion begun and not finished);
    - ``unlisted``: groups a live record lists without their membership (what a join that failed
      between its two writes leaves: invisible to broadcasts, removed with the connection).
    """

    orphans: list[str] = field(default_factory=list)
    ghosts: list[str] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)

    @property
    def none(self) -> bool:
        """Whether the table is fully consistent."""
        return not (self.orphans or self.ghosts or self.unlisted)


def inspect(store: BaseConnectionStore) -> Findings:
    """Read the whole table and report what it holds that it should not (:class:`Findings`)."""
    items = table_items(store)
    records = {pk.removeprefix("conn#"): item for (pk, sk), item in items.items() if sk == "record"}
    found = Findings()
    for pk, sk in items:
        if not pk.startswith("group#"):
            continue
        group, connection = pk.removeprefix("group#"), sk.removeprefix("conn#")
        record = records.get(connection)
        if record is None or "closing" in record or group not in record.get("groups", set()):
            found.orphans.append(f"{connection} in {group}")
    for connection, record in records.items():
        if "closing" in record:
            found.ghosts.append(connection)
            continue
        found.unlisted.extend(
            f"{connection} lists {group}"
            for group in record.get("groups", set())
            if (f"group#{group}", f"conn#{connection}") not in items
        )
    return found
