"""A Lambda context for running the handler outside Lambda (the CLI, tests, scripts)."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

from mangum.types import LambdaCognitoIdentity, LambdaMobileClientContext


@dataclass
class LocalContext:
    """A :class:`~mangum.types.LambdaContext` with plausible values and a real deadline.

    ``get_remaining_time_in_millis()`` counts down from ``timeout_ms`` from the moment the context
    is made, as Lambda's does from the start of the invocation.
    """

    function_name: str = "local-function"
    function_version: str = "$LATEST"
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:local-function"
    memory_limit_in_mb: int = 128
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/local-function"
    log_stream_name: str = field(
        default_factory=lambda: f"{time.strftime('%Y/%m/%d')}/[$LATEST]{uuid.uuid4().hex}"
    )
    identity: LambdaCognitoIdentity | None = None
    client_context: LambdaMobileClientContext | None = None
    timeout_ms: int = 30_000
    _deadline: float = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before the deadline (never negative)."""
        return max(0, int((self._deadline - time.monotonic()) * 1000))
