"""``mangum.events`` loads its names on first use, and parsing loads only the detected source."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import mangum.events
from tests.support.event_files import POWERTOOLS_DIR

SOURCE_MODULES = {
    "mangum.events.alb",
    "mangum.events.api_gateway_v1",
    "mangum.events.api_gateway_v2",
    "mangum.events.cloudfront",
    "mangum.events.websocket",
}


def modules_after(code: str, *, without_site: bool = False) -> set[str]:
    """The modules loaded by a fresh interpreter after running ``code`` (in the checkout).

    ``without_site``: with ``-S``, the installed packages reached through ``PYTHONPATH``, so that
    what ``site`` itself imports (``.pth`` files: this environment's editable install imports
    ``urllib.parse``) is not counted as the code's."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    command, env = [sys.executable, "-c", script], None
    if without_site:
        command.insert(1, "-S")
        paths = sysconfig.get_paths()
        installed = dict.fromkeys([paths["purelib"], paths["platlib"]])  # once each, in this order
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(installed)}
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent.parent.parent,
        env=env,
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


@pytest.mark.parametrize("name", mangum.events.__all__)
def test_every_public_name_resolves(name: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from mangum.events import {name}", namespace)
    assert namespace[name] is getattr(mangum.events, name)


def test_all_lists_exactly_the_lazily_loaded_names() -> None:
    assert sorted(mangum.events.__all__) == sorted(mangum.events._EXPORTS)
    assert len(set(mangum.events.__all__)) == len(mangum.events.__all__)


def test_dir_lists_every_public_name() -> None:
    assert set(mangum.events.__all__) <= set(dir(mangum.events))


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'NoSuchEvent'"):
        _ = mangum.events.NoSuchEvent  # type: ignore[attr-defined]  # the point: it does not exist


def test_importing_the_packages_does_not_import_pydantic() -> None:
    loaded = modules_after("import mangum, mangum.events")
    assert "pydantic" not in loaded
    assert not {name for name in loaded if name.startswith("mangum.events.")}


HTTP_SAMPLE_MODULES = [
    ("apiGatewayProxyEvent.json", "mangum.events.api_gateway_v1"),
    ("apiGatewayProxyV2Event.json", "mangum.events.api_gateway_v2"),
    ("lambdaFunctionUrlEvent.json", "mangum.events.api_gateway_v2"),
    ("albEvent.json", "mangum.events.alb"),
]
"""An HTTP sample of each source, and the one model module parsing it needs."""

HTTP_SAMPLE_SOURCES = [
    ("apiGatewayProxyEvent.json", "api_gateway_v1"),
    ("apiGatewayProxyV2Event.json", "api_gateway_v2"),
    ("lambdaFunctionUrlEvent.json", "function_url"),
    ("albEvent.json", "alb"),
]
"""An HTTP sample of each source, and the source's name."""


@pytest.mark.parametrize(
    ("sample", "module"),
    [*HTTP_SAMPLE_MODULES, ("apiGatewayWebSocketApiMessage.json", "mangum.events.websocket")],
)
def test_parsing_imports_only_the_detected_source(sample: str, module: str) -> None:
    path = POWERTOOLS_DIR / sample
    loaded = modules_after(
        f"import json\nfrom mangum.events import parse_event\nparse_event(json.load(open({str(path)!r})))"
    )
    assert loaded & SOURCE_MODULES == {module}


HANDLER_SCRIPT = """
import json
from mangum import Mangum

async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await receive()
    await send({{"type": "http.response.start", "status": 200, "headers": []}})
    await send({{"type": "http.response.body", "body": b"ok"}})

result = Mangum(app)(json.load(open({path!r})), None)
assert result["statusCode"] == 200, result
"""


@pytest.mark.parametrize(("sample", "source"), HTTP_SAMPLE_SOURCES)
def test_the_handler_imports_neither_pydantic_nor_models_and_one_generated_validator(
    sample: str, source: str
) -> None:
    loaded = modules_after(HANDLER_SCRIPT.format(path=str(POWERTOOLS_DIR / sample)))
    assert "mangum._http.scope" in loaded
    assert not {name for name in loaded if name == "pydantic" or name.startswith("pydantic.")}
    assert not loaded & SOURCE_MODULES
    prefix = "mangum._validation.generated."
    # The results' schemas are not loaded either: a plainly sendable response fits its model without
    # its validator (mangum/_http/response.py).
    assert {name.removeprefix(prefix) for name in loaded if name.startswith(prefix)} == {source}


@pytest.mark.parametrize(("sample", "source"), HTTP_SAMPLE_SOURCES)
def test_the_handler_leaves_urllib_and_ipaddress_unloaded(sample: str, source: str) -> None:
    # They cost a cold start about 12M instructions; these samples (an IPv4 source address with a
    # "/32", paths and queries that need no encoding) need neither (mangum/_http/scope.py).
    loaded = modules_after(HANDLER_SCRIPT.format(path=str(POWERTOOLS_DIR / sample)), without_site=True)
    assert f"mangum._validation.generated.{source}" in loaded
    assert not loaded & {"urllib.parse", "ipaddress"}
