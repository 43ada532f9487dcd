"""``python -m mangum websocket create-table NAME``: create the connections table."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from mangum.exceptions import ConfigurationError
from mangum.websocket.errors import StoreError, TableExists
from mangum.websocket.settings import DYNAMODB_ENDPOINT_VARIABLE, websocket_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mangum websocket", description="Manage the DynamoDB table of WebSocket connections."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    create = commands.add_parser(
        "create-table",
        help="create a connections table (keys, on-demand billing, TTL) and wait until it is active",
    )
    create.add_argument("name", help="the table's name")
    create.add_argument(
        "--endpoint-url",
        help=f"DynamoDB endpoint, e.g. a local server (default: {DYNAMODB_ENDPOINT_VARIABLE})",
    )
    create.add_argument("--region", help="AWS region (default: AWS_REGION)")
    return parser


@contextmanager
def _without_warnings(logger: logging.Logger) -> Iterator[None]:
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def main(argv: Sequence[str]) -> int:
    """Run one ``websocket`` subcommand; returns the process exit status (0 when done, 1 when AWS
    refused, 2 for bad arguments or configuration)."""
    try:
        arguments = _parser().parse_args(argv)
    except SystemExit as stop:  # argparse exits on --help and on bad arguments
        return stop.code if isinstance(stop.code, int) else 2
    try:
        settings = websocket_settings(
            table=arguments.name, dynamodb_endpoint=arguments.endpoint_url, region=arguments.region
        )
        from mangum.websocket.stores.dynamodb_table import (
            create_table,  # imports boto3: only now that it is needed
        )

        # The outcome is printed below, TTL included: the library's own warning would say it twice.
        with _without_warnings(logging.getLogger("mangum.websocket")):
            created = create_table(arguments.name, settings)
    except ConfigurationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as error:
        print(f"error: {error.name} is not installed: pip install 'mangum[full]'", file=sys.stderr)
        return 2
    except TableExists as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except StoreError as error:
        cause = f" ({error.__cause__})" if error.__cause__ else ""
        print(f"error: {error}{cause}", file=sys.stderr)
        return 1
    ttl = "TTL on attribute 'ttl'" if created.ttl_enabled else "TTL not supported by this server"
    print(f"created table {created.name} ({ttl})")
    return 0
