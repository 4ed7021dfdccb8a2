"""The apps depend on each other in one direction, and no module imports itself back.

``shared`` imports no app; ``complaints`` (what the customer told us) builds
on it; ``recovery`` (what we do about it) on complaints; ``notifications``
(telling people) on recovery; ``privacy`` (a customer's data: export,
erasure, retention) reaches into all three; the managers' ``review`` reads
them all; and
``config`` wires the project together, imported by no app. A lower layer that
needs to tell a higher one something announces it (``recovery.signals``) and
lets the higher one subscribe. These checks read the source with ``ast``, so a
back-edge fails here, naming its file and line, before it becomes a cycle held
together by an import inside a function.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("shared", "complaints", "recovery", "notifications", "privacy", "review", "config")
RANK = {name: rank for rank, name in enumerate(LAYERS)}


def source_files():
    for package in LAYERS:
        yield from sorted((ROOT / package).rglob("*.py"))


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in source_files()}


def resolve(name):
    """The project module an import names (a module, or the package re-exporting it), or None."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports(path):
    """``(line, target module, inside a function name or None)`` for each project import of ``path``."""
    tree = ast.parse(path.read_text(), filename=str(path))

    def walk(node, function):
        for child in ast.iter_child_nodes(node):
            inner = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = child.name
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if target := resolve(alias.name):
                        yield child.lineno, target, inner
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                for alias in child.names:
                    if target := resolve(f"{child.module}.{alias.name}"):
                        yield child.lineno, target, inner
            yield from walk(child, inner)

    yield from walk(tree, None)


def edges():
    for name, path in MODULES.items():
        for line, target, function in imports(path):
            if target != name:
                yield name, path.relative_to(ROOT).as_posix(), line, target, function


def test_every_import_points_down_the_layers():
    against = [
        f"{where}:{line} {name} imports {target}"
        for name, where, line, target, _function in edges()
        if RANK[target.partition(".")[0]] > RANK[name.partition(".")[0]]
    ]
    assert against == []


def test_no_app_imports_the_project_wiring():
    wiring = [
        f"{where}:{line} {name} imports {target}"
        for name, where, line, target, _function in edges()
        if target.startswith("config") and not name.startswith("config")
    ]
    assert wiring == []


def test_no_import_is_hidden_inside_a_function():
    """Only an app's ``ready()`` imports at run time: to connect its own receivers."""
    hidden = [
        f"{where}:{line} {name} imports {target} inside {function}()"
        for name, where, line, target, function in edges()
        if function is not None
        and not (function == "ready" and target.partition(".")[0] == name.partition(".")[0])
    ]
    assert hidden == []


def test_no_module_imports_itself_back():
    graph = {}
    for name, _where, _line, target, function in edges():
        if function is None:
            graph.setdefault(name, set()).add(target)
    cycles = []
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                cycles.append(" → ".join([*trail[trail.index(target) :], target]))
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_the_layer_checks_see_a_back_edge(tmp_path):
    """A guard on the guard: an upward import in a file is found by ``imports``."""
    module = tmp_path / "probe.py"
    module.write_text("def f():\n    from notifications.models import Notification\n")
    assert list(imports(module)) == [(2, "notifications.models", "f")]
