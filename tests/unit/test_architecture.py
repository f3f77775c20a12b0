"""The rooms of the house and who may import whom (README "Architecture"), checked on the source."""

from __future__ import annotations

import ast
import hashlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "storage")


@dataclass(frozen=True)
class Import:
    target: str  # the module imported (for `from a import b`: a.b when that is a module)
    lazy: bool  # inside a function
    type_only: bool  # inside `if TYPE_CHECKING:`


def modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if "migrations" in rel.parts:
                continue
            parts = list(rel.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


MODULES = modules()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _is_lazy_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "lazy"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


def imports_of(name: str) -> Iterator[Import]:
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]

    def walk(node: ast.AST, lazy: bool, type_only: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield Import(alias.name, lazy, type_only)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (child.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in child.names:
                    sub = f"{base}.{alias.name}"
                    yield Import(sub if sub in MODULES else base, lazy, type_only)
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield from walk(child, True, type_only)
            elif isinstance(child, ast.If) and _is_type_checking(child):
                for stmt in child.body:
                    yield from walk(ast.Module(body=[stmt], type_ignores=[]), lazy, True)
                for stmt in child.orelse:
                    yield from walk(ast.Module(body=[stmt], type_ignores=[]), lazy, type_only)
            elif _is_lazy_call(child):
                # bot.core.lazy: loaded later, but a dependency all the same (cycles count it).
                yield Import(child.args[0].value, lazy, type_only)  # type: ignore[attr-defined]
            else:
                yield from walk(child, lazy, type_only)

    yield from walk(tree, False, False)


def room(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "bot" and len(parts) > 1 else parts[0]


def ours(target: str) -> bool:
    return target.split(".")[0] in PACKAGES


def test_the_graph_sees_every_room() -> None:
    rooms = {room(m) for m in MODULES}
    assert {"bot.domain", "bot.core", "bot.channels", "handlers", "storage"} <= rooms
    edges = {(name, i.target) for name in MODULES for i in imports_of(name)}
    assert ("storage.models.core", "bot.domain.enums") in edges
    # A module loaded on first use (bot.core.lazy) is an edge too, not a type-only one.
    found = {i for i in imports_of("handlers.reports") if i.target == "bot.reports.charts"}
    assert Import("bot.reports.charts", lazy=False, type_only=False) in found


def test_no_sqlalchemy_outside_storage() -> None:
    # Code outside storage names session types through storage.sessions, even for typing.
    found = [
        f"{name} imports {i.target}"
        for name in MODULES
        if room(name) != "storage"
        for i in imports_of(name)
        if i.target.split(".")[0] == "sqlalchemy"
    ]
    assert found == []


def test_storage_imports_only_the_domain_of_bot() -> None:
    found = [
        f"{name} imports {i.target}"
        for name in MODULES
        if room(name) == "storage"
        for i in imports_of(name)
        if ours(i.target) and room(i.target) not in ("storage", "bot.domain")
    ]
    assert found == []


def test_the_domain_is_pure() -> None:
    found = [
        f"{name} imports {i.target}"
        for name in MODULES
        if room(name) == "bot.domain"
        for i in imports_of(name)
        if (ours(i.target) and room(i.target) != "bot.domain")
        or i.target.split(".")[0] in ("sqlalchemy", "pydantic", "pydantic_settings")
    ]
    assert found == []


def test_no_lazy_imports_of_our_modules_outside_the_cli() -> None:
    # A lazy import is how a cycle hides; the CLI alone may defer heavy commands' imports.
    found = [
        f"{name} imports {i.target} inside a function"
        for name in MODULES
        if not name.startswith("bot.cli")
        for i in imports_of(name)
        if i.lazy and ours(i.target)
    ]
    assert found == []


def test_no_import_cycles() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for name in MODULES:
        for i in imports_of(name):
            target = i.target
            while target not in MODULES and "." in target:
                target = target.rpartition(".")[0]
            if target in MODULES and target != name and not i.type_only:
                # Importing a package's module runs the package's __init__ first, but
                # that is not a dependency of the importer on the package's other modules.
                graph[name].add(target)
    cycles = _cycles(graph)
    assert cycles == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

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
                out.append(sorted(component))

    for v in sorted(MODULES):
        if v not in index:
            visit(v)
    return out


def test_a_cycle_is_found() -> None:
    graph = {m: set() for m in ("bot.x", "bot.y")}
    graph["bot.x"].add("bot.y")
    graph["bot.y"].add("bot.x")
    original = dict(MODULES)
    MODULES.update({"bot.x": Path("x"), "bot.y": Path("y")})
    try:
        assert _cycles(graph) == [["bot.x", "bot.y"]]
    finally:
        MODULES.clear()
        MODULES.update(original)


LIMITS = {"bot.channels": 300}
DEFAULT_LIMIT = 400


def test_every_file_is_small() -> None:
    found = []
    for name, path in MODULES.items():
        limit = LIMITS.get(room(name), DEFAULT_LIMIT)
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            found.append(f"{path.relative_to(ROOT)}: {lines} lines (limit {limit})")
    assert found == []


BLOCK = 10


def repeated_blocks(files: dict[str, list[str]]) -> list[str]:
    """Places where the same BLOCK lines (stripped, blank lines and comments skipped) occur
    twice: copy-paste that should be one function."""
    seen: dict[str, str] = {}
    found = []
    for name, raw in files.items():
        lines = [(n, ln.strip()) for n, ln in enumerate(raw, 1)]
        lines = [(n, ln) for n, ln in lines if ln and not ln.startswith("#")]
        last_hit = -BLOCK
        for k in range(len(lines) - BLOCK + 1):
            window = [ln for _n, ln in lines[k : k + BLOCK]]
            # Import lists, docstrings and closing brackets repeat legitimately.
            if sum(len(w) > 3 and not w.startswith(("from ", "import ")) for w in window) < BLOCK:
                continue
            digest = hashlib.sha1("\n".join(window).encode()).hexdigest()
            where = f"{name}:{lines[k][0]}"
            if digest in seen and seen[digest] != where and k - last_hit >= BLOCK:
                found.append(f"{where} repeats {seen[digest]}")
                last_hit = k
            seen.setdefault(digest, where)
    return found


def test_no_block_of_ten_lines_is_repeated() -> None:
    files = {
        str(p.relative_to(ROOT)): p.read_text(encoding="utf-8").splitlines()
        for p in MODULES.values()
    }
    assert repeated_blocks(files) == []


def test_a_repeated_block_is_found() -> None:
    body = [f"value_{i} = compute({i}, 'x')" for i in range(12)]
    found = repeated_blocks({"a.py": ["def f():", *body], "b.py": ["def g():", *body]})
    assert found and found[0].startswith("b.py:2 repeats a.py:2")
