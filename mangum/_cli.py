"""``python -m mangum``: run an ASGI app on a Lambda event locally, and print sample events.

- ``invoke MODULE:APP --event FILE``: one event (a JSON file, ``-`` for stdin) through
  ``Mangum(app)`` with a local Lambda context; prints the handler's result as indented JSON.
- ``event SAMPLE``: a fresh sample event of a source, named as the source is in the code
  (``api_gateway_v1``, ``api_gateway_v2``, ``function_url``, ``alb``, ``alb_multi_value``,
  ``cloudfront``, ``websocket_connect``, ``websocket_message``, ``websocket_disconnect``) or by one
  of the short aliases in :data:`~mangum._sources.samples.CLI_ALIASES` (``rest``, ``http``, ``url``...).
- ``--version``: the installed version.
- ``websocket ...``: the WebSocket table commands (:mod:`mangum.websocket.cli`).
- ``serve MODULE:ATTR ...``: a local API Gateway and Lambda (:mod:`mangum.local.cli`, extra ``local``).

Bad arguments and unusable input end with a one-line error on stderr and a non-zero status (2 for
bad arguments, 1 for the rest); the application's own errors are logged on stderr as it runs.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from mangum import __version__
from mangum._sources.registry import SAMPLES
from mangum._sources.samples import aliases_of, canonical_name, sample_event
from mangum.exceptions import MangumError
from mangum.types import ASGI, LambdaEvent

if TYPE_CHECKING:
    from mangum.adapter import Mangum

PROG = "python -m mangum"


class CliError(Exception):
    """A problem reported as one line on stderr; ``status`` is the exit status."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, raised rather than printed with the usage."""

    def error(self, message: str) -> NoReturn:
        raise CliError(f"{message} (see {self.prog} --help)", status=2)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Run ASGI apps on Lambda events locally.")
    parser.add_argument("--version", action="version", version=f"mangum {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    invoke = commands.add_parser("invoke", help="run one event through Mangum(app) and print the result")
    invoke.add_argument("app", metavar="MODULE:APP", help="the ASGI app, e.g. examples.app:app")
    invoke.add_argument(
        "--event", required=True, metavar="FILE", help="the event as a JSON file ('-': stdin)"
    )
    invoke.add_argument("--lifespan", choices=("auto", "on", "off"), default="auto", help="lifespan mode")
    invoke.add_argument("--base-path", metavar="PATH", help="api_gateway_base_path")
    invoke.add_argument(
        "--text-mime-type",
        action="append",
        metavar="TYPE",
        help="a content type sent as text, added to the defaults (text_mime_types; repeatable)",
    )
    invoke.add_argument(
        "--exclude-header",
        action="append",
        metavar="NAME",
        help="a response header never returned (exclude_headers; repeatable)",
    )
    invoke.add_argument(
        "--log-level", choices=("DEBUG", "INFO", "WARNING", "ERROR"), default="WARNING", help="log level"
    )

    event = commands.add_parser("event", help="print a fresh sample event of a source")
    event.add_argument(
        "source", type=canonical_name, choices=sorted(SAMPLES), metavar="SAMPLE", help=aliases_of(SAMPLES)
    )
    event.add_argument("--method", default="GET", help="HTTP method (default GET)")
    event.add_argument("--path", default="/", help="path, with an optional ?query (default /)")
    event.add_argument(
        "--body",
        help="request body (text); its content type is JSON's when it parses as JSON, else text/plain",
    )
    event.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="a request header, as curl takes it (repeatable; a Content-Type given here wins)",
    )

    commands.add_parser("websocket", help="WebSocket table commands (see: websocket --help)", add_help=False)
    commands.add_parser("serve", help="a local API Gateway and Lambda (see: serve --help)", add_help=False)
    return parser


def load_app(reference: str) -> ASGI:
    """The object named by ``MODULE:ATTRIBUTE`` (the attribute may be dotted)."""
    module_name, colon, attribute = reference.partition(":")
    if not colon or not module_name or not attribute:
        raise CliError(f"expected MODULE:APP, e.g. examples.app:app, not {reference!r}", status=2)
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        target: object = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name is not None and module_name.startswith(error.name):
            raise CliError(f"cannot import {module_name!r}: no module named {error.name!r}") from None
        raise CliError(_import_failure(module_name, error)) from None
    except Exception as error:
        raise CliError(_import_failure(module_name, error)) from None
    for part in attribute.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise CliError(f"{module_name!r} has no attribute {attribute!r}") from None
    if not callable(target):
        raise CliError(f"{reference} is a {type(target).__name__}, not an ASGI application")
    from mangum.adapter import Mangum

    if isinstance(target, Mangum):
        raise CliError(
            f"{reference} is a Mangum handler, not an ASGI application: invoke wraps the app in Mangum "
            f"itself, so give the app ({_app_reference(module_name, target)})"
        )
    return target


def _import_failure(module_name: str, error: Exception) -> str:
    """One line for a module that raised while importing: the error, and the file and line where it
    was raised (the deepest frame outside the import machinery; a syntax error names its own)."""
    place = ""
    frames = [
        frame for frame in traceback.extract_tb(error.__traceback__) if not frame.filename.startswith("<")
    ]
    if frames and not isinstance(error, SyntaxError):
        filename = frames[-1].filename
        if Path(filename).is_relative_to(os.getcwd()):
            filename = os.path.relpath(filename)
        place = f" ({filename}, line {frames[-1].lineno})"
    return f"importing {module_name!r} failed: {type(error).__name__}: {error}{place}"


def _app_reference(module_name: str, handler: Mangum) -> str:
    """``MODULE:NAME`` of the app ``handler`` wraps when the module holds it under a name, else a hint."""
    module = sys.modules[module_name]
    for name, value in vars(module).items():
        if value is handler.app and not name.startswith("_"):
            return f"{module_name}:{name}"
    return f"{module_name}:APP, where APP is what Mangum(...) was given"


def load_event(path: str) -> LambdaEvent:
    """The event in a JSON file (``-``: stdin); it must be a JSON object."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text()
    except OSError as error:
        raise CliError(f"cannot read event file {path!r}: {error.strerror}") from None
    try:
        event = json.loads(text)
    except json.JSONDecodeError as error:
        raise CliError(f"event file {path!r} is not valid JSON: {error}") from None
    if not isinstance(event, dict):
        raise CliError(f"event file {path!r} holds a JSON {type(event).__name__}, not an object")
    return event


def _invoke(arguments: argparse.Namespace) -> int:
    from mangum.adapter import Mangum
    from mangum.local_context import LocalContext

    logging.basicConfig(level=arguments.log_level, format="%(levelname)s %(name)s: %(message)s")
    app = load_app(arguments.app)
    event = load_event(arguments.event)
    handler = Mangum(
        app,
        lifespan=arguments.lifespan,
        api_gateway_base_path=arguments.base_path,
        text_mime_types=arguments.text_mime_type,
        exclude_headers=arguments.exclude_header,
    )
    result = handler(event, LocalContext())
    print(json.dumps(result, indent=2))
    return 0


def parse_header(text: str) -> tuple[str, str]:
    """``"Name: value"`` (as curl's ``-H`` takes it) as a (name, value) pair."""
    name, colon, value = text.partition(":")
    name = name.strip()
    if not colon or not name or any(char.isspace() for char in name):
        raise CliError(f"expected --header 'NAME: VALUE', not {text!r}", status=2)
    return name, value.strip()


def _event(arguments: argparse.Namespace) -> int:
    headers = [parse_header(text) for text in arguments.header]
    event = sample_event(
        arguments.source, method=arguments.method, path=arguments.path, body=arguments.body, headers=headers
    )
    print(json.dumps(event, indent=2))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["websocket"]:
        from mangum.websocket.cli import main as websocket_main

        return websocket_main(args[1:])
    if args[:1] == ["serve"]:
        from mangum.local.cli import main as serve_main

        return serve_main(args[1:])
    try:
        arguments = _parser().parse_args(args)
        return _invoke(arguments) if arguments.command == "invoke" else _event(arguments)
    except CliError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return error.status
    except MangumError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, and keep Python's final flush from failing.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
