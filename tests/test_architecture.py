"""The house: data flows one way. Every import between sub-packages goes down the stages, never up
or sideways, and no module imports another in a circle (function-level imports included)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import sinojp

PACKAGE = Path(sinojp.__file__).resolve().parent
ROOT = PACKAGE.parent

#: the stages, lowest first; a module may import its own stage and those of lower rank
RANKS = {
    "_version": 0, "resources": 0, "stats": 0,
    "corpus": 1,
    "text": 2,
    "measures": 3, "topics": 3,
    "compare": 4, "validate": 4, "plots": 4,
    "pipeline": 5,
    "report": 6,
    "cli": 7,
    "__main__": 8, "__init__": 8,
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every sinojp module a file imports (at any depth of the code), with the line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names if a.name.startswith("sinojp")]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            if base.startswith("sinojp"):
                for alias in node.names:
                    candidate = f"{base}.{alias.name}"
                    found.append((candidate if _is_module(candidate) else base, node.lineno))
    return found


def _is_module(name: str) -> bool:
    rel = Path(*name.split(".")[1:])
    return (PACKAGE / rel).with_suffix(".py").exists() or (PACKAGE / rel / "__init__.py").exists()


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def test_every_stage_has_a_rank():
    stages = {_stage(m) for m in _modules()}
    assert stages <= set(RANKS), f"stages without a rank: {stages - set(RANKS)}"


def test_imports_only_go_down_the_stages():
    upward = []
    for module, path in _modules().items():
        own = _stage(module)
        for target, line in _imports(path):
            other = _stage(target)
            if other == own or target == "sinojp._version":
                continue
            if RANKS[other] >= RANKS[own]:
                upward.append(f"{path.relative_to(ROOT)}:{line} imports {target} ({own} -> {other})")
    assert not upward, "imports that do not go down the stages:\n" + "\n".join(upward)


def test_no_import_cycles():
    modules = _modules()
    graph = {m: {t for t, _ in _imports(p) if t in modules and t != m} for m, p in modules.items()}
    # a package's __init__ re-exports its modules; a module importing its own package's __init__
    # would close a loop, which the check below also finds
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(trail[trail.index(nxt):] + [nxt]) if nxt in trail else f"{node} -> {nxt}")
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_no_private_name_crosses_a_module():
    crossing = []
    for module, path in _modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sinojp"):
                crossing += [f"{module} imports {node.module}.{a.name}" for a in node.names
                             if a.name.startswith("_") and a.name != "__version__"]
    assert not crossing, "\n".join(crossing)


def test_every_sub_package_is_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    present = {_module_name(p) for p in PACKAGE.rglob("__init__.py")}
    assert present <= listed, f"sub-packages missing from pyproject.toml: {sorted(present - listed)}"
