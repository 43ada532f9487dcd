"""A Lambda Runtime API client: ``python -m mangum.runtime`` serves the handler that ``_HANDLER`` names.

It is what Lambda's managed Python runtime does, plus response streaming: for a
:class:`~mangum.Mangum` handler with ``invoke_mode="RESPONSE_STREAM"`` (or ``MANGUM_INVOKE_MODE``),
Function URL and REST API answers are streamed to Lambda as the app produces them.

- ``AWS_LAMBDA_RUNTIME_API`` names the API (``host:port``); ``_HANDLER`` the handler, as
  ``module.attribute`` (``app.handler``), imported from ``LAMBDA_TASK_ROOT`` (else the working
  directory).
- A handler that cannot be loaded is reported to ``/runtime/init/error`` as
  ``{errorType, errorMessage, stackTrace}`` and the process exits with status 1.
- See :mod:`mangum.runtime.loop` for an invocation's path, and the docs page "Response streaming"
  for deploying it (``AWS_LAMBDA_EXEC_WRAPPER`` on the managed runtime, or a ``bootstrap``).
"""

from __future__ import annotations

import logging
import os
import sys

from mangum.runtime.client import RuntimeApiClient, RuntimeApiError
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
        client = RuntimeApiClient(address)
        try:
            handler = load_handler(os.environ.get("_HANDLER", ""))
        except Exception as error:
            payload = error_payload(error)
            logger.error("Init failed: %s: %s", payload["errorType"], payload["errorMessage"], exc_info=error)
            client.post_init_error(payload)
            return 1
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
