"""The package's import structure, read from its source with :mod:`ast`: no import circles among
mangum's modules, and the production runtime never reaches the local emulator.

Every ``import`` statement counts, wherever it stands: at module level, inside a function (a lazy
import, kept off the cold start, is still a dependency the moment it runs), and under
``if TYPE_CHECKING:`` (a module that needs another's types depends on its design). A circle through
any of them means two modules cannot be read, changed or moved apart.

Only explicit imports are edges. Importing ``mangum.a.b`` also runs the package ``mangum.a``'s
``__init__``, but counting that would make every package that re-exports its submodules a circle;
what a submodule may not do is import its own package's re-exports back (that is an explicit edge,
and is checked).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "mangum"


def module_files() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its ``__init__.py``)."""
    modules: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


MODULES = module_files()


def _known(name: str) -> str | None:
    """The mangum module an imported name lives in: the longest prefix that is a module."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imported_names(module: str, tree: ast.Module) -> Iterator[str]:
    """The absolute module names that ``module``'s import statements name, relative ones resolved;
    ``from package import submodule`` names the submodule."""
    is_package = MODULES[module].name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                yield submodule if submodule in MODULES else base


def import_graph() -> dict[str, set[str]]:
    """Each mangum module and the other mangum modules it imports."""
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets = {_known(name) for name in imported_names(module, tree) if name.startswith("mangum")}
        graph[module] = {target for target in targets if target is not None and target != module}
    return graph


GRAPH = import_graph()


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    advanced = True
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """Every module ``start`` imports, directly or through others."""
    seen: set[str] = set()
    pending = [start]
    while pending:
        for target in graph[pending.pop()]:
            if target not in seen:
                seen.add(target)
                pending.append(target)
    return seen


def test_the_graph_is_read() -> None:
    # Known edges of each kind: module level, inside a function, under TYPE_CHECKING.
    assert "mangum._http.chunked" in GRAPH["mangum.runtime.connection"]
    assert "mangum.events.authorizers.rest" in GRAPH["mangum.events.authorizers.parse"]
    assert "mangum._validation.generated.websocket" in GRAPH["mangum.websocket.scope"]
    assert len(GRAPH) > 100


def test_the_circle_finder_finds_circles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a", "e"}, "e": {"d"}, "f": set()}
    assert sorted(circles(graph)) == [["a", "b", "c"], ["d", "e"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circles() -> None:
    assert circles(GRAPH) == []


@pytest.mark.parametrize("module", sorted(name for name in MODULES if name.startswith("mangum.runtime")))
def test_the_runtime_never_reaches_the_emulator(module: str) -> None:
    emulator = sorted(name for name in reachable(GRAPH, module) if name.startswith("mangum.local"))
    assert emulator == [], f"{module} imports the local emulator"


def test_only_the_command_line_imports_the_emulator() -> None:
    importers = sorted(
        module
        for module, targets in GRAPH.items()
        if not module.startswith("mangum.local") and any(t.startswith("mangum.local") for t in targets)
    )
    assert importers == ["mangum._cli"]
