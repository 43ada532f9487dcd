"""Validation of events and results against their models' schemas, without the model classes.

The pydantic models in :mod:`mangum.events` and :mod:`mangum.responses` are the definitions. For the
adapter's hot path, ``python -m mangum.schemas`` derives from each one a pydantic-core schema that
accepts and rejects exactly what the model does but produces plain dicts (:mod:`.core_schema`), and
writes it with a ``TypedDict`` of its output under :mod:`.generated`. :mod:`.validators` builds a
validator from it on first use, so a Lambda function never imports pydantic itself.
"""
