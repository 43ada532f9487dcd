"""mangum: a strictly typed ASGI adapter for AWS Lambda."""

__version__ = "1.0.0"
