"""Pure conversion shared by every source: request parts, ASGI scopes, results (no I/O, no globals).

Each source's home (:mod:`mangum._sources`) reduces its event to a :class:`~.request.Request`; from
there the scope (:mod:`.scope`) and the result (:mod:`.response`) are built the same way for all.
"""
