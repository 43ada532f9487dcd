"""What Lambda accepts as a function's answer, in bytes (module attributes, read on each use)."""

BUFFERED_RESPONSE_LIMIT = 6_291_556
"""A buffered result (the figure in Lambda's ``Function.ResponseSizeTooLarge`` error)."""

STREAMED_RESPONSE_LIMIT = 200 * 1024 * 1024
"""A streamed response."""
