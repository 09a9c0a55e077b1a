"""The import structure: apps depend downwards only, and no module imports itself back.

Every project module is read as text (``ast``), with its imports at any depth, including
those inside functions: a function-level import is still a dependency. Tests and
migrations are left out (nothing imports them).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = {
    "carta": ROOT / "platform" / "carta",
    "stakeholders": ROOT / "stakeholders",
    "proposals": ROOT / "proposals",
    "consultations": ROOT / "consultations",
    "feedback": ROOT / "feedback",
}
# Each layer, from the ground up, with the layers it may import. A layer may always
# import itself.
ALLOWED = {
    "carta": set(),
    "stakeholders": {"carta"},
    "proposals": {"carta", "stakeholders"},
    "consultations.charter": {"carta", "stakeholders"},
    "consultations.voting": {"carta", "stakeholders", "consultations.charter", "proposals"},
    "feedback": {"carta", "stakeholders", "consultations.charter"},
}
# The core names the apps only as strings, in its URL and routing includes.
ROOT_URLCONF_ONLY = {"carta.urls", "carta.routing"}


def _module_name(path: Path) -> str:
    package, base = next(
        (name, folder) for name, folder in PACKAGES.items() if folder in path.parents
    )
    parts = list(path.relative_to(base).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([package, *parts])


def _modules() -> dict[str, Path]:
    found = {}
    for folder in PACKAGES.values():
        for path in folder.rglob("*.py"):
            relative = path.relative_to(folder).parts
            if any(part in ("tests", "migrations", "static") for part in relative):
                continue
            found[_module_name(path)] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules ``name`` imports (a ``from package import module`` names the
    module, a ``from module import function`` names the module)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            # The longest project module that the import names.
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _layer(module: str) -> str:
    for layer in sorted(ALLOWED, key=len, reverse=True):
        if module == layer or module.startswith(layer + "."):
            return layer
    return module.split(".")[0]


def test_the_walk_sees_the_project():
    graph = _graph()
    assert "carta.settings" in graph
    assert "consultations.voting.services" in graph
    assert "consultations.charter.models" in graph["feedback.models"]


def test_apps_depend_downwards_only():
    upward = sorted(
        f"{module} -> {target}"
        for module, targets in _graph().items()
        for target in targets
        if _layer(target) != _layer(module)
        and _layer(target) not in ALLOWED.get(_layer(module), set())
    )
    assert upward == []


def test_the_core_names_no_app_outside_its_url_and_routing_includes():
    graph = _graph()
    for module in ROOT_URLCONF_ONLY:
        assert {target for target in graph[module] if _layer(target) != "carta"} == set()
    source = (PACKAGES["carta"] / "urls.py").read_text()
    assert '"consultations.charter"' in source  # the apps are included by name only


def test_no_module_imports_a_module_that_imports_it_back():
    graph = _graph()
    # Tarjan's strongly connected components: any with two modules or more is a circle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert circles == []
