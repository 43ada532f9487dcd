"""Custom event sources: handler classes in the shape PyPI mangum's ``custom_handlers`` take.

A custom handler recognises an event no built-in source does (or overrides one: custom handlers
are asked first, in the order given), builds the ASGI scope and body for it, and turns the app's
response into the handler's result::

    class QueueHandler:
        @classmethod
        def infer(cls, event: LambdaEvent, context: LambdaContext, config: LambdaConfig) -> bool:
            return "queueMessage" in event

        def __init__(self, event: LambdaEvent, context: LambdaContext, config: LambdaConfig) -> None:
            self.event = event

        @property
        def body(self) -> bytes:
            return self.event["queueMessage"].encode()

        @property
        def scope(self) -> Scope:
            return {"type": "http", "method": "POST", "path": "/queue", ...}

        def __call__(self, response: Response) -> dict[str, Any]:
            return {"ok": response["status"] < 400}

    handler = Mangum(app, custom_handlers=[QueueHandler])

The lifespan state and the HTTP cycle are the adapter's own: the scope gets ``state`` when the
app's lifespan started, and an app failure reaches ``__call__`` as a plain-text 500 response.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, TypedDict

from mangum.config import Config
from mangum.exceptions import ConfigurationError
from mangum.http.collected import CollectedResponse
from mangum.types import LambdaContext, LambdaEvent, Scope


class LambdaConfig(TypedDict):
    """The configuration a custom handler receives (PyPI mangum's shape: plain lists and strings)."""

    api_gateway_base_path: str
    text_mime_types: list[str]
    exclude_headers: list[str]


class Response(TypedDict):
    """The app's response as a custom handler receives it: headers as ``[name, value]`` byte pairs."""

    status: int
    headers: list[list[bytes]]
    body: bytes


class LambdaHandler(Protocol):
    """What a custom handler class provides (PyPI mangum's ``LambdaHandler``)."""

    def __init__(self, event: LambdaEvent, context: LambdaContext, config: LambdaConfig) -> None: ...

    @classmethod
    def infer(cls, event: LambdaEvent, context: LambdaContext, config: LambdaConfig) -> bool:
        """Whether this handler takes ``event``."""
        ...

    @property
    def body(self) -> bytes:
        """The request body."""
        ...

    @property
    def scope(self) -> Scope:
        """The ASGI scope of the request."""
        ...

    def __call__(self, response: Response) -> dict[str, Any]:
        """The Lambda result for the app's response."""
        ...


def legacy_config(config: Config) -> LambdaConfig:
    """The validated configuration in PyPI mangum's form (``"/"`` for no base path, ``"text/"``
    listed among the text types)."""
    return LambdaConfig(
        api_gateway_base_path=config.api_gateway_base_path or "/",
        text_mime_types=["text/", *sorted(config.text_mime_types)],
        exclude_headers=sorted(config.exclude_headers),
    )


def checked_handlers(handlers: object) -> tuple[type[LambdaHandler], ...]:
    """``custom_handlers`` validated: a list of classes with an ``infer`` classmethod."""
    if handlers is None:
        return ()
    if isinstance(handlers, str | bytes) or not isinstance(handlers, Sequence):
        raise ConfigurationError("custom_handlers must be a list of handler classes")
    for handler in handlers:
        if not isinstance(handler, type) or not callable(getattr(handler, "infer", None)):
            raise ConfigurationError(
                "custom_handlers must contain only classes with an infer(event, context, config) classmethod"
            )
    return tuple(handlers)


def handler_response(response: CollectedResponse) -> Response:
    """The collected response in the form a custom handler's ``__call__`` takes."""
    return Response(
        status=response.status,
        headers=[[name, value] for name, value in response.headers],
        body=response.body,
    )
