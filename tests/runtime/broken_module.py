"""A handler module whose import fails: the init error tests load ``tests.runtime.broken_module.handler``."""

raise RuntimeError("configuration missing: DATABASE_URL")
