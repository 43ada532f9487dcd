"""Loading the function's handler from ``_HANDLER`` (``module.attribute``), as Lambda's Python runtime does.

The module is imported with the task root (``LAMBDA_TASK_ROOT``, else the working directory) first on
``sys.path`` and the layer directories (``/opt/python`` and its ``site-packages``) after it. Each
failure raises :class:`~mangum.runtime.errors.InitError` named as the managed runtime names it;
any other exception raised while the module runs propagates, and is reported under its own name.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

from mangum.runtime.errors import InitError

LAYER_ROOT = Path("/opt/python")


def prepare_path(task_root: str) -> None:
    """Put the task root first on ``sys.path`` and the layer directories after everything else."""
    if task_root not in sys.path:
        sys.path.insert(0, task_root)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for layer in (LAYER_ROOT / "lib" / version / "site-packages", LAYER_ROOT):
        if layer.is_dir() and str(layer) not in sys.path:
            sys.path.append(str(layer))


def load_handler(name: str, task_root: str | None = None) -> Callable[..., object]:
    """The object ``_HANDLER`` names; raises :class:`InitError` when it cannot be had."""
    module_name, dot, attribute = name.strip().rpartition(".")
    if not dot or not module_name or not attribute:
        raise InitError("Runtime.MalformedHandlerName", f"Bad handler '{name}': expected module.function")
    module_name = module_name.replace("/", ".")
    if module_name.split(".")[0] in sys.builtin_module_names:
        message = f"Cannot use built-in module {module_name} as a handler module"
        raise InitError("Runtime.BuiltInModuleConflict", message)
    prepare_path(task_root or os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise InitError(
            "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {error}"
        ) from error
    except SyntaxError as error:
        trace = [f'  File "{error.filename}" Line {error.lineno}\n    {error.text}']
        message = f"Syntax error in module '{module_name}': {error}"
        raise InitError("Runtime.UserCodeSyntaxError", message, trace) from error
    handler: object = getattr(module, attribute, None)
    if handler is None:
        raise InitError("Runtime.HandlerNotFound", f"Handler '{attribute}' missing on module '{module_name}'")
    if not callable(handler):
        message = (
            f"Handler '{attribute}' on module '{module_name}' is a {type(handler).__name__}, not callable"
        )
        raise InitError("Runtime.HandlerNotFound", message)
    return handler
