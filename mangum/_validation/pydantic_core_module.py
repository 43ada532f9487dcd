"""pydantic-core's compiled validator, loaded without the Python package around it.

``import pydantic_core`` runs the package's ``__init__``, which imports ``typing_extensions`` and the
175 KB ``core_schema`` module: about nine tenths of pydantic-core's import cost, for nothing the
adapter uses (it needs ``SchemaValidator`` and the two error classes, all defined in the compiled
``pydantic_core._pydantic_core``). So the compiled module is loaded on its own, under its own name:
a later ``import pydantic_core`` (pydantic's, FastAPI's) finds it in ``sys.modules`` and uses this
very module, so there is one ``SchemaValidator`` class and one ``ValidationError`` class either way.

When pydantic-core is already imported, or the compiled module cannot be found or loaded this way
(a build laid out otherwise), the package is imported as usual.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

_NAME = "pydantic_core._pydantic_core"

if TYPE_CHECKING:
    from pydantic_core import SchemaError, SchemaValidator, ValidationError
else:

    def _compiled_module() -> object:
        loaded = sys.modules.get(_NAME)
        if loaded is not None:
            return loaded
        try:
            from importlib.machinery import EXTENSION_SUFFIXES, ExtensionFileLoader
            from importlib.util import find_spec, module_from_spec, spec_from_loader
            from pathlib import Path

            package = find_spec("pydantic_core")  # finds the package without running it
            if package is None or package.origin is None:
                raise ImportError("pydantic_core not found")
            directory = Path(package.origin).parent
            path = next(
                directory / f"_pydantic_core{suffix}"
                for suffix in EXTENSION_SUFFIXES
                if (directory / f"_pydantic_core{suffix}").is_file()
            )
            loader = ExtensionFileLoader(_NAME, str(path))
            spec = spec_from_loader(_NAME, loader)
            if spec is None:
                raise ImportError("no spec for pydantic_core's compiled module")
            module = module_from_spec(spec)
            loader.exec_module(module)
        except Exception:  # any layout this does not know: the package's own import
            import pydantic_core._pydantic_core as module
        else:
            sys.modules[_NAME] = module
        return module

    _module = _compiled_module()
    SchemaError = _module.SchemaError
    SchemaValidator = _module.SchemaValidator
    ValidationError = _module.ValidationError

__all__ = ["SchemaError", "SchemaValidator", "ValidationError"]
