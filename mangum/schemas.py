"""The JSON Schemas of the event and response models, as checked in under ``schemas/``.

Run from the repository root::

    python -m mangum.schemas          # write schemas/events/*.json and schemas/responses/*.json
    python -m mangum.schemas --check  # exit 1, listing each stale file, when they differ from the models

Event schemas describe what Lambda receives (validation mode, AWS's field names, unknown fields
allowed); response schemas describe the dict :meth:`~mangum.responses.LambdaResponse.to_lambda` returns.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode

from mangum.events.handler_models import HANDLER_EVENT_MODELS, HANDLER_RESULT_MODELS
from mangum.events.sources import EVENT_MODELS
from mangum.responses import RESPONSE_MODELS

DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect pydantic generates."""

GENERATE_COMMAND = "python -m mangum.schemas"
"""The command that regenerates the checked-in schemas."""


def _document(model: type[BaseModel], mode: JsonSchemaMode) -> str:
    schema = {"$schema": DIALECT, **model.model_json_schema(by_alias=True, mode=mode)}
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def schema_documents() -> dict[str, str]:
    """Every schema file's text, keyed by its path under ``schemas/`` (``events/X.json`` ...)."""
    events = (*EVENT_MODELS, *HANDLER_EVENT_MODELS)
    documents = {f"events/{model.__name__}.json": _document(model, "validation") for model in events}
    documents.update(
        (f"responses/{model.__name__}.json", _document(model, "serialization"))
        for model in (*RESPONSE_MODELS, *HANDLER_RESULT_MODELS)
    )
    return documents


def stale_files(directory: Path) -> list[str]:
    """The files under ``directory`` that are missing, differ from the models, or belong to no model."""
    documents = schema_documents()
    stale = [
        name
        for name, text in documents.items()
        if not (directory / name).is_file() or (directory / name).read_text() != text
    ]
    present = {path.relative_to(directory).as_posix() for path in directory.glob("*/*.json")}
    return sorted([*stale, *(present - documents.keys())])


def write_schemas(directory: Path) -> list[str]:
    """Write every schema under ``directory``, remove files of models that no longer exist, and
    return the names of the files changed."""
    changed = stale_files(directory)
    documents = schema_documents()
    for name in changed:
        path = directory / name
        if name in documents:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(documents[name])
        else:
            path.unlink()
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog=GENERATE_COMMAND, description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale files; exit 1 if any")
    parser.add_argument("--out", type=Path, default=Path("schemas"), help="directory (default: schemas)")
    args = parser.parse_args(argv)
    directory: Path = args.out
    if args.check:
        stale = stale_files(directory)
        for name in stale:
            print(f"stale: {directory / name}")
        if stale:
            print(f"run `{GENERATE_COMMAND}` to regenerate them")
        return 1 if stale else 0
    for name in write_schemas(directory):
        print(f"wrote {directory / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
