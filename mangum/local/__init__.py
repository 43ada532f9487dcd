"""Lambda emulated on this machine: the pieces ``python -m mangum serve`` and the test suite share.

:mod:`mangum.local.runtime_api` is a Lambda Runtime API server: a runtime (``python -m
mangum.runtime``, or AWS's own runtime clients) connects to it as it would inside Lambda, and the
code that owns the server enqueues invocations and receives their buffered results, streamed
chunks and errors. Standard library only.
"""
