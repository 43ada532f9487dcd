"""``handler.config[...]``: the configuration in the form of PyPI mangum's ``handler.config`` dict,
built on demand from the validated :class:`~mangum.config.Config` (imported only when asked for)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

from mangum.config import pypi_form

if TYPE_CHECKING:
    from mangum.config import Config


class ReadOnlyList(list[str]):
    """A list that refuses to change: what ``handler.config[...]`` gives for a list setting.

    PyPI mangum's ``config`` was a plain dict its handlers read on every call, so code could append
    to ``handler.config["text_mime_types"]``; here the configuration is validated once and frozen,
    and such a change would be silently lost, so it raises instead.
    """

    __slots__ = ()

    def _refuse(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError(
            "handler.config is read-only: pass text_mime_types=[...] or exclude_headers=[...] to Mangum(...)"
        )

    append = extend = insert = remove = pop = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse


def legacy_value(config: Config, key: str) -> object:
    """``config[key]`` in PyPI mangum's form (:func:`~mangum.config.pypi_form`), its lists
    read-only; raises :class:`KeyError` for any other key."""
    value = pypi_form(config)[key]  # type: ignore[literal-required]  # any key: KeyError for the others
    return ReadOnlyList(value) if isinstance(value, list) else value
