"""A FastAPI app behind an API Gateway HTTP API (``template.yaml``)."""
