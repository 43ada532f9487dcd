"""The ``serve`` command line: listed by ``python -m mangum``, its errors, and what it says when the
``local`` extra is not installed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mangum._cli import main
from mangum.local.cli import lambda_handler_name, parser
from tests.local.support import REPO_ROOT


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, timeout=60
    )


def test_without_the_extra_it_says_how_to_install_it() -> None:
    # uvicorn made unimportable, as in an environment without mangum[local].
    ran = _run(
        "import sys; sys.modules['uvicorn'] = None\n"
        "from mangum._cli import main\n"
        "raise SystemExit(main(['serve', 'app:handler']))"
    )
    assert ran.returncode == 1
    assert ran.stderr == (
        "python -m mangum serve: error: the 'local' extra is not installed: pip install 'mangum[local]'\n"
    )


def test_help_lists_serve(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "serve" in capsys.readouterr().out
    with pytest.raises(SystemExit) as ended:
        main(["serve", "--help"])
    assert ended.value.code == 0
    out = capsys.readouterr().out
    assert "--invoke-mode" in out
    assert "--workers" in out


def test_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "no-attribute"]) == 2
    assert "expected MODULE:ATTR" in capsys.readouterr().err
    with pytest.raises(SystemExit) as ended:
        main(["serve", "app:handler", "--workers", "0"])
    assert ended.value.code == 2


@pytest.mark.parametrize(
    ("reference", "handler"),
    [("app:handler", "app.handler"), ("pkg.app:main", "pkg.app.main"), ("app.handler", "app.handler")],
)
def test_handler_names(reference: str, handler: str) -> None:
    assert lambda_handler_name(reference) == handler


def test_busy_port_is_an_error() -> None:
    code = (
        "import socket\nfrom mangum._cli import main\n"
        "taken = socket.create_server(('127.0.0.1', 0))\n"
        "raise SystemExit(main(['serve', 'app:handler', '--port', str(taken.getsockname()[1])]))"
    )
    ran = _run(code)
    assert ran.returncode == 1
    assert "cannot listen on" in ran.stderr


@pytest.mark.parametrize(
    ("given", "source"),
    [
        ("rest", "api_gateway_v1"),
        ("http", "api_gateway_v2"),
        ("url", "function_url"),
        ("function-url", "function_url"),
        ("alb", "alb"),
        ("api_gateway_v2", "api_gateway_v2"),
        ("function_url", "function_url"),
    ],
)
def test_source_takes_the_registry_names_and_their_aliases(given: str, source: str) -> None:
    assert parser().parse_args(["app:handler", "--source", given]).source == source


def test_source_defaults_to_a_rest_api_and_refuses_what_serve_cannot_put_in_front() -> None:
    assert parser().parse_args(["app:handler"]).source == "api_gateway_v1"
    for refused in ("cloudfront", "websocket", "alb-multi", "lambda"):
        with pytest.raises(SystemExit) as exited:
            parser().parse_args(["app:handler", "--source", refused])
        assert exited.value.code == 2
