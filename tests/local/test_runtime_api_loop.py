"""The Runtime API on the gateway's event loop (``LoopRuntimeApi``), spoken to with httpx as a runtime
speaks to it: ``/next``, buffered, streamed and error answers, SnapStart's restore routes, and the
answers to requests it cannot take. (``serve``'s own tests run real runtimes against it.)"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx

from mangum.local.invocations import Invocation
from mangum.local.runtime_api import FunctionSettings
from mangum.local.runtime_api_loop import LoopRuntimeApi

PREFIX = "/2018-06-01/runtime"


async def _next(client: httpx.AsyncClient) -> httpx.Response:
    return await client.get(f"{PREFIX}/invocation/next")


def test_next_buffered_and_error_answers() -> None:
    async def scenario() -> None:
        api = LoopRuntimeApi(FunctionSettings(timeout_s=5), max_concurrency=2)
        assert api.environment("app.handler")["AWS_LAMBDA_MAX_CONCURRENCY"] == "2"
        async with httpx.AsyncClient(base_url=f"http://{api.address}") as client:
            assert (await client.get(f"{PREFIX}/restore/next")).status_code == 200
            waiting = asyncio.ensure_future(_next(client))
            await asyncio.sleep(0.05)
            assert not waiting.done()  # /next waits for an invocation
            first = api.invoke(b'{"n": 1}')
            answer = await waiting
            request_id = answer.headers["lambda-runtime-aws-request-id"]
            assert (answer.json(), request_id) == ({"n": 1}, first.request_id)
            assert int(answer.headers["lambda-runtime-deadline-ms"]) > 0
            posted = await client.post(f"{PREFIX}/invocation/{request_id}/response", content=b'"done"')
            assert posted.status_code == 202
            assert first.result(0).body == b'"done"'
            second = api.invoke(b"{}")
            answer = await _next(client)
            failed = await client.post(
                f"{PREFIX}/invocation/{second.request_id}/error",
                json={"errorType": "ValueError", "errorMessage": "bad"},
            )
            assert failed.status_code == 202
            error = second.result(0).error
            assert error is not None
            assert (error.error_type, error.error_message) == ("ValueError", "bad")
            again = await client.post(f"{PREFIX}/invocation/{second.request_id}/response", content=b"{}")
            assert (again.status_code, again.json()["errorType"]) == (400, "InvalidRequestID")
            assert (await client.get(f"{PREFIX}/restore/next")).status_code == 403  # after an invocation
            assert (await client.post(f"{PREFIX}/restore/error", json={"errorType": "E"})).status_code == 202
            assert api.restores == 1
            assert len(api.restore_errors) == 1
            assert (await client.get(f"{PREFIX}/nothing")).status_code == 404
        api.close()

    asyncio.run(scenario())


def test_streamed_answer_arrives_chunk_by_chunk_with_its_trailers() -> None:
    async def scenario() -> tuple[list[bytes], Invocation]:
        api = LoopRuntimeApi()
        arrived: list[bytes] = []
        invocation = api.invoke(b"{}", listener=lambda chunk: arrived.append(chunk.data))
        async with httpx.AsyncClient(base_url=f"http://{api.address}") as client:
            answer = await _next(client)
            request_id = answer.headers["lambda-runtime-aws-request-id"]

            async def body() -> AsyncIterator[bytes]:
                yield b"one "
                await asyncio.sleep(0.05)
                assert arrived == [b"one "]  # recorded before the next chunk is sent
                yield b"two"

            posted = await client.post(
                f"{PREFIX}/invocation/{request_id}/response",
                content=body(),
                headers={"Lambda-Runtime-Function-Response-Mode": "streaming"},
            )
            assert posted.status_code == 202
        api.close()
        return arrived, invocation

    arrived, invocation = asyncio.run(scenario())
    assert arrived == [b"one ", b"two"]
    result = invocation.result(0)
    assert (result.streamed, result.body, result.error) == (True, b"one two", None)


def test_a_runtime_that_goes_away_while_waiting_is_handed_nothing() -> None:
    async def scenario() -> Invocation:
        api = LoopRuntimeApi()
        _, writer = await asyncio.open_connection(*api.address.split(":"))
        writer.write(f"GET {PREFIX}/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        await writer.drain()
        await asyncio.sleep(0.05)
        writer.close()  # the runtime's process ended
        await asyncio.sleep(0.05)
        invocation = api.invoke(json.dumps({}).encode())
        await asyncio.sleep(0.05)
        api.close()
        return invocation

    invocation = asyncio.run(scenario())
    assert not invocation.delivered.is_set()
