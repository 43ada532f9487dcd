"""The ``AWS_LAMBDA_EXEC_WRAPPER`` script ships in the wheel, executable, and starts ``mangum.runtime``
from a deployment package laid out as ``pip install --target`` (what ``sam build`` runs) lays it out."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from mangum._sources.samples import sample_event
from mangum.local.runtime_api import RuntimeApiServer
from tests.runtime.support import REPO_ROOT, WAIT, runtime_process

WRAPPER = "mangum/runtime/exec-wrapper"
FUNCTION = """
import mangum.runtime
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from mangum import Mangum


async def where(request):
    return PlainTextResponse(mangum.runtime.__file__)


handler = Mangum(Starlette(routes=[Route("/", where)]), lifespan="off")
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout built into a wheel, as PyPI would ship it."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO_ROOT / name, source / name)
    shutil.copytree(REPO_ROOT / "mangum", source / "mangum", ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            ".",
        ],
        cwd=source,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = dist.glob("mangum-*.whl")
    return built


def test_the_wheel_holds_the_wrapper_as_an_executable(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        mode = archive.getinfo(WRAPPER).external_attr >> 16

    assert mode & stat.S_IXUSR
    assert stat.S_ISREG(mode)


def test_the_wrapper_serves_the_function_from_the_deployment_package(
    wheel: Path, tmp_path: Path, server: RuntimeApiServer
) -> None:
    task = tmp_path / "task"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(task), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (task / "lambda_function.py").write_text(FUNCTION)
    wrapper = task / WRAPPER
    assert os.access(wrapper, os.X_OK)
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": "",
        "LAMBDA_TASK_ROOT": str(task),
        "MANGUM_INVOKE_MODE": "RESPONSE_STREAM",
    }
    # Lambda runs the wrapper with the managed runtime's own bootstrap as its arguments.
    command = (str(wrapper), "/var/runtime/bootstrap")
    with runtime_process(server, "lambda_function.handler", env=env, command=command, cwd=task):
        result = server.invoke(sample_event("function_url")).result(timeout=WAIT)

    assert result.streamed
    assert result.body.split(b"\0" * 8, 1)[1].decode() == str(task / "mangum" / "runtime" / "__init__.py")
