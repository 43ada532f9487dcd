"""The registry is the one list of sources, and every source has every piece."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings

from mangum._http.request import request_body
from mangum._sources import alb, samples
from mangum._sources.registry import (
    ALB,
    API_GATEWAY_V2,
    BY_NAME,
    DETECTION_ORDER,
    SAMPLES,
    SOURCES,
    WEBSOCKET,
    HttpSource,
    Source,
    WebSocketSource,
    checked_home,
    detect,
    home,
)
from mangum._sources.samples import sample_event
from mangum.events import EVENT_MODELS, parse_event
from mangum.exceptions import UnsupportedEvent
from mangum.responses import RESPONSE_MODELS
from mangum.schemas import GENERATED_PACKAGE, schema_documents
from tests.events.test_properties import mutated_samples
from tests.support.samples import SAMPLE_MODELS, read_sample

IDS = [source.name for source in SOURCES]


def model_of(source: Source) -> type:
    module, _, name = source.model.partition(":")
    found: type = getattr(importlib.import_module(module), name)
    return found


def test_every_event_model_has_exactly_one_source() -> None:
    assert sorted(model_of(source).__name__ for source in SOURCES) == sorted(
        model.__name__ for model in EVENT_MODELS
    )
    assert len(BY_NAME) == len(SOURCES)


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_a_source_is_named_as_its_model_says(source: Source) -> None:
    assert source.name == model_of(source).SOURCE  # type: ignore[attr-defined]  # every event model has it


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_a_source_has_its_generated_validator_and_json_schema(source: Source) -> None:
    assert (GENERATED_PACKAGE / f"{source.name}.py").is_file()
    assert f"events/{model_of(source).__name__}.json" in schema_documents()


@pytest.mark.parametrize("source", SOURCES, ids=IDS)
def test_every_sample_of_a_source_is_detected_as_it_and_parses_to_its_model(source: Source) -> None:
    assert source.samples
    for name in source.samples:
        event = sample_event(name)
        assert detect(event) is source
        assert type(parse_event(event)) is model_of(source)


@pytest.mark.parametrize("source", [s for s in SOURCES if isinstance(s, HttpSource)], ids=lambda s: s.name)
def test_an_http_source_reads_its_samples_into_a_result_layout_of_its_own(source: HttpSource) -> None:
    response_models = {model.__name__ for model in RESPONSE_MODELS}
    for name in source.samples:
        read = source.read(sample_event(name, method="POST", path="/a?b=c", body="{}"))
        assert read.response.model in response_models
        assert read.limit > 0
        assert (read.request.method, request_body(read.request)) == ("POST", b"{}")


def test_only_the_websocket_source_has_no_http_reader() -> None:
    assert [source.name for source in SOURCES if isinstance(source, WebSocketSource)] == ["websocket"]
    assert all(isinstance(source, HttpSource | WebSocketSource) for source in SOURCES)


def test_sample_names_are_unique_across_sources() -> None:
    assert len(SAMPLES) == sum(len(source.samples) for source in SOURCES)


def test_detection_order_names_every_source_in_order() -> None:
    assert [entry.split(" ")[0] for entry in DETECTION_ORDER] == [model_of(s).__name__ for s in SOURCES]


def _entry(sample_names: tuple[str, ...] = ("one",)) -> HttpSource:
    return HttpSource(
        name="alb", model="m:M", detection="d", matches=lambda event, context: True, sample_names=sample_names
    )


def _module(**pieces: object) -> ModuleType:
    module = ModuleType("mangum._sources.probe")
    module.__dict__.update(pieces)
    return module


def test_a_home_without_every_piece_is_refused_when_found() -> None:
    with pytest.raises(TypeError, match="defines no read"):
        checked_home(_module(), _entry())
    probe = _module(read=API_GATEWAY_V2.read)
    assert checked_home(probe, _entry()) is probe
    # A WebSocket home reads nothing: the WebSocket cycle uses its pieces.
    websocket = WebSocketSource(
        name="websocket", model="m:M", detection="d", matches=WEBSOCKET.matches, sample_names=("one",)
    )
    empty = _module()
    assert checked_home(empty, websocket) is empty


def test_the_samples_module_builds_exactly_the_samples_the_registry_names() -> None:
    assert sorted(samples.SAMPLES) == sorted(SAMPLES)
    for source in SOURCES:
        assert list(source.samples) == list(source.sample_names)


def test_a_home_is_found_by_the_name_of_its_source_once_and_not_registered() -> None:
    for source in SOURCES:
        found = home(source.name)
        assert found is sys.modules[f"mangum._sources.{source.name}"]
        assert home(source.name) is found  # cached: the same module, not imported again
        assert not hasattr(found, "SAMPLES")  # samples are built by mangum._sources.samples
        assert not hasattr(source, "provide")
    # An entry reads through the home of its name: another entry named "alb" reads as ALB does.
    event = sample_event("alb")
    theirs, ours = ALB.read(event), _entry(ALB.sample_names).read(event)
    assert ours.response is theirs.response is alb.SINGLE_VALUE_RESPONSE
    assert (ours.request.method, ours.request.route) == (theirs.request.method, theirs.request.route)
    assert home.cache_info().currsize == len(SOURCES)


HOMES_PROBE = """
import json, sys
from mangum import Mangum

async def app(scope, receive, send):
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})

handler = Mangum(app, lifespan="off")
homes = set(json.loads(sys.argv[1]))
loaded = []
for event in json.loads(sys.argv[2]):
    assert handler(event, None)["statusCode"] == 204
    loaded.append(sorted(name for name in homes if "mangum._sources." + name in sys.modules))
print(json.dumps(loaded))
"""


def homes_after_each(*sample_names: str) -> list[list[str]]:
    """The source homes imported after each of these sample events' invocations, one after the
    other in a fresh interpreter (this one has imported every home)."""
    events = [sample_event(name) for name in sample_names]
    homes = [source.name for source in SOURCES]
    found = subprocess.run(
        [sys.executable, "-c", HOMES_PROBE, json.dumps(homes), json.dumps(events)],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded: list[list[str]] = json.loads(found.stdout)
    return loaded


def test_a_home_is_imported_with_the_first_event_of_its_source_and_no_other_before() -> None:
    assert homes_after_each("api_gateway_v2", "api_gateway_v2", "api_gateway_v1", "alb") == [
        ["api_gateway_v2"],
        ["api_gateway_v2"],
        ["api_gateway_v1", "api_gateway_v2"],
        ["alb", "api_gateway_v1", "api_gateway_v2"],
    ]


def test_a_function_url_home_brings_the_payload_v2_home_it_builds_on() -> None:
    assert homes_after_each("function_url") == [["api_gateway_v2", "function_url"]]


def test_the_adding_a_source_page_names_every_piece() -> None:
    page = (Path(__file__).parents[2] / "docs" / "adding-a-source.md").read_text()
    for piece in ("matches", "read", "samples", "ResponseShape", "python -m mangum.schemas", "registry"):
        assert piece in page


def first_matching(event: dict[str, Any]) -> Source | None:
    """The first source whose own test (``matches``) takes ``event``: what detection must return."""
    found = event.get("requestContext")
    context = found if isinstance(found, dict) else {}
    return next((source for source in SOURCES if source.matches(event, context)), None)


def detected(event: dict[str, Any]) -> Source | None:
    try:
        return detect(event)
    except UnsupportedEvent:
        return None


@pytest.mark.parametrize("name", sorted(SAMPLE_MODELS))
def test_detection_is_the_first_source_whose_test_takes_the_event(name: str) -> None:
    event = read_sample(name)
    assert detected(event) is first_matching(event) is not None


@settings(max_examples=400, deadline=None)
@given(mutated_samples())
def test_detection_agrees_with_the_sources_tests_on_mutated_events(event: dict[str, Any]) -> None:
    assert detected(event) is first_matching(event)


@pytest.mark.parametrize(
    "event",
    [
        {"Records": [{"cf": {}}], "version": "2.0", "httpMethod": "GET"},
        {"Records": [], "version": "2.0", "requestContext": {"domainName": "a.lambda-url.b"}},
        {"Records": "x", "httpMethod": "GET", "requestContext": {"elb": {}}},
        {"version": "1.0", "httpMethod": "GET", "requestContext": {"domainName": 3}},
        {"version": "2.0", "requestContext": {"domainName": 3, "connectionId": "c"}},
        {"version": 2.0, "requestContext": "not a map"},
        {"requestContext": {}},
    ],
)
def test_detection_agrees_with_the_sources_tests_on_mixed_markers(event: dict[str, Any]) -> None:
    assert detected(event) is first_matching(event)
