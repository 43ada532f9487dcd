"""The same routes written in each supported framework, for the end-to-end tests.

Every app answers:
- ``GET /json?name=...``: ``{"hello": name, "path": <route path>, "root_path": <mount point>}``
- ``GET /binary``: bytes 0..255 as ``image/png``
- ``GET /cookies``: two ``Set-Cookie`` headers (``a=1``, ``b=2``) and a text body
- ``GET /boom``: raises :class:`Boom`
- ``POST /echo``: the request body back, same content type
"""

from __future__ import annotations

BINARY = bytes(range(256))


class Boom(RuntimeError):
    """The error every ``/boom`` route raises."""


FRAMEWORKS = ("fastapi", "starlette", "quart", "litestar", "django")
