"""The JSON tree of an event, as the fuzz mutations (:mod:`tests.fuzz.mutations`) walk and
change it: places are paths of keys and list indices."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import TypeAlias

from pydantic import JsonValue

Path: TypeAlias = tuple[str | int, ...]
CF_REQUEST: Path = ("Records", 0, "cf", "request")
"""Where a CloudFront event keeps its request."""


class Subject:
    """The event being mutated (held, as a mutation may replace the whole of it), and the
    ``requestContext`` objects of the other samples, for swapping."""

    __slots__ = ("contexts", "event")

    def __init__(self, event: JsonValue, contexts: Sequence[tuple[str, JsonValue]]) -> None:
        self.event = event
        self.contexts = contexts


def shown(value: object) -> str:
    """A value as a description shows it: long strings shortened to their start and length."""
    if isinstance(value, str) and len(value) > 40:
        return f"{value[:12]!r}... ({len(value)} chars)"
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:50]}... ({type(value).__name__})"


def place_name(path: Path) -> str:
    """``requestContext.http.method``, ``Records[0].cf``; ``<event>`` for the root; the middle of a
    deep path left out."""
    if len(path) > 8:
        return f"{place_name(path[:3])}...({len(path) - 5} levels)...{place_name(path[-2:])}"
    name = "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in path).lstrip(".")
    return name or "<event>"


def places(root: JsonValue) -> list[Path]:
    """Every place in the tree below ``root`` (not the root itself), each parent before its children.

    Walked with a stack of its own, not by recursion: an event nested 900 levels deep is walked too.
    """
    found: list[Path] = []
    pending: list[tuple[Path, JsonValue]] = [((), root)]
    while pending:
        path, value = pending.pop()
        children: list[tuple[str | int, JsonValue]]
        if isinstance(value, dict):
            children = list(value.items())
        elif isinstance(value, list):
            children = list(enumerate(value))
        else:
            continue
        for key, child in reversed(children):
            pending.append(((*path, key), child))
        found.extend((*path, key) for key, _ in children)
    return found


def get(root: JsonValue, path: Path) -> JsonValue:
    """The value at ``path``, ``None`` when the path leads nowhere."""
    value = root
    for key in path:
        if isinstance(value, dict) and isinstance(key, str):
            value = value.get(key)
        elif isinstance(value, list) and isinstance(key, int) and key < len(value):
            value = value[key]
        else:
            return None
    return value


def put(subject: Subject, path: Path, value: JsonValue) -> None:
    """Set ``path`` to ``value``, making the containers it needs (a list index past the end appends)."""
    if not path:
        subject.event = value
        return
    parent_path, key = path[:-1], path[-1]
    parent = get(subject.event, parent_path)
    if isinstance(key, str) and not isinstance(parent, dict):
        parent = {}
        put(subject, parent_path, parent)
    elif isinstance(key, int) and not isinstance(parent, list):
        parent = []
        put(subject, parent_path, parent)
    if isinstance(parent, dict) and isinstance(key, str):
        parent[key] = value
    elif isinstance(parent, list) and isinstance(key, int):
        if key < len(parent):
            parent[key] = value
        else:
            parent.append(value)


def remove(subject: Subject, path: Path) -> None:
    """Delete the key or list item at ``path``."""
    parent = get(subject.event, path[:-1])
    if isinstance(parent, dict) and isinstance(path[-1], str):
        parent.pop(path[-1], None)
    elif isinstance(parent, list) and isinstance(path[-1], int):
        del parent[path[-1]]


def children(value: JsonValue) -> list[str | int]:
    """The keys or indices below a value (none below a scalar)."""
    if isinstance(value, dict):
        return list(value)
    if isinstance(value, list):
        return list(range(len(value)))
    return []


def pick(subject: Subject, rng: random.Random, wanted: Callable[[Path, JsonValue], bool]) -> Path | None:
    """A place that is ``wanted``, found by random descent from the root that stops at each wanted
    place with odds of one in three (so that a map of 5,000 headers or 900 levels of nesting do not
    crowd out the rest of the event); by a search of every place when descents keep missing.
    ``None`` when no place is wanted."""
    for _ in range(20):
        path: Path = ()
        value = subject.event
        while keys := children(value):
            key = rng.choice(keys)
            path, value = (*path, key), get(value, (key,))
            if wanted(path, value) and rng.random() < 1 / 3:
                return path
        if path and wanted(path, value):
            return path
    found = [path for path in places(subject.event) if wanted(path, get(subject.event, path))]
    return rng.choice(found) if found else None


def any_place(subject: Subject, rng: random.Random) -> Path:
    """A place anywhere in the event, the whole event itself now and then."""
    if rng.random() < 0.02:
        return ()
    return pick(subject, rng, lambda path, value: True) or ()


def chosen(subject: Subject, rng: random.Random, candidates: Sequence[Path]) -> Path:
    """One of ``candidates`` the event has, else any of them (to be created)."""
    present = [path for path in candidates if get(subject.event, path) is not None]
    return rng.choice(present or list(candidates))


def assign(subject: Subject, path: Path, value: JsonValue) -> str:
    """Put ``value`` at ``path`` and describe it."""
    put(subject, path, value)
    return f"set {place_name(path)} to {shown(value)}"


def is_cloudfront(subject: Subject) -> bool:
    """Whether the event carries a CloudFront request."""
    return isinstance(get(subject.event, CF_REQUEST), dict)
