"""Custom event sources: handler classes in the shape PyPI mangum's ``custom_handlers`` take
(the protocol is :class:`mangum.types.LambdaHandler`), and what ``Mangum`` does with them: checks
them when it is built, hands them PyPI mangum's config dict (:func:`legacy_config`) and converts
the response they take (which of them serves an event, ``Mangum.infer``, is
:func:`mangum.handlers._source.infer_handler`).

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
from typing import TYPE_CHECKING

from mangum._http.response import CollectedResponse
from mangum.config import Config, build_config, pypi_form
from mangum.exceptions import ConfigurationError

if TYPE_CHECKING:
    from mangum.types import LambdaConfig, LambdaHandler, Response


def legacy_config(config: Config) -> LambdaConfig:
    """The configuration as custom handlers are given it: PyPI mangum's ``config`` dict, plain
    lists and strings (``Mangum`` builds it on the first custom handler it asks)."""
    return pypi_form(config)


def settings_of(config: LambdaConfig) -> Config:
    """The configuration a custom handler was given, validated back into :class:`Config` (keys it
    lacks take their defaults; the text types are added to the defaults, as always)."""
    return build_config(
        api_gateway_base_path=config.get("api_gateway_base_path"),
        text_mime_types=config.get("text_mime_types"),
        exclude_headers=config.get("exclude_headers"),
    )


def checked_custom_handlers(handlers: object) -> tuple[type[LambdaHandler], ...]:
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


def pypi_response(response: CollectedResponse) -> Response:
    """The collected response in the form a custom handler's ``__call__`` takes."""
    return {
        "status": response.status,
        "headers": [[name, value] for name, value in response.headers],
        "body": response.body,
    }


def collected_response(response: Response) -> CollectedResponse:
    """A custom handler's ``response`` back in the form the result builder takes."""
    return CollectedResponse(
        response["status"],
        [(bytes(name), bytes(value)) for name, value in response["headers"]],
        response["body"],
    )
