"""The shape of the house: the model never imports Textual, packages import only the layers
below them, no two modules import each other, and no class pretends to be another."""

from __future__ import annotations

import ast
import functools
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "newstui"
MODEL = SRC / "model"

# What each part of the model may import from the rest of it (itself always included).
# Helpers any part may use; they import nothing of newstui.
BASE = {"memory", "untrusted", "durations"}
LAYERS = {
    "memory": set(),
    "untrusted": set(),
    "durations": set(),
    "corpus": BASE,
    "index": {"corpus", *BASE},
    "search": {"index", "corpus", *BASE},
    "cache": {"index", "corpus", *BASE},
    "load": {"cache", "index", "corpus", *BASE},
    "library": {"load", "cache", "search", "index", "corpus", *BASE},
    "user": {"untrusted", "durations"},  # reading state, config, the binding table
    "feeds": {"cache", "corpus", *BASE},  # subscriptions, fetching, article files
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@functools.cache
def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in SRC.rglob("*.py")}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(path: Path, name: str) -> Iterator[str]:
    """Every module ``path`` imports, deferred ones included, ``TYPE_CHECKING`` blocks aside.

    ``from package import module`` imports that module; ``from module import name``, that
    module.
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    modules = _modules()

    def visit(node: ast.AST) -> Iterator[str]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for other in child.orelse:
                    yield from visit(other)
                continue
            if isinstance(child, ast.Import):
                yield from (alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    base = ".".join([*package.split(".")[: len(package.split(".")) - child.level
                                                        + 1], *([base] if base else [])])
                for alias in child.names:
                    inner = f"{base}.{alias.name}"
                    yield inner if inner in modules else base
            yield from visit(child)

    yield from visit(ast.parse(path.read_text()))


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: {imported for imported in _imports(path, name) if imported in modules
                   and imported != name}
            for name, path in modules.items()}


def _part(module: str) -> str | None:
    """The part of the model ``module`` belongs to (``corpus``, ``library``...), or None."""
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[1] == "model" else None


def test_model_and_cli_import_without_textual() -> None:
    code = (
        "import sys, pkgutil, importlib, newstui.model, newstui.cli\n"
        "for m in pkgutil.walk_packages(newstui.model.__path__, 'newstui.model.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n == 'textual' or n.startswith('textual.'))\n"
        "print(len(bad)); print(bad[:5])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert proc.stdout.splitlines()[0] == "0", proc.stdout


def test_no_textual_import_outside_tui() -> None:
    offenders = sorted(
        name for name, path in _modules().items()
        if ".tui" not in name and any(i == "textual" or i.startswith("textual.")
                                      for i in _imports(path, name))
    )
    assert offenders == []


def test_the_model_imports_nothing_of_the_ui_and_only_the_layers_below() -> None:
    wrong = []
    for module, imported in _graph().items():
        part = _part(module)
        if part is None:
            continue
        for other in imported:
            if not other.startswith("newstui.model"):
                if other != "newstui":  # the version string
                    wrong.append(f"{module} -> {other}")
                continue
            target = _part(other)
            if target is not None and target != part and target not in LAYERS[part]:
                wrong.append(f"{module} -> {other}")
    assert wrong == []


def test_every_part_of_the_model_is_in_the_layer_table() -> None:
    parts = {p.stem if p.is_file() else p.name for p in MODEL.iterdir()
             if p.name != "__init__.py" and p.name != "__pycache__"}
    assert parts == set(LAYERS)


def test_no_two_modules_import_each_other() -> None:
    graph = _graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def walk(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt):], nxt])
            elif nxt not in state:
                walk(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            walk(node, [node])
    assert cycles == []


def test_the_model_is_a_handful_of_packages_each_with_a_face() -> None:
    loose = sorted(p.name for p in MODEL.glob("*.py") if p.name != "__init__.py")
    assert len(loose) <= 4, loose
    for package in (p for p in MODEL.iterdir() if (p / "__init__.py").exists()):
        tree = ast.parse((package / "__init__.py").read_text())
        assert ast.get_docstring(tree), f"{package.name} has no docstring"
        names = [t.id for node in tree.body if isinstance(node, ast.Assign)
                 for t in node.targets if isinstance(t, ast.Name)]
        assert "__all__" in names, f"{package.name} has no __all__"


def test_no_class_pretends_to_be_another() -> None:
    """A base class chosen under ``TYPE_CHECKING`` (a mixin typed as the app) is a lie."""
    liars = []
    for name, path in _modules().items():
        tree = ast.parse(path.read_text())
        pretend: set[str] = set()
        for node in tree.body:
            if isinstance(node, ast.If) and _is_type_checking(node.test):
                for branch in (*node.body, *node.orelse):
                    if isinstance(branch, ast.Assign):
                        pretend.update(t.id for t in branch.targets if isinstance(t, ast.Name))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases = {b.id for b in node.bases if isinstance(b, ast.Name)}
                if bases & pretend:
                    liars.append(f"{name}.{node.name}")
    assert liars == []


def test_only_the_library_builds_an_engine() -> None:
    builders = sorted(
        name for name, path in _modules().items()
        if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "Engine"
               for n in ast.walk(ast.parse(path.read_text())))
    )
    assert builders == ["newstui.model.library"]
