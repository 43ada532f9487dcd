"""The adapter loads pydantic-core's compiled module alone, and pydantic, imported later or before,
shares that very module."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

from tests.support.event_files import POWERTOOLS_DIR

ROOT = Path(__file__).resolve().parents[2]

SERVE = """
import json, sys
from mangum import Mangum
from mangum.exceptions import InvalidEvent

async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await receive()
    await send({{"type": "http.response.start", "status": 200, "headers": []}})
    await send({{"type": "http.response.body", "body": b"ok"}})

event = json.load(open({path!r}))
handler = Mangum(app)
assert handler(event, None)["statusCode"] == 200
del event["rawPath"]
try:
    handler(event, None)
except InvalidEvent as error:
    refused = [str(field) for field in error.errors]
"""


def run(code: str) -> dict[str, object]:
    script = f"{code}\nprint(json.dumps(report))"
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return loaded


def test_serving_an_event_loads_neither_the_package_nor_typing_extensions() -> None:
    report = run(
        SERVE.format(path=str(POWERTOOLS_DIR / "apiGatewayProxyV2Event.json"))
        + "report = {'loaded': sorted(m for m in ('pydantic_core', 'typing_extensions', 'pydantic')"
        " if m in sys.modules), 'refused': refused}"
    )
    assert report == {"loaded": [], "refused": ["rawPath: Field required [missing]"]}


def test_serving_an_event_imports_neither_pathlib_nor_importlib_util() -> None:
    """The compiled module is found with the path finder alone: ``pathlib`` and ``importlib.util``,
    which nothing else on the handler's path imports, stay off the cold start. (Run without
    ``site``, whose editable-install hook imports both at start-up.)"""
    paths = dict.fromkeys([str(ROOT), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    script = (
        SERVE.format(path=str(POWERTOOLS_DIR / "apiGatewayProxyV2Event.json"))
        + "report = {'loaded': sorted(m for m in ('pathlib', 'importlib.util') if m in sys.modules),"
        " 'core': sys.modules['pydantic_core._pydantic_core'].__file__, 'refused': refused}"
        + "\nprint(json.dumps(report))"
    )
    done = subprocess.run(
        [sys.executable, "-S", "-c", script],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)},
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["loaded"] == []
    assert report["refused"] == ["rawPath: Field required [missing]"]
    assert os.path.basename(report["core"]).startswith("_pydantic_core.")


def test_pydantic_imported_afterwards_shares_the_compiled_module() -> None:
    code = SERVE.format(path=str(POWERTOOLS_DIR / "apiGatewayProxyV2Event.json")) + textwrap.dedent(
        """
        from mangum._validation import validators as ours
        import pydantic, pydantic_core

        class Item(pydantic.BaseModel):
            count: int

        report = {
            "same": [ours.SchemaValidator is pydantic_core.SchemaValidator,
                     ours.ValidationError is pydantic.ValidationError],
            "model": Item(count="3").count,
        }
        """
    )
    assert run(code) == {"same": [True, True], "model": 3}


def test_pydantic_imported_first_is_used_as_it_is() -> None:
    code = (
        "import pydantic_core\n"
        + SERVE.format(path=str(POWERTOOLS_DIR / "apiGatewayProxyV2Event.json"))
        + textwrap.dedent(
            """
        from mangum._validation import validators as ours

        report = {"same": ours.SchemaValidator is pydantic_core.SchemaValidator}
        """
        )
    )
    assert run(code) == {"same": True}
