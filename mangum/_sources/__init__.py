"""One home per event source: everything about it but its pydantic model.

A source's home module says how to recognise its events, validates them (through the schema
generated from its model, :mod:`mangum._validation`), reduces them to a
:class:`~mangum._http.request.Request`, lays out its result, knows its size limit and builds its
sample events. :mod:`.registry` lists the sources in detection order: the one list that dispatch,
``parse_event``, the sample command and the schema generator read. See ``docs/adding-a-source.md``.

Nothing here imports pydantic: the models are imported only when something asks for them.
"""
