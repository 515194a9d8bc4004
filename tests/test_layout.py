"""The package's layers: a part imports only the parts below it, no import cycle, and
no module so long that it must do several jobs.

The parts, bottom to top, and the parts each may import; a part on one level with
another (checks, views, digests; docs, site, releases) does not import it. Imports are
read from the source (ast), those inside functions and TYPE_CHECKING blocks included.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "cpcd"

BELOW = {
    "common": [],
    "metadata": ["common"],
    "checks": ["common", "metadata"],
    "views": ["common", "metadata"],
    "digests": ["common", "metadata"],
    "exports": ["common", "metadata", "checks", "views", "digests"],
    "api": ["common", "metadata", "checks", "views", "digests", "exports"],
    "docs": ["common", "metadata", "checks", "views", "digests", "exports", "api"],
    "site": ["common", "metadata", "checks", "views", "digests", "exports", "api"],
    "releases": ["common", "metadata", "checks", "views", "digests", "exports", "api"],
    "cli": [
        "common",
        "metadata",
        "checks",
        "views",
        "digests",
        "exports",
        "api",
        "docs",
        "site",
        "releases",
    ],
}
# Modules at the top of the package, and the part each belongs to.
TOP = {"__init__": "api", "__main__": "cli", "api": "api"}


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name; a package by its own name."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = ["cpcd", *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def part_of(module: str) -> str | None:
    """The part a module belongs to: its subpackage, or TOP's entry for a top module."""
    names = module.split(".")
    if len(names) == 1:
        return TOP.get("__init__")
    if (
        module in MODULES
        and MODULES[module].parent == PACKAGE
        and MODULES[module].stem != "__init__"
    ):
        return TOP.get(names[1])
    return names[1] if names[1] in BELOW else None


def imports(module: str) -> set[str]:
    """The modules of cpcd that ``module`` imports, anywhere in its source."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            subs = [f"{base}.{alias.name}" for alias in node.names]
            names = [n for n in subs if n in MODULES]
            if len(names) < len(subs):  # a name defined in ``base`` itself
                names.append(base)
        else:
            continue
        for name in names:
            while name and name not in MODULES and "." in name:
                name = name.rpartition(".")[0]
            if name in MODULES and name != module:
                found.add(name)
    return found


GRAPH = {module: imports(module) for module in MODULES}
LONGEST = 400  # lines: a module longer than this does more than one job


def test_no_module_is_longer_than_the_limit():
    lengths = {m: len(p.read_text(encoding="utf-8").splitlines()) for m, p in MODULES.items()}
    assert {m: n for m, n in lengths.items() if n > LONGEST} == {}


def test_every_module_is_in_a_part():
    lost = [m for m in MODULES if part_of(m) is None]
    assert lost == [], f"modules in no part (add them to a subpackage or to TOP): {lost}"


def test_the_parts_are_ordered():
    """Each part's list holds only parts listed before it, so the order has no loop."""
    order = list(BELOW)
    for part, below in BELOW.items():
        assert set(below) <= set(order[: order.index(part)]), part


def upward(graph: dict[str, set[str]]) -> list[str]:
    """Each import of a part that is not below the importing module's part."""
    return [
        f"{module} ({part_of(module)}) imports {target} ({part_of(target)})"
        for module, targets in sorted(graph.items())
        for target in sorted(targets)
        if part_of(target) != part_of(module) and part_of(target) not in BELOW[part_of(module)]
    ]


def test_no_part_imports_a_part_above_or_beside_it():
    assert upward(GRAPH) == []


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_has_no_cycle():
    assert cycles(GRAPH) == []


def test_the_checks_can_fail():
    """The two checks catch what they are for, on made-up graphs."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    order = list(BELOW)
    top, bottom = order[-1], order[0]
    made_up = {f"cpcd.{bottom}.a": {f"cpcd.{top}.b"}, f"cpcd.{top}.b": {f"cpcd.{bottom}.a"}}
    assert upward(made_up) == [f"cpcd.{bottom}.a ({bottom}) imports cpcd.{top}.b ({top})"]
