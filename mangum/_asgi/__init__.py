"""The asynchronous core: one event loop per container, the HTTP cycle and the lifespan protocol.

These modules know nothing about Lambda events; the adapter (:mod:`mangum.adapter`) wires them to
the event models and the response builders.
"""
