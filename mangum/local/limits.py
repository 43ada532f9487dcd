"""What Lambda accepts as a function's answer, in bytes (module attributes, read on each use)."""

from mangum._http.response import LAMBDA_RESPONSE_LIMIT

BUFFERED_RESPONSE_LIMIT = LAMBDA_RESPONSE_LIMIT
"""A buffered result: the adapter's own limit (the figure in Lambda's ``Function.ResponseSizeTooLarge``
error), defined once in :mod:`mangum._http.response`."""

STREAMED_RESPONSE_LIMIT = 200 * 1024 * 1024
"""A streamed response."""
