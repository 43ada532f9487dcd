"""Module attributes imported on first access (PEP 562), written once for every lazy namespace."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_attributes(namespace: dict[str, Any], sources: Mapping[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` that imports ``name`` from the module ``sources[name]`` (absolute
    dotted path) on first access and keeps it in ``namespace`` so later accesses cost nothing."""
    module_name = namespace["__name__"]

    def load(name: str) -> object:
        source = sources.get(name)
        if source is None:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        value: object = getattr(import_module(source), name)
        namespace[name] = value
        return value

    return load
