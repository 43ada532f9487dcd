"""examples/sam/streaming: the template passes cfn-lint and wires both deployments as the docs say, and
its ``bootstrap`` runs the example app as a streaming runtime."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from mangum._sources.samples import sample_event
from mangum.local.http_integration import split_integration_response
from mangum.local.runtime_api import RuntimeApiServer
from tests.runtime.support import WAIT, runtime_process
from tests.support.sam_templates import SAM_DIR, lint_problems, load_template, resources_of_type

EXAMPLE = SAM_DIR / "streaming"
TEMPLATE = EXAMPLE / "template.yaml"


def _functions() -> dict[str, dict[str, object]]:
    functions = resources_of_type(load_template(TEMPLATE), "AWS::Serverless::Function")
    return {name: resource["Properties"] for name, resource in functions.items()}


def test_cfn_lint_finds_nothing() -> None:
    assert lint_problems(TEMPLATE.read_text()) == []


def test_cfn_lint_does_find_a_wrong_package_type() -> None:
    # cfn-lint checks no InvokeMode or AuthType values: the tests below check those.
    broken = TEMPLATE.read_text().replace("PackageType: Image", "PackageType: Container")

    assert any("E3030" in problem for problem in lint_problems(broken))


def test_every_function_streams_through_its_function_url() -> None:
    functions = _functions()

    assert set(functions) == {"ManagedRuntimeFunction", "CustomRuntimeFunction"}
    for properties in functions.values():
        assert properties["FunctionUrlConfig"] == {"AuthType": "NONE", "InvokeMode": "RESPONSE_STREAM"}
        assert properties["Environment"]["Variables"]["MANGUM_INVOKE_MODE"] == "RESPONSE_STREAM"  # type: ignore[index]


def test_the_managed_runtime_runs_the_bootstrap_of_the_functions_code_as_its_exec_wrapper() -> None:
    # In the function's code, not inside the mangum package: sam build unpacks wheels without their
    # file modes (tests/test_sam_build.py builds it), but copies the code with them.
    managed = _functions()["ManagedRuntimeFunction"]
    wrapper = managed["Environment"]["Variables"]["AWS_LAMBDA_EXEC_WRAPPER"]  # type: ignore[index]

    assert wrapper == "/var/task/bootstrap"
    assert os.access(EXAMPLE / "bootstrap", os.X_OK)
    assert managed["CodeUri"] == "."
    assert managed["Runtime"] == "python3.12"
    assert managed["Handler"] == "app.handler"


def test_the_image_installs_the_bootstrap_as_the_runtime() -> None:
    dockerfile = (EXAMPLE / "Dockerfile").read_text().splitlines()

    assert dockerfile[[line.startswith("FROM") for line in dockerfile].index(True)].endswith(
        "provided:al2023"
    )
    assert "COPY bootstrap ${LAMBDA_RUNTIME_DIR}/bootstrap" in dockerfile
    assert 'CMD ["app.handler"]' in dockerfile
    assert os.access(EXAMPLE / "bootstrap", os.X_OK)


def test_the_bootstrap_streams_the_example_apps_events(server: RuntimeApiServer, tmp_path: Path) -> None:
    # The image's interpreter is python3.12; here it is this one (with its venv) under that name.
    interpreter = tmp_path / "python3.12"
    interpreter.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    interpreter.chmod(0o755)
    env = {
        "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}",
        "LAMBDA_TASK_ROOT": str(EXAMPLE),
        "MANGUM_INVOKE_MODE": "RESPONSE_STREAM",
    }
    with runtime_process(server, "app.handler", env=env, command=(str(EXAMPLE / "bootstrap"),)):
        invocation = server.invoke(sample_event("function_url", path="/events?count=3&delay=0"))
        chunks = list(invocation.chunks(timeout=WAIT))
        result = invocation.result(timeout=WAIT)

    prelude, body = split_integration_response(result.body)
    assert prelude["headers"]["content-type"].startswith("text/event-stream")
    assert body.decode().count("event: tick") == 3
    assert len(chunks) == 3
