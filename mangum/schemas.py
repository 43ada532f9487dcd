"""The schemas generated from the event and response models: JSON Schemas, and the validation
modules of the adapter's hot path.

The JSON Schemas are kept once, in ``schemas/`` at the top of the repository; a built wheel ships the
same files as ``mangum/json_schemas/`` (copied there by ``setup.py`` at build time, never a second copy in
the tree). The validation modules are part of the package (``mangum/_validation/generated/``). So this
works from an installed package as from a checkout (where it rewrites the source tree)::

    python -m mangum.schemas              # write schemas/ and mangum/_validation/generated/
    python -m mangum.schemas --check      # exit 1, listing each stale file, when they differ from the models
    python -m mangum.schemas --out DIR    # write the JSON Schemas to DIR instead (e.g. to publish them)

Event JSON Schemas (``schemas/events/``) describe what Lambda receives (validation mode, AWS's
field names, unknown fields allowed); response JSON Schemas (``schemas/responses/``) describe the dict
:meth:`~mangum.responses.LambdaResponse.to_lambda` returns. The validation modules
(:mod:`mangum._validation.generated`) hold, for each event source and for the results, the
pydantic-core schema that validates exactly as the model does into plain dicts.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode

from mangum._validation.codegen import module_text
from mangum._validation.core_schema import validator_schema
from mangum.events.handler_models import HANDLER_EVENT_MODELS, HANDLER_RESULT_MODELS
from mangum.events.sources import EVENT_MODELS
from mangum.responses import RESPONSE_MODELS

DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect pydantic generates."""

GENERATE_COMMAND = "python -m mangum.schemas"
"""The command that regenerates the checked-in schemas."""

GENERATED_PACKAGE = Path(__file__).parent / "_validation" / "generated"
"""Where the validation modules are written."""

PACKAGED_SCHEMAS_DIR = Path(__file__).parent / "json_schemas"
"""Where an installed wheel has the JSON Schemas
(``importlib.resources.files("mangum") / "json_schemas"``)."""

SCHEMAS_DIR = (
    PACKAGED_SCHEMAS_DIR if PACKAGED_SCHEMAS_DIR.is_dir() else Path(__file__).parent.parent / "schemas"
)
"""Where the JSON Schemas are: ``events/<Model>.json`` and ``responses/<Model>.json``, in the wheel's
:data:`PACKAGED_SCHEMAS_DIR` when installed, else the checkout's top-level ``schemas/``."""

RESULTS_MODULE = "results"
"""The validation module of every response model."""


def _document(model: type[BaseModel], mode: JsonSchemaMode) -> str:
    schema = {"$schema": DIALECT, **model.model_json_schema(by_alias=True, mode=mode)}
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def schema_documents() -> dict[str, str]:
    """Every JSON Schema file's text, keyed by its path under :data:`SCHEMAS_DIR` (``events/X.json`` ...)."""
    events = (*EVENT_MODELS, *HANDLER_EVENT_MODELS)
    documents = {f"events/{model.__name__}.json": _document(model, "validation") for model in events}
    documents.update(
        (f"responses/{model.__name__}.json", _document(model, "serialization"))
        for model in (*RESPONSE_MODELS, *HANDLER_RESULT_MODELS)
    )
    return documents


def validation_modules() -> dict[str, str]:
    """Every validation module's text, keyed by its file name under :data:`GENERATED_PACKAGE`."""
    modules = {
        f"{model.SOURCE}.py": module_text(
            f"The validator schema of :class:`{model.__module__}.{model.__name__}`.",
            {model.__name__: validator_schema(model, "name")},
            "name",
        )
        for model in EVENT_MODELS
    }
    modules[f"{RESULTS_MODULE}.py"] = module_text(
        "The validator schemas of the response models (:mod:`mangum.responses`), keyed by AWS's names.",
        {model.__name__: validator_schema(model, "alias") for model in RESPONSE_MODELS},
        "alias",
    )
    return modules


def _stale(directory: Path, documents: dict[str, str], pattern: str) -> list[Path]:
    stale = [
        directory / name
        for name, text in documents.items()
        if not (directory / name).is_file() or (directory / name).read_text() != text
    ]
    present = {path.relative_to(directory).as_posix() for path in directory.glob(pattern)}
    return sorted([*stale, *(directory / name for name in present - documents.keys())])


def _outputs(directory: Path) -> list[tuple[Path, dict[str, str], str]]:
    return [
        (directory, schema_documents(), "*/*.json"),
        (GENERATED_PACKAGE, validation_modules(), "[!_]*.py"),
    ]


def stale_files(directory: Path) -> list[Path]:
    """The generated files that are missing, differ from the models, or belong to no model: JSON
    Schemas under ``directory``, validation modules under :data:`GENERATED_PACKAGE`."""
    return [
        path for root, documents, pattern in _outputs(directory) for path in _stale(root, documents, pattern)
    ]


def write_schemas(directory: Path) -> list[Path]:
    """Write every generated file, remove those of models that no longer exist, and return the
    paths changed."""
    changed: list[Path] = []
    for root, documents, pattern in _outputs(directory):
        for path in _stale(root, documents, pattern):
            name = path.relative_to(root).as_posix()
            if name in documents:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(documents[name])
            else:
                path.unlink()
            changed.append(path)
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog=GENERATE_COMMAND, description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale files; exit 1 if any")
    parser.add_argument(
        "--out", type=Path, default=SCHEMAS_DIR, help=f"JSON Schemas directory (default: {SCHEMAS_DIR})"
    )
    args = parser.parse_args(argv)
    directory: Path = args.out
    if args.check:
        stale = stale_files(directory)
        for path in stale:
            print(f"stale: {path}")
        if stale:
            print(f"run `{GENERATE_COMMAND}` to regenerate them")
        return 1 if stale else 0
    for path in write_schemas(directory):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
