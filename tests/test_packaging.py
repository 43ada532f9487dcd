"""The wheel users install: what it ships, that the schema check runs from it, and that every SAM
example's requirements.txt installs it (this project's mangum 1.0, never PyPI's 0.22)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import mangum
from tests.support.sam_templates import SAM_DIR

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(path.parent for path in SAM_DIR.glob("*/requirements.txt"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel ``scripts/build-wheel`` builds, into a directory of its own."""
    target = tmp_path_factory.mktemp("example")
    done = subprocess.run(
        [str(ROOT / "scripts" / "build-wheel"), str(target)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    [built] = (target / "wheels").glob("mangum-*.whl")
    assert done.stdout.endswith(f"built {built.name} in {target}/wheels\n")
    return built


def test_the_wheel_ships_the_schemas_the_validators_the_handlers_and_the_wrapper(wheel: Path) -> None:
    assert wheel.name == f"mangum-{mangum.__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        wrapper_mode = archive.getinfo("mangum/runtime/exec-wrapper").external_attr >> 16
    # schemas/ at the top of the repository, shipped as mangum/json_schemas/ (copied at build time).
    shipped = {
        f"mangum/json_schemas/{path.relative_to(ROOT / 'schemas').as_posix()}"
        for path in (ROOT / "schemas").glob("*/*.json")
    }
    assert shipped
    assert shipped == {name for name in names if name.startswith("mangum/json_schemas/")}
    assert {"mangum/py.typed", "mangum/handlers/utils.py", "mangum/_validation/generated/results.py"} <= names
    assert wrapper_mode & 0o111
    assert not any(name.startswith(("tests/", "examples/", "benchmarks/")) for name in names)


def test_the_schema_check_runs_from_the_installed_package(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    code = (
        "import mangum, sys; print(mangum.__file__, flush=True); "
        "from mangum.schemas import SCHEMAS_DIR, main; print(SCHEMAS_DIR, flush=True); "
        "sys.exit(main(['--check']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,  # no schemas/ here: the package's own are checked
        env=os.environ | {"PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"{site / 'mangum' / '__init__.py'}\n{site / 'mangum' / 'json_schemas'}\n"
    assert os.access(site / "mangum" / "runtime" / "exec-wrapper", os.X_OK)


@pytest.mark.parametrize("example", EXAMPLES, ids=[path.name for path in EXAMPLES])
def test_the_example_requirements_install_this_project_from_the_built_wheel(
    example: Path, wheel: Path, tmp_path: Path
) -> None:
    lines = (example / "requirements.txt").read_text().splitlines()
    mangum_lines = [line for line in lines if line.startswith("mangum")]
    assert len(mangum_lines) == 1
    assert mangum_lines[0].endswith(">=1.0.0")  # never PyPI's 0.22
    # The example's own lines that find mangum, run from elsewhere: the wheel is found next to the file.
    copy = tmp_path / example.name
    (copy / "wheels").mkdir(parents=True)
    shutil.copy(wheel, copy / "wheels")
    (copy / "requirements.txt").write_text(
        "\n".join(line for line in lines if line.startswith(("--find-links", "mangum"))) + "\n"
    )
    pip = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--dry-run",
        "--ignore-installed",
        "--no-deps",
        "--no-index",
    ]
    done = subprocess.run(
        [*pip, "--quiet", "--report", "-", "-r", str(copy / "requirements.txt")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    [chosen] = json.loads(done.stdout)["install"]
    assert (chosen["metadata"]["name"], chosen["metadata"]["version"]) == ("mangum", mangum.__version__)
    assert chosen["download_info"]["url"] == (copy / "wheels" / wheel.name).as_uri()
    assert "full" in chosen["metadata"]["provides_extra"]


def test_run_example_needs_no_npm(tmp_path: Path) -> None:
    # An npm that fails loudly comes first on PATH: the example must not call it.
    (tmp_path / "npm").write_text(f"#!/bin/sh\ntouch {tmp_path / 'npm-was-called'}\nexit 99\n")
    (tmp_path / "npm").chmod(0o755)
    env = os.environ | {"PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        [str(ROOT / "scripts" / "run-example")], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["statusCode"] == 200
    assert not (tmp_path / "npm-was-called").exists()


def test_the_examples_run_as_files_from_anywhere(tmp_path: Path) -> None:
    # The project is installed in the venv: no PYTHONPATH, no repository root as the directory.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "parse_event.py"),
            str(ROOT / "examples" / "events" / "api_gateway_v1.json"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("source: ApiGatewayV1Event\n")
