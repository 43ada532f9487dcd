"""What the fuzz run (:mod:`tests.fuzz.events`) invokes and how it judges each answer.

The real sample events are every HTTP and WebSocket file under ``tests/fixtures/events`` and one
event of each of ``python -m mangum event``'s samples (:data:`mangum._sources.registry.SAMPLES`).
Each is served by three real ``Mangum`` handlers, around :func:`~tests.fuzz.apps.starlette_echo`
and :func:`~tests.fuzz.apps.bare_echo`, the third one streaming
(:func:`~tests.fuzz.kinds.streamed`). The events of the functions beside an API go to the
handlers of :mod:`tests.fuzz.kinds`. WebSocket connections are kept in the embedded SQLite
store (one file per handler, in a temporary directory) and frames are posted to the test suite's
loopback Management API. Before a WebSocket event its connection is made clean: disconnected, then
(for a MESSAGE or DISCONNECT) connected again, by unmutated events whose answers must be 200.

An answer is *ok* when it is a result the Lambda runtime can send (JSON that encodes as UTF-8)
and that the response model of the event's source accepts strictly (an ALB result has exactly one
of ``headers`` and ``multiValueHeaders``; a 200 from the echo carries the echo's JSON, whole).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import JsonValue, ValidationError

from mangum import Mangum
from mangum._sources.registry import BY_NAME, SAMPLES, detect
from mangum._sources.samples import sample_event
from mangum.config import InvokeMode
from mangum.exceptions import UnsupportedEvent
from mangum.local_context import LocalContext
from mangum.responses import LambdaResponse, WebSocketResponse
from mangum.types import ASGI, LambdaEvent
from mangum.websocket.settings import websocket_settings
from tests.fuzz.apps import bare_echo, starlette_echo
from tests.fuzz.kinds import Invoke, beside_events, beside_handlers, streamed
from tests.support.adapter import RESPONSE_MODEL, body_of, status_of
from tests.support.event_files import EVENTS_DIR, all_sample_paths
from tests.support.servers.management_api import ManagementApiServer, running_management_api

if TYPE_CHECKING:
    from mangum._sources.registry import SourceName

TIMEOUT_MS = 3000
"""The Lambda timeout of every invocation's context: a real deadline, 2.5 s for the app after
mangum's default margin."""


def base_events() -> list[tuple[str, str]]:
    """Every real sample event, as (where it comes from, its JSON text)."""
    files = [(path.relative_to(EVENTS_DIR).as_posix(), path.read_text()) for path in all_sample_paths()]
    return [*files, *((f"sample {name}", json.dumps(sample_event(name))) for name in SAMPLES)]


def source_of(event: JsonValue) -> SourceName | None:
    """The source ``detect`` finds for the event, ``None`` when it finds none."""
    try:
        return detect(event).name
    except UnsupportedEvent:
        return None


def with_connection_id(event: LambdaEvent, connection_id: str) -> str:
    """A sample WebSocket event's JSON text, for the given connection."""
    event["requestContext"]["connectionId"] = connection_id
    return json.dumps(event)


class Harness:
    """The handlers, the samples and the Management API of one fuzz run."""

    def __init__(self, directory: Path, server: ManagementApiServer) -> None:
        self.server = server
        self.bases = base_events()
        self.contexts: list[tuple[str, JsonValue]] = [
            (origin, loaded["requestContext"])
            for origin, text in self.bases
            if isinstance(loaded := json.loads(text), dict) and "requestContext" in loaded
        ]
        echoes: tuple[tuple[str, ASGI, InvokeMode], ...] = (
            ("starlette", starlette_echo(), "BUFFERED"),
            ("bare", bare_echo, "BUFFERED"),
            ("stream", starlette_echo(), "RESPONSE_STREAM"),
        )
        handlers = {
            name: Mangum(
                app,
                websocket=websocket_settings(
                    sqlite_path=str(directory / f"{name}.sqlite"),
                    region="us-east-1",
                    api_endpoint=server.endpoint("prod"),
                ),
                invoke_mode=mode,
            )
            for name, app, mode in echoes
        }
        self.handlers: dict[str, Invoke] = {**handlers, "stream": streamed(handlers["stream"])}
        self.beside_bases = beside_events()
        """The events of the functions beside an API, served by :attr:`beside_handlers`."""
        self.beside_handlers = beside_handlers()
        self.setups = 0
        # (connection id, the clean DISCONNECT, the clean CONNECT or None) of each WebSocket sample.
        self._cleaning: dict[str, tuple[str, str, str | None]] = {}
        for origin, text in self.bases:
            event = json.loads(text)
            if source_of(event) == "websocket":
                connection_id = event["requestContext"]["connectionId"]
                disconnect = with_connection_id(sample_event("websocket_disconnect"), connection_id)
                connect = None
                if event["requestContext"].get("eventType") != "CONNECT":
                    connect = with_connection_id(sample_event("websocket_connect"), connection_id)
                self._cleaning[origin] = (connection_id, disconnect, connect)

    def prepare(self, origin: str, handler: Invoke) -> str | None:
        """Make a WebSocket sample's connection clean; what went wrong, ``None`` when nothing did."""
        cleaning = self._cleaning.get(origin)
        if cleaning is None:
            return None
        connection_id, *events = cleaning
        self.server.state.open(connection_id)
        for text in events:
            if text is None:
                continue
            self.setups += 1
            answer = handler(json.loads(text), LocalContext(timeout_ms=TIMEOUT_MS))
            if not isinstance(answer, dict) or answer.get("statusCode") != 200:
                return f"the clean {json.loads(text)['requestContext']['eventType']} answered {answer}"
        return None


@contextmanager
def running_harness() -> Iterator[Harness]:
    """A harness with its Management API and SQLite files, until the block exits."""
    with tempfile.TemporaryDirectory() as directory, running_management_api() as server:
        yield Harness(Path(directory), server)


def response_model(source: SourceName) -> type[LambdaResponse]:
    """The model of the results a source's events are answered with."""
    if source == "websocket":
        return WebSocketResponse
    return RESPONSE_MODEL[BY_NAME[source].model.rpartition(":")[2]]


def verdict(source: SourceName | None, result: object) -> str | None:
    """What is wrong with a handler's result for an event of ``source``; ``None`` when nothing is."""
    problem = beside_verdict(result)
    if problem is not None:
        return problem
    if source is None:
        return "a result for an event no source detects"
    model = response_model(source)
    try:
        model.model_validate(result, strict=True)
    except ValidationError as error:
        return f"not a valid {model.__name__}: {error}"
    assert isinstance(result, dict)
    if source == "alb" and ("headers" in result) == ("multiValueHeaders" in result):
        return "an ALB result with both or neither of headers and multiValueHeaders"
    return None if source == "websocket" else echo_problem(result)


def beside_verdict(result: object) -> str | None:
    """What is wrong with the result of a handler beside an API: it must be JSON the runtime can send."""
    try:
        json.dumps(result, ensure_ascii=False, allow_nan=False).encode()
    except (TypeError, ValueError) as error:
        return f"the result is not JSON the runtime can send: {error}"
    return None


def echo_problem(result: Mapping[str, object]) -> str | None:
    """What is wrong with the body of a 200 (the echo's answer): it must be the echo's whole JSON."""
    if status_of(result) != 200 or not result.get("body"):
        return None
    try:
        echoed = json.loads(body_of(result))
    except ValueError as error:
        return f"the echo's body did not come back whole: {error}"
    return None if isinstance(echoed, dict) and "method" in echoed else "the echo's body is not its JSON"
