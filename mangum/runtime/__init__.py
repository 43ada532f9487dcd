"""A Lambda Runtime API client: ``python -m mangum.runtime`` serves the handler that ``_HANDLER`` names.

It is what Lambda's managed Python runtime does, plus response streaming: for a
:class:`~mangum.Mangum` handler with ``invoke_mode="RESPONSE_STREAM"`` (or ``MANGUM_INVOKE_MODE``),
Function URL and REST API answers are streamed to Lambda as the app produces them.

- ``AWS_LAMBDA_RUNTIME_API`` names the API (``host:port``); ``_HANDLER`` the handler, as
  ``module.attribute`` (``app.handler``), imported from ``LAMBDA_TASK_ROOT`` (else the working
  directory).
- A handler that cannot be loaded is reported to ``/runtime/init/error`` as
  ``{errorType, errorMessage, stackTrace}`` and the process exits with status 1.
- With SnapStart, the snapshot hooks run and ``/runtime/restore/next`` is called between init and
  the first invocation (:mod:`mangum.runtime.snapstart`).
- See :mod:`mangum.runtime.loop` for an invocation's path, and the docs page "Response streaming"
  for deploying it (``AWS_LAMBDA_EXEC_WRAPPER`` on the managed runtime, or a ``bootstrap``).
- With ``AWS_LAMBDA_MAX_CONCURRENCY`` set (Lambda Managed Instances), that many invocations are
  served at once on one event loop: :mod:`mangum.runtime.concurrent`, and the docs page "Lambda
  Managed Instances". Without it, one at a time.
"""

from __future__ import annotations

import logging
import os
import sys

from mangum.config import snapstart_on
from mangum.runtime.client import PIPELINING_VARIABLE, RuntimeApiClient, RuntimeApiError
from mangum.runtime.concurrent import max_concurrency, serve_concurrently
from mangum.runtime.errors import error_payload
from mangum.runtime.handler import load_handler
from mangum.runtime.log import configure_logging
from mangum.runtime.loop import serve

__all__ = ["main", "serve"]

logger = logging.getLogger("mangum.runtime")


def main() -> int:
    """Run the runtime until the Runtime API goes away; the process's exit status."""
    configure_logging()
    address = os.environ.get("AWS_LAMBDA_RUNTIME_API", "")
    if not address:
        print("mangum.runtime: AWS_LAMBDA_RUNTIME_API is not set (run inside Lambda)", file=sys.stderr)
        return 2
    try:
        client = RuntimeApiClient(address, pipelining=os.environ.get(PIPELINING_VARIABLE) == "1")
        try:
            concurrency = max_concurrency()
            handler = load_handler(os.environ.get("_HANDLER", ""))
        except Exception as error:
            payload = error_payload(error)
            logger.error("Init failed: %s: %s", payload["errorType"], payload["errorMessage"], exc_info=error)
            client.post_init_error(payload)
            return 1
        if snapstart_on():
            from mangum.runtime.snapstart import snapshot_and_restore

            failed = snapshot_and_restore(client)
            if failed is not None:
                return failed
        if concurrency is not None:
            client.connection.close()  # every lane opens its own
            serve_concurrently(address, handler, concurrency)
            return 0  # pragma: no cover - as serve()
        serve(client, handler)
    except RuntimeApiError as error:
        logger.error("The Runtime API failed: %s", error)
        return 1
    # serve() returned: timed-out invocations left threads running (mangum.runtime.leaks). They
    # cannot be stopped, and an orderly exit (the lifespan shutdown, the loop's clean-up) could
    # wait for them: leave at once, the answer being posted.
    logging.shutdown()
    sys.stdout.flush()
    os._exit(0)
