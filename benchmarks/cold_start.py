"""One cold start in a fresh process, run by ``adapter_vs_mangum.py`` with each side's interpreter.

Usage: ``python benchmarks/cold_start.py {bare|fastapi|floor|interpreter|pieces} EVENT_FILE``

- ``bare`` / ``fastapi``: import mangum, wrap a bare ASGI app (or a small FastAPI app, FastAPI
  imported inside the clock) with ``lifespan="off"``, and make one call with the event;
- ``floor``: only what any pydantic-core based adapter must load: ``asyncio``, ``json`` and
  pydantic-core's compiled module, loaded on its own the way ``mangum/_validation/validators.py``
  does (without the ``pydantic_core`` package's ``__init__``);
- ``interpreter``: ``asyncio`` and ``json`` alone (what the floor adds to it is pydantic-core);
- ``pieces``: for valgrind's callgrind with ``--dump-before=getppid``, with the garbage collector
  paused from the start (its collections fall wherever the process's allocations happen to reach a
  threshold, which moves them between pieces and sides): the FastAPI app built, then
  ``os.getppid()``, the adapter imported and constructed, ``os.getppid()``, the first call,
  ``os.getppid()``; prints the pieces' names as JSON, one per dump after the first (and fails
  unless the call answered 200).

Prints one JSON object: ``seconds`` (the measured part, on the process's own clock), ``status`` and
``max_rss_kib`` (the process's peak RSS at the end, :func:`peak_rss_kib`). The script imports as
little as it can before and around the clock, since the whole process's wall time and peak RSS are
reported too.
"""

import sys
import time

STARTED = time.perf_counter()

import json  # noqa: E402  (the clock starts before any import; every side needs json anyway)
import os  # noqa: E402  (imported by the interpreter's own start anyway)
import resource  # noqa: E402

# The checkout last on the path: the app module is found there, mangum still in the environment.
sys.path.append(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def peak_rss_kib() -> int:
    """This process's peak resident set size in KiB: ``VmHWM``, which starts afresh with the
    process's own image. (``ru_maxrss`` does not: Linux carries the forking parent's size over an
    ``exec``, so every child of a larger parent would report at least the parent's size.)"""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def load_compiled_pydantic_core() -> object:
    """pydantic-core's compiled module, loaded without the package around it.

    The same steps as ``_compiled_module`` in ``mangum/_validation/validators.py``, written out
    again on purpose: the floor process must not import mangum, whose cost it stands beneath."""
    from importlib.machinery import ExtensionFileLoader, PathFinder

    name = "pydantic_core._pydantic_core"
    package = PathFinder.find_spec("pydantic_core")
    if package is None or not package.submodule_search_locations:
        raise SystemExit("pydantic_core is not installed")
    spec = PathFinder.find_spec(name, package.submodule_search_locations)
    if spec is None or not isinstance(spec.loader, ExtensionFileLoader):
        raise SystemExit("no spec for pydantic_core's compiled module")
    module = spec.loader.create_module(spec)
    module.__spec__ = spec
    module.__loader__ = spec.loader
    module.__package__ = spec.parent
    module.__file__ = spec.origin
    spec.loader.exec_module(module)
    sys.modules[name] = module
    return module


def pieces(event: dict[str, object]) -> None:
    """The ``pieces`` run (see the module's docstring)."""
    import gc

    gc.disable()
    from benchmarks.adapter_apps import Context, fastapi_app

    app = fastapi_app()
    os.getppid()
    from mangum import Mangum

    handler = Mangum(app, lifespan="off")
    os.getppid()
    result = handler(event, Context())
    os.getppid()
    if result["statusCode"] != 200:  # a failed first call is not the cold start being measured
        raise SystemExit(f"the first call answered {result['statusCode']}")
    print(json.dumps(["import and construct", "first call"]))


def main() -> None:
    """Run the cold start named on the command line and print its figures."""
    kind, event_file = sys.argv[1], sys.argv[2]
    with open(event_file) as file:
        event = json.load(file)
    if kind == "pieces":
        pieces(event)
        return
    if kind in ("bare", "fastapi"):  # the function's own module, imported before the clock starts
        from benchmarks.adapter_apps import Context, bare_app, fastapi_app
    before = time.perf_counter()
    status = 0
    if kind in ("floor", "interpreter"):
        import asyncio

        if kind == "floor":
            load_compiled_pydantic_core()
        status = 200 if asyncio.get_event_loop_policy() is not None else 0
    else:
        from mangum import Mangum

        app = fastapi_app() if kind == "fastapi" else bare_app(b'{"ok":true}', b"application/json")
        result = Mangum(app, lifespan="off")(event, Context())
        status = result["statusCode"]
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "seconds": done - before,
                "since_start": done - STARTED,
                "status": status,
                "max_rss_kib": peak_rss_kib(),
            }
        )
    )


if __name__ == "__main__":
    main()
