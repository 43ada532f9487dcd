"""The event selection of ``benchmarks/adapter_vs_mangum.py``: every real sample event file is either
run or skipped with a reason, each with the shape its content has."""

from __future__ import annotations

import json

from benchmarks.real_events import EVENTS_DIR, NOT_BASE64, REAL_FOLDERS, SHAPES, real_events, runnable
from mangum.events import AlbEvent, ApiGatewayV1Event, ApiGatewayV2Event, FunctionUrlEvent, WebSocketEvent
from tests.support.samples import SAMPLE_MODELS

MODEL_OF_SHAPE = {
    "REST": ApiGatewayV1Event,
    "HTTP API": ApiGatewayV2Event,
    "Function URL": FunctionUrlEvent,
    "ALB": AlbEvent,
    "ALB multi-value": AlbEvent,
    "WebSocket": WebSocketEvent,
}


def test_every_real_fixture_is_listed_once() -> None:
    on_disk = sorted(
        path.relative_to(EVENTS_DIR).as_posix()
        for folder in REAL_FOLDERS
        for path in (EVENTS_DIR / folder).glob("*.json")
    )
    listed = sorted(real.path for real in real_events())
    assert listed == on_disk
    assert len([path for path in listed if path.startswith("powertools/")]) == 28
    assert len([path for path in listed if path.startswith("aws_docs/")]) == 8


def test_each_shape_is_the_model_the_project_parses_the_event_to() -> None:
    for real in real_events():
        assert real.shape in SHAPES
        assert SAMPLE_MODELS[real.path] is MODEL_OF_SHAPE[real.shape], real.path


def test_websocket_events_are_skipped_with_a_reason_and_all_others_run() -> None:
    skipped = [real for real in real_events() if real.skip]
    assert {real.shape for real in skipped} == {"WebSocket"}
    assert all("WebSocket" in real.skip for real in skipped)
    assert len(runnable()) == len(real_events()) - len(skipped) == 33


def test_a_body_falsely_flagged_as_base64_is_run_as_text() -> None:
    corrected = [real for real in real_events() if real.correction]
    assert sorted(real.label for real in corrected) == [
        "apiGatewayProxyEventAnotherPath",
        "apiGatewayProxyEventPathTrailingSlash",
        "apiGatewayProxyEvent_noVersionAuth",
    ]
    for real in corrected:
        assert real.correction == NOT_BASE64
        event = real.load()
        assert event["isBase64Encoded"] is False
        assert event["body"] == json.loads((EVENTS_DIR / real.path).read_text())["body"]
    untouched = next(real for real in real_events() if real.label == "apiGatewayHttpLambdaGuideV2")
    # Flagged as base64 without a body: nothing to correct.
    assert not untouched.correction
    assert untouched.load()["isBase64Encoded"] is True


def test_shapes_are_listed_in_report_order() -> None:
    order = [SHAPES.index(real.shape) for real in real_events()]
    assert order == sorted(order)
