"""A FastAPI WebSocket chat behind an API Gateway WebSocket API (``template.yaml``)."""
