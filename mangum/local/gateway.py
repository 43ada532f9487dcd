"""The local gateway: an ASGI application (served by uvicorn) standing in for API Gateway, an ALB or a
Function URL, with the function in worker processes (:mod:`mangum.local.workers`).

- lifespan: the workers start with the server and get SIGTERM when it stops;
- a request whose ``Host`` is not one of the server's names is refused (:mod:`mangum.local.host_guard`);
- HTTP: each request becomes the source's event (:mod:`mangum.local.events`), is invoked on a
  worker, and its result becomes the response (:mod:`mangum.local.results`); with
  ``--invoke-mode RESPONSE_STREAM`` a streamed answer is passed on chunk by chunk as it arrives;
- ``/{stage}/@connections/{id}``: the WebSocket API's Management API, and WebSocket upgrades to
  the stage: the WebSocket API (:mod:`mangum.local.websocket_gateway`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from typing import TYPE_CHECKING
from urllib.parse import unquote

from mangum.local.asgi_io import RequestTooLarge, read_body, respond
from mangum.local.authorizers import LocalAuthorizer
from mangum.local.events import BUILDERS, GatewayRequest
from mangum.local.host_guard import HostGuard
from mangum.local.http_integration import IntegrationResponseReader, PreludeError
from mangum.local.inspector import PREFIX as INSPECTOR, Inspector, InvocationRecord
from mangum.local.invocations import Chunk, Invocation
from mangum.local.management_key import KEY_HEADER, ManagementGuard
from mangum.local.reload import SERVICE_RESTART, Reloader
from mangum.local.results import (
    ALB_RESPONSE_LIMIT,
    INVOKE_PAYLOAD_LIMIT,
    REQUEST_LIMITS,
    HttpAnswer,
    MalformedResult,
    fault,
    http_answer,
    stream_head,
)
from mangum.local.serve_config import ServeConfig
from mangum.local.websocket_gateway import WebSocketGateway, management_target
from mangum.local.workers import Outcome, WorkerPool, WorkerSettings

if TYPE_CHECKING:
    from mangum.types import Receive, Scope, Send

logger = logging.getLogger("mangum.serve")

MISSING_TOKEN = HttpAnswer(
    403,
    [(b"content-type", b"application/json"), (b"x-amzn-errortype", b"MissingAuthenticationTokenException")],
    b'{"message":"Missing Authentication Token"}',
)
"""API Gateway's answer to a request without the credentials it needs."""


_REQUEST_ID_HEADERS = {
    "api_gateway_v1": b"x-amzn-requestid",
    "api_gateway_v2": b"apigw-requestid",
    "function_url": b"x-amzn-requestid",
}
"""The header each service names its request id in, on every answer (ALB has none)."""


class Gateway:
    """The ASGI application of ``serve`` (see the module docs)."""

    def __init__(
        self,
        config: ServeConfig,
        workers: WorkerSettings,
        authorizer: LocalAuthorizer | None = None,
        *,
        reload: bool = False,
    ) -> None:
        self.config = config
        self.pool = WorkerPool(workers)
        self.authorizer = authorizer
        self.websockets = WebSocketGateway(config, self.pool, authorizer)
        self.hosts = HostGuard(config.host, config.allowed_hosts)
        signing_id = os.environ.get("AWS_ACCESS_KEY_ID")
        self.management_guard = ManagementGuard(config.management_key, [signing_id] if signing_id else [])
        self.reloader = Reloader(workers.task_root, self._reload) if reload else None
        # The inspector's actions go through the Management API as a client would: to the host the
        # guard allows, with the key it asks for.
        credentials = [] if config.management_key is None else [(KEY_HEADER, config.management_key.encode())]
        self.inspector = Inspector(
            self.websockets,
            config.stage_prefix,
            self,
            [(b"host", config.authority.encode()), *credentials],
            config.management_key,
        )
        self.websockets.on_invocation = self.inspector.record_outcome
        for pool in [self.pool] + ([] if authorizer is None else [authorizer.pool]):
            pool.on_output = self.inspector.log

    async def _reload(self, changed: list[str]) -> None:
        """``--reload``: new workers for the changed code; WebSocket clients are told (1012)."""
        await self.websockets.close_all(SERVICE_RESTART)
        pools = [self.pool] + ([] if self.authorizer is None else [self.authorizer.pool])
        await asyncio.gather(*(pool.renew() for pool in pools))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and not self.hosts.allows(scope):
            await self.hosts.refuse(scope, receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self.websockets.serve(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.pool.start()
                if self.authorizer is not None:
                    self.authorizer.pool.start()
                if self.reloader is not None:
                    self.reloader.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.reloader is not None:
                    await self.reloader.stop()
                await self.websockets.close_all()
                await self.pool.stop()
                if self.authorizer is not None:
                    await self.authorizer.pool.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        config = self.config
        raw_path = scope.get("raw_path") or scope["path"].encode()
        raw = raw_path.decode("latin-1")
        if raw == INSPECTOR or raw.startswith(INSPECTOR + "/"):
            await self.inspector.serve(scope, receive, send, raw.removeprefix(INSPECTOR))
            return
        connection_id = management_target(raw, config.stage_prefix)
        if connection_id is not None:
            if self.management_guard.allows(scope["headers"]):
                await self.websockets.management(scope, connection_id, receive, send)
            else:
                logger.warning("refused a Management API request without the management key")
                await respond(send, MISSING_TOKEN)
            return
        prefix = config.http_prefix
        if prefix and not (raw == prefix or raw.startswith(prefix + "/")):
            answer = self._outside_stage()
            logger.warning(
                "%s %s is outside the stage: %d, as on AWS; the URL is %s%s%s, or %s",
                scope["method"],
                raw,
                answer.status,
                config.base_url,
                raw,
                f"?{scope['query_string'].decode('latin-1')}" if scope.get("query_string") else "",
                "use --source http for URLs without a stage"
                if config.source == "api_gateway_v1"
                else "leave out --stage for URLs without one",
            )
            await respond(send, answer)
            return
        try:
            body = await read_body(receive, REQUEST_LIMITS[config.source])
        except RequestTooLarge:
            await respond(send, fault(config.source, "request_too_large"))
            return
        request = self._request(scope, raw, body)
        trace = self._service_headers(request.request_id)
        fields = BUILDERS[config.source](request, config.stage, config.api_id)
        decision = None
        if self.authorizer is not None:
            started = time.monotonic()
            decision = await self.authorizer.request(config.source, request, fields)
            if decision.refusal is not None:
                refusal = decision.refusal
                await respond(send, HttpAnswer(refusal.status, refusal.headers + trace, refusal.body))
                self.inspector.record(
                    InvocationRecord(
                        config.source,
                        request.method,
                        request.raw_path,
                        refusal.status,
                        (time.monotonic() - started) * 1000,
                        "",
                        error="refused by the authorizer",
                        authorizer=decision.summary(),
                    )
                )
                return
            fields["requestContext"]["authorizer"] = decision.context
        event = json.dumps(fields).encode()
        if len(event) > INVOKE_PAYLOAD_LIMIT:
            logger.error(
                "the event is %d bytes: Lambda refuses events over %d", len(event), INVOKE_PAYLOAD_LIMIT
            )
            await respond(send, fault(config.source, "invoke_rejected"))
            return
        started = time.monotonic()
        if config.streams:
            outcome, status = await self._streamed(event, receive, send, trace)
        else:
            outcome = await self.pool.invoke(event)
            answer = self._answer(outcome)
            status = answer.status
            await respond(send, HttpAnswer(status, answer.headers + trace, answer.body))
        authorized = None if decision is None else decision.summary()
        self.inspector.record_outcome(
            config.source, request.method, request.raw_path, status, event, outcome, started, authorized
        )

    def _service_headers(self, request_id: str) -> list[tuple[bytes, bytes]]:
        """The request id header the service adds to every answer."""
        found = _REQUEST_ID_HEADERS.get(self.config.source)
        return [] if found is None else [(found, request_id.encode())]

    def _outside_stage(self) -> HttpAnswer:
        # API Gateway answers a path outside every stage as a route that does not exist.
        status, message = (403, "Forbidden") if self.config.source == "api_gateway_v1" else (404, "Not Found")
        return HttpAnswer(
            status, [(b"content-type", b"application/json")], json.dumps({"message": message}).encode()
        )

    def _request(self, scope: Scope, raw: str, body: bytes) -> GatewayRequest:
        config = self.config
        headers = tuple(
            (name.decode("latin-1").lower(), value.decode("latin-1")) for name, value in scope["headers"]
        )
        if config.source == "api_gateway_v1":
            raw = raw.removeprefix(config.http_prefix) or "/"
        client = scope.get("client") or ("127.0.0.1", 0)
        host = next((value for name, value in headers if name == "host"), config.authority)
        return GatewayRequest(
            method=scope["method"],
            path=unquote(raw),
            raw_path=raw,
            query=scope.get("query_string", b"").decode("latin-1"),
            headers=headers,
            body=body,
            source_ip=client[0],
            host=host,
            port=config.port,
            protocol=f"HTTP/{scope.get('http_version', '1.1')}",
        )

    def _answer(self, outcome: Outcome) -> HttpAnswer:
        source = self.config.source
        result = outcome.result
        if outcome.ending == "timed_out":
            return fault(source, "timeout")
        if result is None or result.error is not None:
            if result is not None and result.error is not None:
                error = result.error
                logger.error(
                    "invocation %s failed: %s: %s", outcome.request_id, error.error_type, error.error_message
                )
            return fault(source, "function_error")
        if source == "alb" and len(result.body) > ALB_RESPONSE_LIMIT:
            logger.error(
                "the result is %d bytes: an ALB takes at most %d", len(result.body), ALB_RESPONSE_LIMIT
            )
            return fault(source, "function_error")
        try:
            return http_answer(source, result.json())
        except (MalformedResult, ValueError) as error:
            logger.error("malformed Lambda proxy response from %s: %s", outcome.request_id, error)
            return fault(source, "function_error")

    async def _streamed(
        self, event: bytes, receive: Receive, send: Send, trace: list[tuple[bytes, bytes]]
    ) -> tuple[Outcome, int | None]:
        """Invoke, passing the body on as the chunks arrive (see the module docs). A client that
        goes away first is logged, and the function's response stream is cut (its next write fails,
        and a Mangum app gets ``http.disconnect``) rather than left to run to its end. Returns the
        outcome and the status the client got (``None``: it left first)."""
        loop = asyncio.get_running_loop()
        arrivals: asyncio.Queue[Chunk] = asyncio.Queue()
        handed: list[Invocation] = []
        client_left = False

        def listener(chunk: Chunk) -> None:
            loop.call_soon_threadsafe(arrivals.put_nowait, chunk)

        def on_handed(enqueued: Invocation) -> None:
            handed.append(enqueued)
            if client_left:
                enqueued.abandon()

        invocation = asyncio.ensure_future(self.pool.invoke(event, listener=listener, enqueued=on_handed))
        # The body was read whole: the next message is the client's disconnect.
        gone = asyncio.ensure_future(receive())
        reader = IntegrationResponseReader()
        started = False
        failed = False
        status: int | None = None
        while not (invocation.done() and arrivals.empty()):
            arrival = asyncio.ensure_future(arrivals.get())
            waits = {arrival, invocation} if client_left else {arrival, invocation, gone}
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            if gone.done() and not client_left:
                client_left = True
                for enqueued in handed:
                    enqueued.abandon()
                logger.warning(
                    "the client left the streamed response of %s early: the function's stream is cut",
                    handed[0].request_id if handed else "an invocation not yet started",
                )
            if not arrival.done():
                arrival.cancel()
                continue
            try:
                data = reader.feed(arrival.result().data)
                if reader.prelude is not None and not started:
                    status, headers = stream_head(self.config.source, reader.prelude)
                    await send({"type": "http.response.start", "status": status, "headers": headers + trace})
                    started = True
            except (PreludeError, MalformedResult) as error:
                logger.error("malformed streamed response: %s", error)
                failed = True
                data = b""
            if data and started and not failed:
                await send({"type": "http.response.body", "body": data, "more_body": True})
        gone.cancel()
        outcome = invocation.result()
        result = outcome.result
        if client_left:
            logger.info("the abandoned invocation %s ended", outcome.request_id)
            return outcome, None  # nobody to answer
        if not started:
            streamed = result is not None and result.streamed and result.error is None
            answer = (
                fault(self.config.source, "function_error") if failed or streamed else self._answer(outcome)
            )
            await respond(send, answer)
            return outcome, answer.status
        if outcome.ending != "answered" or result is None or result.error is not None:
            # The status is out already: as on Lambda, the client sees the body cut off.
            raise ConnectionAbortedError(f"the streamed response of {outcome.request_id} broke off")
        await send({"type": "http.response.body", "body": b""})
        return outcome, status
