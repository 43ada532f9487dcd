"""``sam build`` of examples/sam/streaming, by the AWS SAM CLI itself (scripts/setup-sam installs it
into .venv-sam): the exec wrapper the template names comes out of the build executable, and it runs
the built function as a streaming runtime, as Lambda's managed Python runtime would start it.

``sam build`` unpacks the dependencies' wheels without their file modes, so a wrapper inside the
mangum package loses its executable bit; the example's bootstrap, part of the function's own code,
keeps it.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from pathlib import Path

import pytest

from mangum._sources.samples import sample_event
from mangum.local.http_integration import split_integration_response
from mangum.local.runtime_api import RuntimeApiServer
from tests.runtime.support import REPO_ROOT, WAIT, runtime_process
from tests.support.sam_templates import SAM_DIR, load_template, resources_of_type

EXAMPLE = SAM_DIR / "streaming"
FUNCTION = "ManagedRuntimeFunction"
BUILD_SECONDS = 600
LAMBDA_ARCHITECTURES = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}


def _python312() -> Path:
    """The interpreter ``sam build`` needs on PATH for a python3.12 function: pyenv's, else PATH's
    (a pyenv shim on PATH fails when pyenv's version is another one: each candidate is tried)."""
    candidates = [*sorted(Path("/root/.pyenv/versions").glob("3.12*/bin/python3.12"))]
    on_path = shutil.which("python3.12")
    candidates += [Path(on_path)] if on_path else []
    for candidate in candidates:
        if subprocess.run([str(candidate), "-c", "pass"], capture_output=True, check=False).returncode == 0:
            return candidate
    pytest.fail("sam build of a python3.12 function needs python3.12 (under pyenv or on PATH)")


def _sam() -> Path:
    setup = subprocess.run(
        [str(REPO_ROOT / "scripts" / "setup-sam")], capture_output=True, text=True, timeout=BUILD_SECONDS
    )
    if setup.returncode != 0:
        pytest.skip(f"scripts/setup-sam could not build .venv-sam: {setup.stderr.strip()[-500:]}")
    return Path(setup.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The example built by ``sam build`` (for this machine's architecture, so that it runs here):
    the function's build directory and the template's ``AWS_LAMBDA_EXEC_WRAPPER``."""
    sam = _sam()
    python = _python312()
    project = tmp_path_factory.mktemp("streaming")
    for name in ("app.py", "bootstrap", "requirements.txt", "template.yaml"):
        shutil.copy2(EXAMPLE / name, project / name)
    architecture = LAMBDA_ARCHITECTURES[platform.machine().lower()]
    template = project / "template.yaml"
    template.write_text(template.read_text().replace("- arm64", f"- {architecture}"))
    subprocess.run(
        [str(REPO_ROOT / "scripts" / "build-wheel"), str(project)], check=True, capture_output=True
    )
    environment = {
        **os.environ,
        "PATH": f"{python.parent}{os.pathsep}{os.environ['PATH']}",
        "SAM_CLI_TELEMETRY": "0",
    }
    build = subprocess.run(
        [str(sam), "build", FUNCTION, "--build-dir", str(project / ".aws-sam" / "build")],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=BUILD_SECONDS,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    built_template = load_template(project / ".aws-sam" / "build" / "template.yaml")
    properties = resources_of_type(built_template, "AWS::Serverless::Function")[FUNCTION]["Properties"]
    return (
        project / ".aws-sam" / "build" / FUNCTION,
        properties["Environment"]["Variables"]["AWS_LAMBDA_EXEC_WRAPPER"],
    )


def test_the_exec_wrapper_is_executable_after_sam_build(built: tuple[Path, str]) -> None:
    function, wrapper = built
    in_build = function / wrapper.removeprefix("/var/task/")

    assert wrapper.startswith("/var/task/")
    assert os.access(in_build, os.X_OK)
    # Why it is not the package's copy: the wheel's 0755 did not survive the build.
    assert (function / "mangum" / "__init__.py").is_file()
    assert not os.access(function / "mangum" / "runtime" / "exec-wrapper", os.X_OK)


def test_the_wrapper_streams_the_built_function(built: tuple[Path, str], server: RuntimeApiServer) -> None:
    function, wrapper = built
    python = _python312()
    env = {"LAMBDA_TASK_ROOT": str(function), "PYTHONPATH": "", "MANGUM_INVOKE_MODE": "RESPONSE_STREAM"}
    # The managed runtime runs the wrapper with its interpreter and its own bootstrap as arguments.
    command = (str(function / wrapper.removeprefix("/var/task/")), str(python), "/var/runtime/bootstrap.py")
    with runtime_process(server, "app.handler", env=env, command=command, cwd=function):
        invocation = server.invoke(sample_event("function_url", path="/events?count=3&delay=0"))
        chunks = list(invocation.chunks(timeout=WAIT))
        result = invocation.result(timeout=WAIT)

    prelude, body = split_integration_response(result.body)
    assert result.streamed
    assert prelude["headers"]["content-type"].startswith("text/event-stream")
    assert body.decode().count("event: tick") == 3
    assert len(chunks) == 3
