"""The house rules of the import graph, read from the source with `ast`.

Layers only point down — catalog < embeddings < matcher < eval < service — there are no
import cycles (a function-level import counts: it is the same dependency, paid later), the
library packages never read the environment, and no shipped file grows past 600 lines.
Each rule is checked first on a small planted tree with a known answer, then on the repo.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("catalog", "embeddings", "matcher", "eval", "service")
LIBRARY = ("catalog", "embeddings", "matcher")  # never read os.environ
MAX_LINES = 600
_ENV_NAMES = {"environ", "getenv", "putenv", "unsetenv", "environb", "getenvb"}


def _modules(root: Path) -> dict[str, Path]:
    """Dotted module name → file, for every .py file of the shipped packages."""
    out: dict[str, Path] = {}
    for top in LAYERS:
        for path in sorted((root / top).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk_runtime(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node except those under ``if TYPE_CHECKING:`` (annotations only, never run)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                stack.extend(child.orelse)
                continue
            stack.append(child)


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The longest known module that ``name`` is or lies in (``a.b.C`` → ``a.b``)."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return None


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module → the project modules it imports at run time (module or function level)."""
    known = _modules(root)
    graph: dict[str, set[str]] = {}
    for module, path in known.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        targets: set[str] = set()
        for node in _walk_runtime(ast.parse(path.read_text("utf-8"), str(path))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                names = [f"{base}.{a.name}" for a in node.names] or [base]
            for name in names:
                target = _resolve(name, known)
                if target is not None and target != module:
                    targets.add(target)
        graph[module] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
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


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    rank = {name: i for i, name in enumerate(LAYERS)}
    return [
        f"{src} imports {dst} ({src.split('.')[0]} may not depend on {dst.split('.')[0]})"
        for src, targets in sorted(graph.items())
        for dst in sorted(targets)
        if rank[dst.split(".")[0]] > rank[src.split(".")[0]]
    ]


def environment_reads(root: Path) -> list[str]:
    """``os.environ`` / ``os.getenv`` (or ``from os import environ``) in library packages."""
    found = []
    for module, path in _modules(root).items():
        if module.split(".")[0] not in LIBRARY:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            hit = (
                isinstance(node, ast.Attribute)
                and node.attr in _ENV_NAMES
                and isinstance(node.value, ast.Name)
                and node.value.id == "os"
            ) or (
                isinstance(node, ast.ImportFrom)
                and node.module == "os"
                and any(a.name in _ENV_NAMES for a in node.names)
            )
            if hit:
                found.append(f"{path.relative_to(root)}:{getattr(node, 'lineno', 0)}")
    return found


def long_files(root: Path, limit: int = MAX_LINES) -> list[str]:
    return [
        f"{path.relative_to(root)}: {n} lines"
        for path in _modules(root).values()
        if (n := len(path.read_text("utf-8").splitlines())) > limit
    ]


# ------------------------------------------------------------------ planted tree
def _plant(root: Path, files: dict[str, str]) -> Path:
    for top in LAYERS:
        (root / top).mkdir(parents=True, exist_ok=True)
        (root / top / "__init__.py").touch()
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    return root


def test_the_checker_finds_a_planted_cycle_through_a_function_level_import(
    tmp_path: Path,
) -> None:
    root = _plant(
        tmp_path,
        {
            "service/cli.py": "from service.sub import sub_app\n",
            "service/sub.py": "def f():\n    from service.cli import state\n",
            "service/ok.py": "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from service.cli import state\n",
        },
    )
    graph = import_graph(root)
    assert graph["service.sub"] == {"service.cli"}
    assert graph["service.ok"] == set()  # annotations only: not a run-time dependency
    assert cycles(graph) == [["service.cli", "service.sub"]]


def test_the_checker_resolves_relative_imports_and_names_upward_layers(tmp_path: Path) -> None:
    root = _plant(
        tmp_path,
        {
            "catalog/store.py": "from matcher.engine import MatchEngine\n",
            "matcher/engine.py": "from .index import X\nimport eval.metrics\n",
            "matcher/index.py": "X = 1\n",
            "eval/metrics.py": "from catalog import store\n",
        },
    )
    graph = import_graph(root)
    assert graph["matcher.engine"] == {"matcher.index", "eval.metrics"}
    assert graph["eval.metrics"] == {"catalog.store"}
    assert layer_violations(graph) == [
        "catalog.store imports matcher.engine (catalog may not depend on matcher)",
        "matcher.engine imports eval.metrics (matcher may not depend on eval)",
    ]
    assert cycles(graph) == [["catalog.store", "eval.metrics", "matcher.engine"]]


def test_the_checker_finds_environment_reads_and_long_files(tmp_path: Path) -> None:
    root = _plant(
        tmp_path,
        {
            "embeddings/a.py": "import os\nHOME = os.environ.get('HOME')\n",
            "matcher/b.py": "from os import getenv\n",
            "eval/c.py": "import os\nX = os.environ['X']\n",  # eval may read it
            "service/long.py": "x = 1\n" * (MAX_LINES + 1),
        },
    )
    assert environment_reads(root) == ["embeddings/a.py:2", "matcher/b.py:1"]
    assert long_files(root) == [f"service/long.py: {MAX_LINES + 1} lines"]


# ------------------------------------------------------------------------ the repo
@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(ROOT)


def test_the_shipped_packages_have_no_import_cycle(graph: dict[str, set[str]]) -> None:
    assert len(graph) > 50  # the walk saw the packages
    assert cycles(graph) == []


def test_layers_only_point_down(graph: dict[str, set[str]]) -> None:
    assert layer_violations(graph) == []


def test_library_packages_never_read_the_environment() -> None:
    assert environment_reads(ROOT) == []


def test_no_shipped_python_file_exceeds_600_lines() -> None:
    assert long_files(ROOT) == []


def test_embeddings_stand_alone(graph: dict[str, set[str]]) -> None:
    """Encoders need no catalog: their one error lives with them (embeddings.errors)."""
    assert {
        f"{src} imports {dst}"
        for src, targets in graph.items()
        if src.split(".")[0] == "embeddings"
        for dst in targets
        if dst.split(".")[0] != "embeddings"
    } == set()
