"""``Mangum(...)`` validates every argument once, naming the argument in the error; ``import
mangum`` stays light."""

from __future__ import annotations

import subprocess
import sys
from typing import Any, Literal

import pytest

from mangum import Mangum
from mangum.config import DEFAULT_TEXT_MIME_TYPES
from mangum.exceptions import ConfigurationError
from tests.support.adapter import EchoApp

ARGUMENT_ERRORS = [
    pytest.param({"lifespan": "sometimes"}, "lifespan", id="lifespan"),
    pytest.param({"lifespan": False}, "lifespan", id="lifespan-bool"),
    pytest.param({"enable_lifespan": "yes"}, "enable_lifespan", id="enable_lifespan"),
    pytest.param({"enable_lifespan": False, "lifespan": "on"}, "enable_lifespan", id="enable_lifespan-vs-on"),
    pytest.param({"api_gateway_base_path": 7}, "api_gateway_base_path", id="base-path-type"),
    pytest.param({"api_gateway_base_path": "/api?x=1"}, "api_gateway_base_path", id="base-path-query"),
    pytest.param({"text_mime_types": "application/yaml"}, "text_mime_types", id="text-types-string"),
    pytest.param({"text_mime_types": ["application/yaml", 3]}, "text_mime_types", id="text-types-item"),
    pytest.param({"exclude_headers": "x-a"}, "exclude_headers", id="exclude-string"),
    pytest.param({"exclude_headers": [""]}, "exclude_headers", id="exclude-empty"),
    pytest.param({"custom_handlers": EchoApp}, "custom_handlers", id="custom-not-list"),
    pytest.param({"custom_handlers": [EchoApp()]}, "custom_handlers", id="custom-instance"),
    pytest.param({"custom_handlers": [EchoApp]}, "custom_handlers", id="custom-without-infer"),
    pytest.param({"websocket_path": 7}, "websocket_path", id="websocket-path-type"),
    pytest.param({"websocket_path": "/ws?x=1"}, "websocket_path", id="websocket-path-query"),
]


@pytest.mark.parametrize(("kwargs", "argument"), ARGUMENT_ERRORS)
def test_bad_argument_raises_configuration_error_naming_it(kwargs: dict[str, Any], argument: str) -> None:
    with pytest.raises(ConfigurationError, match=argument):
        Mangum(EchoApp(), **kwargs)


@pytest.mark.parametrize("app", [None, "main:app", 42])
def test_non_callable_app_is_refused(app: object) -> None:
    with pytest.raises(ConfigurationError, match="app must be an ASGI application"):
        Mangum(app)  # type: ignore[arg-type]  # the point is a value the signature forbids


def test_arguments_as_pypi_mangum_users_pass_them() -> None:
    handler = Mangum(
        EchoApp(),
        "off",
        "/api/",
        [],
        ["application/yaml"],
        ["X-Powered-By"],
    )
    assert handler.config.lifespan == "off"
    assert handler.config.api_gateway_base_path == "/api"
    assert handler.config.text_mime_types == DEFAULT_TEXT_MIME_TYPES | {"application/yaml"}
    assert handler.config.exclude_headers == frozenset({"x-powered-by"})
    assert handler.config.websocket_path == "/"  # the default: a WebSocket API passes no path on


def test_import_mangum_events_does_not_load_the_adapter() -> None:
    heavy = ("mangum.adapter", "mangum._asgi", "mangum._http.scope", "boto3")
    code = (
        "import sys, mangum.events; "
        f"print([m for m in {heavy!r} if m in sys.modules]); "
        "from mangum import Mangum; "
        "print(Mangum.__module__, 'boto3' in sys.modules)"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.splitlines() == ["[]", "mangum.adapter False"]


def test_unknown_attributes_of_lazy_modules_are_attribute_errors() -> None:
    import mangum
    import mangum.events

    with pytest.raises(AttributeError, match="Mangler"):
        mangum.Mangler  # noqa: B018  # the attribute access is the test
    with pytest.raises(AttributeError, match="Handler"):
        getattr(mangum.events, "Handler")  # noqa: B009  # hidden from type checkers by design


def test_the_configurations_typing_names_are_there_at_run_time() -> None:
    import mangum.config
    import mangum.types

    assert mangum.config.LifespanMode == Literal["auto", "on", "off"]
    assert mangum.config.InvokeMode == Literal["BUFFERED", "RESPONSE_STREAM"]
    assert mangum.config.LambdaConfig is mangum.types.LambdaConfig
    assert mangum.config.LifespanMode is mangum.types.LifespanMode
    with pytest.raises(AttributeError, match="Unknown"):
        mangum.config.Unknown  # type: ignore[attr-defined]  # noqa: B018  # the point: no such name
