"""A generated schema the installed pydantic-core refuses is derived again from its model."""

from __future__ import annotations

import logging
import sys
import types
from collections.abc import Iterator

import pytest
from pydantic_core import ValidationError

from mangum._validation.validators import LazyValidator
from tests.support.samples import read_sample

EVENT = "powertools/albEvent.json"


@pytest.fixture
def refused_schema_module() -> Iterator[str]:
    """A module whose SCHEMA pydantic-core refuses, as a release with another format would."""
    module = types.ModuleType("refused_schema")
    module.SCHEMA = {"type": "a-schema-type-of-a-later-release"}  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    yield module.__name__
    del sys.modules[module.__name__]


def test_the_model_is_used_when_the_generated_schema_is_refused(
    refused_schema_module: str, caplog: pytest.LogCaptureFixture
) -> None:
    validator: LazyValidator[dict[str, object]] = LazyValidator(
        f"{refused_schema_module}:SCHEMA", "mangum.events.alb:AlbEvent", "name"
    )
    with caplog.at_level(logging.WARNING, logger="mangum"):
        validated = validator.validate(read_sample(EVENT))
    assert validated["http_method"] == "GET"
    assert "deriving it from mangum.events.alb:AlbEvent" in caplog.text
    with pytest.raises(ValidationError):
        validator.validate({"requestContext": {"elb": {}}})


def test_a_generated_schema_is_used_as_is() -> None:
    validator: LazyValidator[dict[str, object]] = LazyValidator(
        "mangum._validation.generated.alb:SCHEMA", "mangum.events.alb:AlbEvent", "name"
    )
    assert validator.validate(read_sample(EVENT))["path"] == read_sample(EVENT)["path"]
