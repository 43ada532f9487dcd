"""``python -m mangum``: sample events for every source, ``invoke`` on the example app, and one-line
errors (no traceback) for everything a user can get wrong."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import mangum
from examples.app import PIXEL_PNG, handler
from mangum._cli import main
from mangum._sources.registry import SAMPLES, detect
from mangum._sources.samples import CLI_ALIASES, sample_event
from mangum.events import WebSocketEvent, parse_event
from tests.support.adapter import CONTEXT, RESPONSE_MODEL, body_of, header_values, json_of, status_of

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLE_EVENTS = ROOT / "examples" / "events"


def run_cli(*args: str, cwd: Path = ROOT, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "mangum", *args], cwd=cwd, env=env, input=stdin, capture_output=True, text=True
    )


# --- sample events --------------------------------------------------------------------------------


def model_name(sample: str) -> str:
    """The name of the event model a sample's source is validated by."""
    return SAMPLES[sample].model.rpartition(":")[2]


@pytest.mark.parametrize("source", SAMPLES)
def test_event_command_prints_a_sample_that_parses_to_its_model(
    source: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["event", source]) == 0
    event = json.loads(capsys.readouterr().out)
    assert type(parse_event(event)).__name__ == model_name(source)


@pytest.mark.parametrize("source", [name for name in SAMPLES if not name.startswith("websocket")])
def test_event_options_shape_the_request(source: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["event", source, "--method", "post", "--path", "/items/9?q=a%20b&q=c", "--body", '{"n": 1}'])
        == 0
    )
    model = parse_event(json.loads(capsys.readouterr().out))
    assert not isinstance(model, WebSocketEvent)
    # Without multi-value mode, ALB passes on the last value of a repeated parameter.
    assert model.get_query_values("q") == (["c"] if source == "alb" else ["a b", "c"])
    assert model.body_bytes() == b'{"n": 1}'
    assert model.get_header("content-type") == "application/json"


@pytest.mark.parametrize("alias", sorted(CLI_ALIASES))
def test_event_takes_each_alias_for_the_sample_it_stands_for(
    alias: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["event", alias]) == 0
    event = json.loads(capsys.readouterr().out)
    assert detect(event) is SAMPLES[CLI_ALIASES[alias]]
    assert type(parse_event(event)).__name__ == model_name(CLI_ALIASES[alias])


def test_every_alias_names_a_sample_and_no_sample_is_named_by_an_alias() -> None:
    assert set(CLI_ALIASES.values()) <= set(SAMPLES)
    assert not set(CLI_ALIASES) & set(SAMPLES)


def test_an_unknown_sample_is_refused_naming_the_choices(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["event", "api-gateway"]) == 2
    error = capsys.readouterr().err
    assert "invalid choice: 'api-gateway'" in error
    assert "api_gateway_v1" in error


def test_event_headers_are_added_and_the_body_content_type_follows_the_body(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def content_type(*args: str) -> str | None:
        assert main(["event", "rest", *args]) == 0
        return parse_event(json.loads(capsys.readouterr().out)).get_header("content-type")

    assert content_type("--body", "plain words") == "text/plain; charset=utf-8"
    assert content_type("--body", "[1, 2]") == "application/json"
    assert content_type("--body", "a,b", "--header", "Content-Type: text/csv") == "text/csv"
    assert content_type() is None
    assert main(["event", "http", "--header", "X-Api-Key: k-1", "--header", "X-Trace:t 2"]) == 0
    event = parse_event(json.loads(capsys.readouterr().out))
    assert (event.get_header("x-api-key"), event.get_header("x-trace")) == ("k-1", "t 2")


def test_version_is_the_package_version() -> None:
    done = run_cli("--version")
    assert (done.returncode, done.stdout, done.stderr) == (0, f"mangum {mangum.__version__}\n", "")


def test_samples_are_fresh() -> None:
    first, second = sample_event("api_gateway_v2"), sample_event("api_gateway_v2")
    assert first["requestContext"]["requestId"] != second["requestContext"]["requestId"]
    assert first["requestContext"]["apiId"] != second["requestContext"]["apiId"]


def test_example_events_cover_every_source_and_parse_to_their_models() -> None:
    assert sorted(path.stem for path in EXAMPLE_EVENTS.glob("*.json")) == sorted(SAMPLES)
    for name in SAMPLES:
        event = json.loads((EXAMPLE_EVENTS / f"{name}.json").read_text())
        assert type(parse_event(event)).__name__ == model_name(name)


# --- the example app on the example events ---------------------------------------------------------


def example_result(source: str) -> dict[str, object]:
    """The example app's result for the example event of ``source``, checked against its model."""
    result = handler(json.loads((EXAMPLE_EVENTS / f"{source}.json").read_text()), CONTEXT)
    RESPONSE_MODEL[model_name(source)].model_validate(result)
    assert status_of(result) == 200
    return result


def test_example_app_on_every_example_http_event() -> None:
    assert json_of(example_result("api_gateway_v2")) == {
        "message": "Hello from mangum",
        "root_path": "",
    }
    assert json_of(example_result("api_gateway_v1")) == {
        "id": 1,
        "name": "hammer",
        "q": "rest",
    }
    assert body_of(example_result("function_url")) == PIXEL_PNG
    cookies = header_values(example_result("alb"), "set-cookie")
    assert sorted(cookie.split(";")[0] for cookie in cookies) == ["session=abc123", "theme=dark"]
    assert json_of(example_result("alb_multi_value")) == {"id": 2, "name": "saw", "q": "b"}
    assert json_of(example_result("cloudfront")) == {
        "id": 3,
        "name": "level",
        "q": None,
    }


def test_invoke_prints_the_result_as_indented_json() -> None:
    done = run_cli("invoke", "examples.app:app", "--event", "examples/events/api_gateway_v2.json")
    assert (done.returncode, done.stderr) == (0, "")
    result = json.loads(done.stdout)
    assert done.stdout.startswith('{\n  "statusCode": 200,')
    assert json_of(result) == {"message": "Hello from mangum", "root_path": ""}


def test_invoke_reads_the_event_from_stdin_and_takes_adapter_options() -> None:
    event = json.dumps(sample_event("api_gateway_v2", path="/api/items/2"))
    done = run_cli(
        "invoke", "examples.app:app", "--event", "-", "--base-path", "/api", "--lifespan", "on", stdin=event
    )
    assert done.returncode == 0, done.stderr
    assert json_of(json.loads(done.stdout)) == {"id": 2, "name": "saw", "q": None}


def test_invoke_takes_text_mime_types_and_excluded_headers(files: Path) -> None:
    event = json.dumps(sample_event("api_gateway_v2", path="/"))

    def invoke(*options: str) -> dict[str, Any]:
        done = run_cli("invoke", "yaml_app:app", "--event", "-", *options, cwd=files, stdin=event)
        assert done.returncode == 0, done.stderr
        result: dict[str, Any] = json.loads(done.stdout)
        return result

    plain = invoke()
    assert plain["isBase64Encoded"] is True
    assert plain["headers"] == {"content-type": "application/x-yaml", "x-powered-by": "yaml"}
    chosen = invoke("--text-mime-type", "application/x-yaml", "--exclude-header", "X-Powered-By")
    assert (chosen["isBase64Encoded"], chosen["body"]) == (False, "name: saw\n")
    assert chosen["headers"] == {"content-type": "application/x-yaml"}


def test_websocket_commands_are_passed_on(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["websocket", "--help"]) == 0
    assert "create-table" in capsys.readouterr().out


# --- errors: one line on stderr, a non-zero status, no traceback -----------------------------------


YAML_APP = """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    headers = [(b"content-type", b"application/x-yaml"), (b"x-powered-by", b"yaml")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"name: saw\\n"})
"""


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "broken_app.py").write_text('import os\n\nraise RuntimeError("misconfigured")\n')
    (tmp_path / "typo_app.py").write_text("app = (\n")
    (tmp_path / "yaml_app.py").write_text(YAML_APP)
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "list.json").write_text("[1, 2]")
    (tmp_path / "unknown.json").write_text('{"detail-type": "Scheduled Event"}')
    invalid = sample_event("api_gateway_v2")
    del invalid["requestContext"]["http"]
    (tmp_path / "invalid.json").write_text(json.dumps(invalid))
    (tmp_path / "http.json").write_text(json.dumps(sample_event("api_gateway_v2")))
    return tmp_path


ERRORS = [
    pytest.param([], 2, "required: COMMAND", id="no-command"),
    pytest.param(["deploy"], 2, "invalid choice: 'deploy'", id="unknown-command"),
    pytest.param(["event", "sqs"], 2, "invalid choice: 'sqs'", id="unknown-source"),
    pytest.param(["invoke", "examples.app:app"], 2, "required: --event", id="no-event"),
    pytest.param(["invoke", "examples.app", "--event", "http.json"], 2, "expected MODULE:APP", id="no-colon"),
    pytest.param(
        ["invoke", "no_such_module:app", "--event", "http.json"], 1, "no module named", id="no-module"
    ),
    pytest.param(
        ["invoke", "broken_app:app", "--event", "http.json"],
        1,
        "RuntimeError: misconfigured (broken_app.py, line 3)",
        id="broken",
    ),
    pytest.param(
        ["invoke", "typo_app:app", "--event", "http.json"],
        1,
        "SyntaxError: '(' was never closed",
        id="syntax",
    ),
    pytest.param(
        ["invoke", "examples.app:nope", "--event", "http.json"], 1, "no attribute 'nope'", id="attr"
    ),
    pytest.param(
        ["invoke", "examples.app:PIXEL_PNG", "--event", "http.json"], 1, "not an ASGI", id="not-callable"
    ),
    pytest.param(
        ["invoke", "examples.app:handler", "--event", "http.json"],
        1,
        "examples.app:handler is a Mangum handler, not an ASGI application: invoke wraps the app in Mangum "
        "itself, so give the app (examples.app:app)",
        id="handler",
    ),
    pytest.param(["event", "http", "--header", "X-Key"], 2, "expected --header 'NAME: VALUE'", id="header"),
    pytest.param(["invoke", "examples.app:app", "--event", "missing.json"], 1, "cannot read", id="no-file"),
    pytest.param(["invoke", "examples.app:app", "--event", "bad.json"], 1, "not valid JSON", id="bad-json"),
    pytest.param(["invoke", "examples.app:app", "--event", "list.json"], 1, "not an object", id="not-object"),
    pytest.param(
        ["invoke", "examples.app:app", "--event", "unknown.json"], 1, "unsupported event", id="unsupported"
    ),
    pytest.param(
        ["invoke", "examples.app:app", "--event", "invalid.json"], 1, "requestContext.http", id="invalid"
    ),
]


@pytest.mark.parametrize(("args", "status", "message"), ERRORS)
def test_errors_are_one_line_without_traceback(
    args: list[str], status: int, message: str, files: Path
) -> None:
    done = run_cli(*args, cwd=files)
    assert done.returncode == status
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("python -m mangum: error: ")
    assert message in line
