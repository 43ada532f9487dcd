"""PyPI mangum's public adapter API, as 0.22 code uses it: the defaults on ``handler.config`` and
``handler.lifespan``, ``mangum.adapter``'s names, the argument error, ``infer``."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest

import mangum.types
from mangum import Mangum
from mangum.adapter import DEFAULT_TEXT_MIME_TYPES, HANDLERS
from mangum.exceptions import ConfigurationError, UnsupportedEvent
from mangum.handlers import ALB, APIGateway, HTTPGateway, LambdaAtEdge
from mangum.types import LambdaConfig, LambdaContext, LambdaEvent
from tests.compat import events
from tests.compat.apps import Responding
from tests.support.adapter import CONTEXT


def test_default_settings() -> None:
    handler = Mangum(Responding())
    assert handler.lifespan == "auto"
    assert handler.config["api_gateway_base_path"] == "/"
    assert sorted(handler.config["text_mime_types"]) == sorted(DEFAULT_TEXT_MIME_TYPES)
    assert handler.config["exclude_headers"] == []


def test_the_default_text_types_are_pypi_mangums_list() -> None:
    assert DEFAULT_TEXT_MIME_TYPES == [
        "text/",
        "application/json",
        "application/javascript",
        "application/xml",
        "application/vnd.api+json",
        "application/vnd.oai.openapi",
    ]


def test_config_reads_back_what_was_given_in_pypi_mangums_form() -> None:
    handler = Mangum(
        Responding(),
        lifespan="off",
        api_gateway_base_path="/api/",
        text_mime_types=["application/x-yaml"],
        exclude_headers=["X-Powered-By"],
    )
    assert handler.lifespan == "off"
    assert dict(handler.config) == {
        "api_gateway_base_path": "/api",
        "text_mime_types": [*DEFAULT_TEXT_MIME_TYPES, "application/x-yaml"],
        "exclude_headers": ["x-powered-by"],
    }
    assert "api_gateway_base_path" in handler.config
    assert "lifespan" not in handler.config
    with pytest.raises(KeyError):
        handler.config["lifespan"]  # the lookup is the test


def test_config_refuses_changes_instead_of_losing_them() -> None:
    handler = Mangum(Responding())
    with pytest.raises(TypeError, match=r"pass text_mime_types=\[\.\.\.\]"):
        handler.config["text_mime_types"].append("application/x-yaml")
    with pytest.raises(TypeError, match="read-only"):
        handler.config["exclude_headers"] += ["server"]
    assert "application/x-yaml" not in handler.config["text_mime_types"]


@pytest.mark.parametrize("lifespan", ["unknown", "ON", None])
def test_invalid_lifespan_names_the_choices(lifespan: object) -> None:
    with pytest.raises(ConfigurationError) as raised:
        Mangum(Responding(), lifespan=lifespan)  # type: ignore[arg-type]  # the point: a value it forbids
    assert str(raised.value) == "Invalid argument supplied for `lifespan`. Choices are: auto|on|off"


def test_a_handler_is_not_an_app() -> None:
    handler = Mangum(Responding())
    with pytest.raises(ConfigurationError, match="Mangum handler already"):
        Mangum(handler)  # type: ignore[arg-type]  # type checkers refuse it too; this is the runtime check


def test_handlers_is_pypi_mangums_list_in_its_order() -> None:
    assert [ALB, HTTPGateway, APIGateway, LambdaAtEdge] == HANDLERS


def test_the_adapter_module_names_pypi_mangums_lifespan_mode_and_logger() -> None:
    namespace: dict[str, object] = {}
    exec("from mangum.adapter import LifespanMode, logger", namespace)
    assert namespace["LifespanMode"] is mangum.types.LifespanMode
    assert namespace["logger"] is logging.getLogger("mangum")


def loaded_after(code: str, modules: tuple[str, ...]) -> list[str]:
    """Which of ``modules`` a fresh interpreter has loaded after running ``code``."""
    script = f"import json, sys\n{code}\nprint(json.dumps([m for m in {modules!r} if m in sys.modules]))"
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    loaded: list[str] = json.loads(output)
    return loaded


def test_importing_the_adapter_does_not_import_the_handler_classes() -> None:
    assert loaded_after("import mangum.adapter", ("mangum.handlers",)) == []


COMPAT_MODULES = ("mangum.handlers", "mangum.handlers._custom", "mangum.handlers._source")

SERVE_ONE = (
    "from mangum import Mangum\n"
    "from mangum._sources.samples import sample_event\n"
    "async def app(scope, receive, send):\n"
    "    await send({'type': 'http.response.start', 'status': 204, 'headers': []})\n"
    "    await send({'type': 'http.response.body', 'body': b''})\n"
    "class Never:\n"
    "    @classmethod\n"
    "    def infer(cls, event, context, config): return False\n"
    "handler = Mangum(app, lifespan='off'OPTIONS)\n"
    "assert handler(sample_event('api_gateway_v2'), None)['statusCode'] == 204\n"
)


def test_a_function_imports_the_compatibility_package_only_for_custom_handlers() -> None:
    # PyPI mangum's compatibility code is all in mangum.handlers: a function without custom
    # handlers serves without it, and one with them loads the custom handler support alone.
    assert loaded_after(SERVE_ONE.replace("OPTIONS", ""), COMPAT_MODULES) == []
    with_custom = SERVE_ONE.replace("OPTIONS", ", custom_handlers=[Never]")
    assert loaded_after(with_custom, COMPAT_MODULES) == ["mangum.handlers", "mangum.handlers._custom"]


def test_custom_handlers_get_pypi_mangums_config_dict_built_once() -> None:
    seen: list[object] = []

    class Recording(APIGateway):
        @classmethod
        def infer(cls, event: LambdaEvent, context: LambdaContext, config: LambdaConfig) -> bool:
            seen.append(config)
            return False

    handler = Mangum(Responding(), api_gateway_base_path="/api", custom_handlers=[Recording])
    handler(events.rest(), CONTEXT)
    handler(events.rest(), CONTEXT)
    assert seen[0] is seen[1]
    assert seen[0] == {
        "api_gateway_base_path": "/api",
        "text_mime_types": DEFAULT_TEXT_MIME_TYPES,
        "exclude_headers": [],
    }


def test_the_handler_classes_serve_without_pydantic() -> None:
    code = (
        "from mangum.handlers import APIGateway\n"
        "from mangum.handlers.utils import handle_base64_response_body\n"
        "from mangum._sources.samples import sample_event\n"
        "handler = APIGateway(sample_event('api_gateway_v1'), None, {'api_gateway_base_path': '/'})\n"
        "handler.scope, handler.body\n"
        "handler({'status': 200, 'headers': [], 'body': b''})"
    )
    assert loaded_after(code, ("pydantic",)) == []


@pytest.mark.parametrize(
    ("event", "chosen"),
    [
        (events.rest(), APIGateway),
        (events.http_v2(), HTTPGateway),
        (events.http_v1(), HTTPGateway),
        (events.alb(), ALB),
        (events.lambda_at_edge(), LambdaAtEdge),
    ],
    ids=["rest", "http-v2", "http-v1", "alb", "edge"],
)
def test_infer_picks_the_handler_pypi_mangum_would(event: dict[str, object], chosen: type) -> None:
    handler = Mangum(Responding())
    assert type(handler.infer(event, CONTEXT)) is chosen


def test_infer_asks_custom_handlers_first_and_names_what_it_tried() -> None:
    class Mine(APIGateway):
        pass

    handler = Mangum(Responding(), custom_handlers=[Mine])
    assert type(handler.infer(events.rest(), CONTEXT)) is Mine
    with pytest.raises(UnsupportedEvent) as raised:
        handler.infer({"detail-type": "Scheduled Event"}, CONTEXT)
    assert raised.value.tried == ("Mine", "ALB", "HTTPGateway", "APIGateway", "LambdaAtEdge")


def test_the_result_is_a_dict_of_any_for_strict_callers() -> None:
    result = Mangum(Responding(), lifespan="off")(events.rest(), CONTEXT)
    body: str = result["body"]  # dict[str, Any]: a strict caller reads it without a cast
    assert body == "Hello, world!"
