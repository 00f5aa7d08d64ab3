"""The rooms of DESIGN.md §1, read from the source: nothing below bot/ imports bot/, flows/ and
catalogue/ do no I/O of ours, and no two modules import each other (directly or round a ring),
neither at import time nor inside a function (an import moved into a function is still a circle).

The project's own `import` statements are read with `ast`, so a test fails the moment a line
like `from bot.settings import Settings` appears in scheduler/ — before anything runs.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "core", "flows", "catalogue", "handlers", "scheduler", "storage", "records")
# Entry points may wire anything (DESIGN.md §1): `python -m scheduler`, Alembic's env.
ENTRY_POINTS = {"scheduler.__main__", "storage.migrations.env"}
# What each room may import of the project (DESIGN.md §1; core/ holds settings, runtime, logging).
# records/ is the room below all others: plain dataclasses every room may name, importing none.
MAY_IMPORT = {
    "records": {"records"},
    "flows": {"flows", "records"},
    "catalogue": {"catalogue", "flows", "records"},
    "storage": {"storage", "records"},
    # Runtime builds what it hands out (the registry checked against handlers, the spool) on first use.
    "core": {"core", "flows", "handlers", "storage", "records"},
    "handlers": {"handlers", "core", "flows", "catalogue", "storage", "records"},
    "scheduler": {"scheduler", "handlers", "core", "flows", "catalogue", "storage", "records"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "versions" not in path.parts:  # migrations are frozen history
                found[module_name(path)] = path
    return found


MODULES = project_modules()


def resolve(dotted: str) -> str | None:
    """The project module a dotted name is or lies in (`flows.engine.Say` → `flows.engine`)."""
    parts = dotted.split(".")
    while parts:
        if ".".join(parts) in MODULES:
            return ".".join(parts)
        parts.pop()
    return None


def imports_of(module: str) -> dict[str, int]:
    """Project modules `module` imports, anywhere in it (functions too), each with a line number."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            names = [f"{base}.{alias.name}" for alias in node.names] or [base]
            names = [n if resolve(n) else base for n in names]
        for name in names:
            target = resolve(name)
            if target and target != module:
                found.setdefault(target, node.lineno)
    return found


GRAPH = {module: imports_of(module) for module in MODULES}


def room(module: str) -> str:
    return module.split(".")[0]


def test_nothing_below_bot_imports_bot_or_a_room_above_it():
    wrong = [f"{MODULES[m].relative_to(ROOT)}:{line} imports {target}"
             for m, targets in sorted(GRAPH.items()) if room(m) != "bot" and m not in ENTRY_POINTS
             for target, line in sorted(targets.items()) if room(target) not in MAY_IMPORT[room(m)]]
    assert not wrong, "\n".join(wrong)


def test_every_import_of_ours_names_a_module_that_exists():
    """A module that moved has one home: an import of its old name (even inside a function, which
    runs late) fails here, not in production. `import a.b` and `from a.b import c` must name a
    module of ours (c may be a module or anything in it)."""
    def modules_named(node: ast.AST) -> list[str]:
        if isinstance(node, ast.Import):
            return [alias.name for alias in node.names]
        if isinstance(node, ast.ImportFrom) and not node.level and node.module:
            return [node.module]
        return []

    stale = [f"{path.relative_to(ROOT)}:{node.lineno} imports {name}"
             for path in (*MODULES.values(), *TESTS)
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             for name in modules_named(node) if name.split(".")[0] in PACKAGES and name not in MODULES]
    assert not stale, "\n".join(stale)


TESTS = sorted((ROOT / "tests").rglob("*.py")) + sorted((ROOT / "bench").glob("*.py"))


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_circles():
    # A package's __init__ importing its own submodules lazily is how a package offers them, not a circle.
    graph = {m: {t: n for t, n in targets.items() if not t.startswith(m + ".")} for m, targets in GRAPH.items()}
    assert cycles(graph) == []


@pytest.mark.parametrize("graph, expected", [
    ({"a": {"b": 1}, "b": {"a": 1}}, [["a", "b"]]),
    ({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}}, [["a", "b", "c"]]),
    ({"a": {"b": 1}, "b": {}}, []),
])
def test_the_circle_finder_finds_circles(graph, expected):
    assert cycles(graph) == expected


def test_the_import_reader_sees_imports_inside_functions():
    assert "catalogue" in GRAPH["handlers.inbound"] or any(t.startswith("catalogue") for t in GRAPH["handlers.inbound"])
    lazy = [m for m, targets in GRAPH.items() if "core.nlu" in targets]
    assert "core.runtime" in lazy  # imported inside Runtime.recogniser


def test_ticket_events_name_their_action_from_the_one_enum():
    """TicketEvent actions live in storage.models.TicketAction; a bare string (a typo like
    "pindah_dinass" that the console's history and the transfer rule would never match) fails here."""
    bare = [f"{path.relative_to(ROOT)}:{node.lineno}" for path in MODULES.values()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "TicketEvent"
            for kw in node.keywords if kw.arg == "action" and isinstance(kw.value, ast.Constant)]
    assert not bare, "\n".join(bare)
