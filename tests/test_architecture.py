"""The import rules of docs/design.md, checked by walking every module's imports.

- The stages (``extract``, ``revisions``, ``stories``) and the copy detector
  (``duplicates``) import no I/O package: none of storyline's own (store, sources, web,
  cli, pipeline, read, sandbox, spark) and no database, network, terminal or process
  library. Each stage imports only the stages before it (extract → revisions → stories).
- ``store/`` imports no stage and nothing above it (pipeline, read layer, web, CLI): it
  keeps tables and is handed the domain's work (``compare``, signatures, copies).
- There is no import cycle anywhere in ``src/``.

Imports are read from the source with ``ast``, function-level ones included (a lazy import
is still a dependency); imports under ``if TYPE_CHECKING:`` count for the layer rules but
not for cycles (they never run).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

STAGES = ("storyline.extract", "storyline.revisions", "storyline.stories")
PURE = (*STAGES, "storyline.duplicates")
OWN_IO = (
    "storyline.store",
    "storyline.sources",
    "storyline.web",
    "storyline.cli",
    "storyline.pipeline",
    "storyline.read",
    "storyline.sandbox",
    "storyline.spark",
    "storyline.export",
)
THIRD_PARTY_IO = (
    "sqlalchemy",
    "sqlite3",
    "psycopg",
    "pyspark",
    "httpx",
    "requests",
    "urllib3",
    "urllib.request",
    "http.client",
    "socket",
    "fastapi",
    "starlette",
    "uvicorn",
    "click",
    "rich",
    "warcio",
    "fastwarc",
    "feedparser",
    "usp",
    "protego",
    "pebble",
)
ABOVE_STORE = (
    "storyline.pipeline",
    "storyline.read",
    "storyline.web",
    "storyline.cli",
    "storyline.sandbox",
    "storyline.spark",
    "storyline.export",
)


@dataclass(frozen=True)
class Import:
    """One import statement's target, where it stands, and whether it only type-checks."""

    target: str
    line: int
    type_only: bool


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted((SRC / "storyline").rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> list[str]:
    """The modules a ``from ... import`` names: ``from pkg import sub`` imports ``pkg.sub``."""
    if node.level:
        base = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        name = ".".join([*base, node.module] if node.module else base)
    else:
        name = node.module or ""
    targets = []
    for alias in node.names:
        sub = f"{name}.{alias.name}"
        targets.append(sub if sub in MODULES else name)
    return targets


def imports_of(module: str) -> list[Import]:
    """Every import in ``module``'s source (all levels), resolved to module names."""
    path = MODULES[module]
    found: list[Import] = []

    def visit(node: ast.AST, type_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = type_only or _is_type_checking(child)
            if isinstance(child, ast.Import):
                found.extend(Import(a.name, child.lineno, inner) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                found.extend(Import(t, child.lineno, inner) for t in _resolve(module, path, child))
            else:
                visit(child, inner)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def _within(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def _violations(sources: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    out = []
    for module in MODULES:
        if not _within(module, sources):
            continue
        for imp in imports_of(module):
            if _within(imp.target, forbidden):
                out.append(f"{MODULES[module].relative_to(SRC)}:{imp.line} imports {imp.target}")
    return out


def test_the_import_walk_sees_every_kind_of_import():
    """The checks below can fail: the walk finds relative, lazy, submodule and type-only
    imports in real modules."""
    db = {i.target for i in imports_of("storyline.store.db")}
    assert "storyline.store.schema" in db  # from storyline.store import schema
    assert "storyline.store.versions" in db
    pool = imports_of("storyline.sandbox.pool")
    assert any(i.target == "storyline.sandbox.work" for i in pool)  # inside a method
    assert _violations(("storyline.pipeline",), ("storyline.store",))  # the pipeline stores
    assert _within("storyline.store.db", ("storyline.store",))
    assert not _within("storyline.storehouse", ("storyline.store",))


def test_the_stages_import_no_io_package():
    assert _violations(PURE, (*OWN_IO, *THIRD_PARTY_IO)) == []


@pytest.mark.parametrize(
    ("stage", "later"),
    [
        ("storyline.extract", ("storyline.revisions", "storyline.stories")),
        ("storyline.revisions", ("storyline.stories",)),
    ],
)
def test_each_stage_imports_only_the_stages_before_it(stage, later):
    assert _violations((stage,), later) == []


def test_the_store_imports_no_stage_and_nothing_above_it():
    assert _violations(("storyline.store",), (*PURE, *ABOVE_STORE)) == []


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module in MODULES:
        edges = {i.target for i in imports_of(module) if not i.type_only and i.target in MODULES}
        graph[module] = edges - {module}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` as a path (first module repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_there_is_no_import_cycle_in_src():
    cycle = find_cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])
