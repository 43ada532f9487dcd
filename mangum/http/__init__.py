"""Pure conversion between HTTP event models, ASGI scopes and response models (no I/O, no globals)."""
