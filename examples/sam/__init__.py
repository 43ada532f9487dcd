"""AWS SAM templates: a FastAPI app behind an HTTP API, and a FastAPI WebSocket chat."""
