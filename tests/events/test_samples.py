"""Every sample event parses to the model of its source and dumps back to itself."""

from __future__ import annotations

import pytest

from mangum.events import parse_event
from tests.support.samples import SAMPLE_MODELS, read_sample, sample_files


def test_every_sample_file_has_an_expected_model() -> None:
    assert sample_files() == sorted(SAMPLE_MODELS)


def test_all_powertools_samples_present() -> None:
    assert len([name for name in sample_files() if name.startswith("powertools/")]) == 28


@pytest.mark.parametrize("name", sorted(SAMPLE_MODELS))
def test_sample_parses_to_its_source_and_round_trips(name: str) -> None:
    raw = read_sample(name)
    model = parse_event(raw)
    assert type(model) is SAMPLE_MODELS[name]
    assert model.model_dump(by_alias=True, exclude_unset=True) == raw
