"""``python -m mangum serve MODULE:ATTR``: API Gateway (REST or HTTP API), an ALB or a Function URL,
and a WebSocket API, on this machine, in front of the Lambda handler ``MODULE:ATTR`` (a ``Mangum``
instance or any ``handler(event, context)``; an ASGI app is served as ``Mangum(app)``, see
:mod:`mangum.local.handler_target`) running in worker processes.

Needs the ``local`` extra (``pip install 'mangum[local]'``: uvicorn, websockets, boto3); without it
the command says so and exits with status 1. See the docs page "Local development".
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack, suppress
from dataclasses import replace
from importlib.util import find_spec
from pathlib import Path
from typing import NoReturn

from mangum._sources.samples import aliases_of, canonical_name
from mangum.local import authorizers
from mangum.local.authorizers import AuthorizerSettings
from mangum.local.handler_target import NotAHandler, Target, find_target
from mangum.local.management_key import is_loopback, management_key
from mangum.local.serve_config import (
    API_GATEWAY_TIMEOUT,
    DEFAULT_STAGES,
    IDLE_TIMEOUT,
    LAMBDA_MAX_TIMEOUT,
    MAX_CONNECTION_DURATION,
    SOURCE_NAMES,
    ServeConfig,
)
from mangum.runtime.leaks import MAX_LEAKED_THREADS_VARIABLE

PROG = "python -m mangum serve"
INSTALL_HINT = "the 'local' extra is not installed: pip install 'mangum[local]'"
WEBSOCKET_MAX_MESSAGE = 128 * 1024
"""API Gateway's largest WebSocket message (bytes)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
    return value


def _count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {text}")
    return value


def parser() -> argparse.ArgumentParser:
    """The ``serve`` command line."""
    command = _Parser(
        prog=PROG,
        description="Run a Lambda handler behind a local API Gateway / ALB / Function URL and WebSocket API.",
    )
    command.add_argument(
        "handler",
        metavar="MODULE:ATTR",
        help="the Lambda handler, e.g. app:handler, or an ASGI app (served as Mangum(app))",
    )
    command.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    command.add_argument(
        "--port", type=int, default=3000, help="port to listen on (default 3000; 0: any free)"
    )
    command.add_argument(
        "--source",
        type=canonical_name,
        choices=sorted(SOURCE_NAMES),
        default="api_gateway_v1",
        metavar="SOURCE",
        help=f"the service in front: {aliases_of(SOURCE_NAMES)} (default api_gateway_v1)",
    )
    command.add_argument(
        "--stage", help="the API stage, in URLs as on AWS (default prod for rest, $default otherwise)"
    )
    command.add_argument(
        "--timeout",
        type=_positive,
        help=f"seconds an invocation may take (default {API_GATEWAY_TIMEOUT:g} for rest/http, "
        f"{LAMBDA_MAX_TIMEOUT:g} for alb/url)",
    )
    command.add_argument(
        "--invoke-mode",
        choices=("BUFFERED", "RESPONSE_STREAM"),
        default="BUFFERED",
        help="Lambda invoke mode",
    )
    command.add_argument("--workers", type=_count, default=1, help="warm containers (default 1)")
    command.add_argument(
        "--max-concurrency",
        type=_count,
        metavar="N",
        help="Lambda Managed Instances: each worker takes up to N invocations at once "
        "(AWS_LAMBDA_MAX_CONCURRENCY; default: one at a time)",
    )
    command.add_argument("--memory", type=_count, default=128, help="the function's memory size in MB")
    command.add_argument(
        "--idle-timeout", type=_positive, default=IDLE_TIMEOUT, help="WebSocket idle limit, s (600)"
    )
    command.add_argument(
        "--max-connection-duration",
        type=_positive,
        default=MAX_CONNECTION_DURATION,
        help="WebSocket connection limit, s (7200)",
    )
    command.add_argument(
        "--connections-db",
        metavar="FILE",
        help="SQLite file of WebSocket connections (default: a temporary one; with "
        "MANGUM_WEBSOCKET_TABLE set, DynamoDB is used instead)",
    )
    command.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a name clients may use in Host besides 127.0.0.1, localhost, [::1] and --host (repeatable); "
        "requests for other names get 421, against DNS rebinding",
    )
    command.add_argument(
        "--max-leaked-threads",
        type=int,
        metavar="N",
        help="replace a worker once timed-out invocations left N threads running in it "
        "(MANGUM_MAX_LEAKED_THREADS; default 10, 0: never)",
    )
    command.add_argument(
        "--management-key",
        metavar="KEY",
        help="the Management API's shared secret (X-Mangum-Management-Key header, or the access key id "
        "of a SigV4 signature); default: $MANGUM_SERVE_MANAGEMENT_KEY, else a random one printed at "
        "startup when --host is beyond loopback; 'none' turns it off",
    )
    command.add_argument(
        "--log-level", choices=("debug", "info", "warning", "error"), default="info", help="server log level"
    )
    command.add_argument(
        "--reload",
        action="store_true",
        help="watch the Python files under the current directory and replace the workers on a change",
    )
    authorizers.add_arguments(command)
    return command


def lambda_handler_name(reference: str) -> str:
    """``MODULE:ATTR`` as ``_HANDLER`` (``module.attr``); raises :class:`ValueError` when malformed."""
    module, colon, attribute = reference.partition(":")
    if not colon:
        module, _, attribute = reference.rpartition(".")
    if not module or not attribute or "." in attribute or ":" in attribute:
        raise ValueError(f"expected MODULE:ATTR (e.g. app:handler), not {reference!r}")
    return f"{module}.{attribute}"


def worker_environment(config: ServeConfig, sqlite_path: str | None) -> dict[str, str]:
    """The variables ``serve`` adds for its workers: the invoke mode, where the Management API and
    the connection store are, and placeholder credentials when there are none (boto3 signs every
    request; the local gateway checks only the access key id, against the management key)."""
    environment = {
        "MANGUM_INVOKE_MODE": config.invoke_mode,
        "MANGUM_WEBSOCKET_API_ENDPOINT": config.management_endpoint,
        "AWS_REGION": os.environ.get("AWS_REGION", "us-east-1"),
    }
    if sqlite_path is not None:
        environment["MANGUM_WEBSOCKET_SQLITE"] = sqlite_path
    if config.max_leaked_threads is not None:
        environment[MAX_LEAKED_THREADS_VARIABLE] = str(config.max_leaked_threads)
    if not any(name in os.environ for name in ("AWS_ACCESS_KEY_ID", "AWS_PROFILE")):
        # With a management key, the workers' SigV4 signatures carry it as their access key id.
        environment |= {
            "AWS_ACCESS_KEY_ID": config.management_key or "local",
            "AWS_SECRET_ACCESS_KEY": "local",
        }
    return environment


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (0: any free port).

    Made with protocol ``IPPROTO_TCP`` and ``TCP_NODELAY``: asyncio sets ``TCP_NODELAY`` only on
    connections of such a socket, and without it a response sent in two writes (head, then body)
    waits for the client's delayed ACK on a kept-alive connection (about 40 ms).
    """
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP, flags=socket.AI_PASSIVE
    )[0]
    listener = socket.socket(family, kind, proto)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        listener.bind(address)
        listener.listen(2048)
    except OSError:
        listener.close()
        raise
    return listener


def exposure_warning(config: ServeConfig) -> str:
    """What ``serve`` says when it listens beyond this machine."""
    return (
        f"WARNING: listening on {config.host}, beyond loopback: other machines can call the function "
        "and, with the management key, its Management API (add --allow-host for the names they use); "
        f"the inspector (http://{config.authority}/_mangum/) lets anyone with the key read every event "
        "and result and post to or drop WebSocket connections"
    )


_SHUTDOWN_CHATTER = frozenset(
    {"Waiting for application shutdown.", "Application shutdown complete.", "Finished server process [%d]"}
)


class _QuietShutdown(logging.Filter):
    """Ctrl-C prints uvicorn's "Shutting down" and nothing more of its own: the rest of its shutdown
    lines say what every stop does (the workers' lifespan shutdown still runs; its errors still show)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno == logging.INFO and record.msg in _SHUTDOWN_CHATTER)


def startup_notes(config: ServeConfig, reference: str, target: Target) -> list[str]:
    """What ``serve`` says at startup besides the banner: how it serves what it was given, and the
    options that will not do what they seem to."""
    notes = []
    if target.kind == "asgi":
        app = reference.partition(":")[2] or reference
        notes.append(f"{reference} is an ASGI app: serving Mangum({app}) with default options")
    if (
        config.source == "api_gateway_v2"
        and config.stage_prefix
        and target.kind in ("mangum", "asgi")
        and target.base_path != config.stage_prefix
    ):
        has = f'sets "{target.base_path}" instead' if target.base_path else "does not set"
        notes.append(
            f"note: an HTTP API passes the stage in the path ({config.stage_prefix}/...), so the app's "
            f'routes match only with Mangum(app, api_gateway_base_path="{config.stage_prefix}"), which '
            f"{reference} {has} (or leave out --stage)"
        )
    if config.invoke_mode == "RESPONSE_STREAM" and not config.streams:
        notes.append(
            f"warning: --invoke-mode RESPONSE_STREAM: an {SOURCE_NAMES[config.source]} cannot stream, "
            "so its answers are buffered (Function URLs and REST APIs stream: --source url or rest)"
        )
    return [f"mangum serve: {note}" for note in notes]


def _banner(
    config: ServeConfig,
    handler: str,
    store: str,
    authorizer: AuthorizerSettings | None = None,
    reload: bool = False,
) -> str:
    key = "" if config.management_key is None else f"#key={config.management_key}"
    lines = [
        f"mangum serve: {handler} behind a local {SOURCE_NAMES[config.source]} "
        f"({config.workers} worker{'s' if config.workers > 1 else ''}, timeout {config.timeout:g} s, "
        f"{config.invoke_mode})",
        f"  HTTP            {config.base_url}/",
        f"  WebSocket       {config.websocket_url}",
        f"  Management API  {config.management_endpoint}/@connections/{{connectionId}}",
        f"  Connections     {store}",
        f"  Inspector       http://{config.authority}/_mangum/{key}",
    ]
    if authorizer is not None:
        lines.append(f"  Authorizer      {authorizer.describe(config.source)}")
    if reload:
        lines.append(f"  Reload          watching the Python files under {os.getcwd()}")
    if config.management_key is not None:
        lines.append(f"  Management key  {config.management_key} (X-Mangum-Management-Key header)")
    if not is_loopback(config.host):
        lines.append(exposure_warning(config))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``serve`` until interrupted; the exit status."""
    arguments = parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    needed = ("uvicorn", "websockets") + (("watchfiles",) if arguments.reload else ())
    if any(find_spec(name) is None for name in needed):
        print(f"{PROG}: error: {INSTALL_HINT}", file=sys.stderr)
        return 1
    try:
        handler = lambda_handler_name(arguments.handler)
        authorizer = authorizers.settings_from(
            arguments,
            arguments.source,
            lambda_handler_name(arguments.authorizer) if arguments.authorizer else "",
        )
    except ValueError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    try:
        target = find_target(arguments.handler, handler, os.getcwd())
    except NotAHandler as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 1
    import uvicorn

    from mangum.local import log_redaction
    from mangum.local.authorizers import LocalAuthorizer
    from mangum.local.gateway import Gateway
    from mangum.local.http_protocol import http_protocol
    from mangum.local.websocket_protocol import GatewayWebSocketProtocol
    from mangum.local.workers import WorkerSettings
    from mangum.websocket.settings import redaction_from_environment

    source = arguments.source
    timeout = arguments.timeout or (
        API_GATEWAY_TIMEOUT if source in ("api_gateway_v1", "api_gateway_v2") else LAMBDA_MAX_TIMEOUT
    )
    try:
        listener = listen(arguments.host, arguments.port)
    except OSError as error:
        print(
            f"{PROG}: error: cannot listen on {arguments.host}:{arguments.port}: {error.strerror or error}",
            file=sys.stderr,
        )
        return 1
    config = ServeConfig(
        handler=handler,
        host=arguments.host,
        port=listener.getsockname()[1],
        source=source,
        stage=arguments.stage or DEFAULT_STAGES[source],
        timeout=timeout,
        invoke_mode=arguments.invoke_mode,
        workers=arguments.workers,
        idle_timeout=arguments.idle_timeout,
        max_connection_duration=arguments.max_connection_duration,
        memory_mb=arguments.memory,
        allowed_hosts=tuple(arguments.allow_host),
        management_key=management_key(arguments.management_key, arguments.host, os.environ),
        max_leaked_threads=arguments.max_leaked_threads,
    )
    with ExitStack() as cleanup:
        cleanup.callback(listener.close)
        sqlite_path: str | None = None
        if "MANGUM_WEBSOCKET_TABLE" in os.environ:
            store = f"DynamoDB table {os.environ['MANGUM_WEBSOCKET_TABLE']}"
        else:
            folder = cleanup.enter_context(tempfile.TemporaryDirectory(prefix="mangum-serve-"))
            sqlite_path = arguments.connections_db or str(Path(folder) / "connections.db")
            store = f"SQLite {sqlite_path}"
        workers = WorkerSettings(
            handler=target.handler,
            task_root=os.getcwd(),
            workers=config.workers,
            timeout=config.timeout,
            memory_mb=config.memory_mb,
            environment=worker_environment(config, sqlite_path) | target.environment,
            max_concurrency=arguments.max_concurrency,
        )
        # The authorizer is a plain handler of its own: one worker, one invocation at a time.
        authorizer_workers = replace(
            workers,
            handler=authorizer.handler if authorizer else "",
            workers=1,
            environment=worker_environment(config, sqlite_path),
            max_concurrency=None,
            label="authorizer",
        )
        local_authorizer = None if authorizer is None else LocalAuthorizer(authorizer, authorizer_workers)
        print(_banner(config, arguments.handler, store, authorizer, arguments.reload), flush=True)
        for note in startup_notes(config, arguments.handler, target):
            print(note, flush=True)
        logging.basicConfig(level=arguments.log_level.upper(), format="%(levelname)-9s %(name)s: %(message)s")
        logging.getLogger("uvicorn.error").addFilter(_QuietShutdown())
        server = uvicorn.Server(
            uvicorn.Config(
                Gateway(config, workers, local_authorizer, reload=arguments.reload),
                lifespan="on",
                # httptools with h11's 16 KB limit on a header section (h11 without httptools).
                http=http_protocol(),
                ws=GatewayWebSocketProtocol,
                server_header=False,
                ws_max_size=WEBSOCKET_MAX_MESSAGE,
                log_level=arguments.log_level,
                timeout_graceful_shutdown=5,
            )
        )
        # After uvicorn.Config, which configures uvicorn's loggers.
        log_redaction.install(redaction_from_environment())
        # uvicorn raises the Ctrl-C it caught again once it has stopped (the lifespan shutdown has
        # run by then): nothing is left to do, and a traceback would only alarm.
        with suppress(KeyboardInterrupt):
            server.run(sockets=[listener])
    return 0
