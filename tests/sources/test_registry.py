"""The registry is the one list of sources, and every source has every piece."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from mangum._http.request import request_body
from mangum._sources.contract import HttpSource, Source, WebSocketSource
from mangum._sources.registry import BY_NAME, DETECTION_ORDER, SAMPLES, SOURCES, detect, sample_event
from mangum.events import EVENT_MODELS, parse_event
from mangum.responses import RESPONSE_MODELS
from mangum.schemas import GENERATED_PACKAGE, schema_documents

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


def test_a_source_cannot_be_registered_without_a_piece() -> None:
    with pytest.raises(TypeError, match="read"):
        HttpSource(  # type: ignore[call-arg]  # the point: "read" is missing
            name="alb", model="m:M", detection="d", matches=lambda event, context: True, samples={}
        )


def test_the_adding_a_source_page_names_every_piece() -> None:
    page = (Path(__file__).parents[2] / "docs" / "adding-a-source.md").read_text()
    for piece in ("matches", "read", "samples", "ResponseShape", "python -m mangum.schemas", "registry"):
        assert piece in page
