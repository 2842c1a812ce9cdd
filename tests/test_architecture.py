"""The layering of docs/architecture.md, read from the code itself (ast, no import).

Apps from bottom to top (a module imports only from its own app or apps below it):
core < caisses < accounts < documents < schools < households < messaging < enrollment < menus < pricing
< billing < payments < directdebit < requests < stays < adultmeals < partners < privacy < demo < www

Fails on: an import circle between modules (imports inside functions included); a domain app
importing refectoire.www; an app importing an app above it; an import inside a function without a
`# reason` comment on the same or the previous line. Migrations are not read; the modules at the top
of refectoire/ (settings, urls, wsgi...) may import any app.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

ORDER = [
    "core",
    "caisses",
    "accounts",
    "documents",
    "schools",
    "households",
    "messaging",
    "enrollment",
    "menus",
    "pricing",
    "billing",
    "payments",
    "directdebit",
    "requests",
    "stays",
    "adultmeals",
    "partners",
    "privacy",
    "demo",
    "www",
]
RANK = {app: rank for rank, app in enumerate(ORDER)}
ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "refectoire"

# Known violations waiting for a fix (none: issue 14 removed them). Keys: ("up", module, imported
# module), ("www", module, imported module), ("inner", module, imported module), ("cycle", *modules).
PENDING: set[tuple[str, ...]] = set()


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the imported refectoire module, or the top-level name of another package
    line: int
    inner: bool  # inside a function
    has_reason: bool


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def read_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.relative_to(PACKAGE).parts
    }


def _resolve(name: str, modules) -> str:
    """The module `name` designates: itself when it is a module, else its closest parent that is."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name


def _has_reason(lines: list[str], line: int) -> bool:
    """A `# reason` on the import's line, or on the line above the block of imports it belongs to."""
    if "# reason" in lines[line - 1]:
        return True
    above = line - 2
    while above >= 0 and lines[above].strip().startswith(("from ", "import ")):
        above -= 1
    return above >= 0 and lines[above].strip().startswith("# reason")


def _walk(node, inner=False):
    """(import node, inside a function) for every import under `node`."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child, inner
        yield from _walk(
            child, inner or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        )


def _imported_names(node, package: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
        base = f"{anchor}.{base}" if base else anchor
    if base.startswith("refectoire"):
        return [f"{base}.{alias.name}" for alias in node.names]
    return [base]


def read_imports(modules: dict[str, Path]) -> list[Import]:
    found = []
    for module, path in modules.items():
        source = path.read_text()
        lines = source.splitlines()
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node, inner in _walk(ast.parse(source, filename=str(path))):
            for name in _imported_names(node, package):
                target = _resolve(name, modules) if name.startswith("refectoire") else name.split(".")[0]
                found.append(Import(module, target, node.lineno, inner, _has_reason(lines, node.lineno)))
    return found


def app_of(module: str) -> str | None:
    """The app of a module of refectoire/, None for the modules at its top (settings, urls...)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and (PACKAGE / parts[1]).is_dir()) else None


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def violations() -> dict[tuple[str, ...], str]:
    """Every violation: its key (as PENDING holds them) → a message naming the module, line and rule."""
    modules = read_modules()
    imports = read_imports(modules)
    found: dict[tuple[str, ...], str] = {}
    graph: dict[str, set[str]] = {}
    first_line: dict[tuple[str, str], int] = {}
    for imp in imports:
        where = f"{imp.module} (line {imp.line})"
        if imp.inner and not imp.has_reason:
            found.setdefault(
                ("inner", imp.module, imp.target),
                f"{where}: imports {imp.target} inside a function without a `# reason` comment "
                "(rule: imports at module level, or a one-line reason)",
            )
        if not imp.target.startswith("refectoire.") or imp.target == imp.module:
            continue
        graph.setdefault(imp.module, set()).add(imp.target)
        first_line.setdefault((imp.module, imp.target), imp.line)
        source, target = app_of(imp.module), app_of(imp.target)
        if source is None or target is None or source == target:
            continue
        if target == "www" and source != "www":
            found.setdefault(
                ("www", imp.module, imp.target),
                f"{where}: imports {imp.target} (rule: a domain app never imports refectoire.www)",
            )
        elif RANK.get(target, -1) > RANK.get(source, len(ORDER)):
            found.setdefault(
                ("up", imp.module, imp.target),
                f"{where}: imports {imp.target} (rule: app {source} may import only apps below it, "
                f"and {target} is above)",
            )
    for component in cycles(graph):
        members = set(component)
        edges = ", ".join(
            f"{a} (line {first_line[(a, b)]}) -> {b}"
            for a in component
            for b in sorted(graph.get(a, ()) & members)
        )
        found[("cycle", *component)] = f"import circle between modules: {edges} (rule: no import circle)"
    return found


def test_every_app_has_its_place_in_the_layering():
    apps = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").exists()}
    assert apps - set(ORDER) == set(), "apps missing from the layering order of docs/architecture.md"


def test_imports_follow_the_layers_with_no_circle_and_no_hidden_import():
    found = violations()
    unexpected = [message for key, message in sorted(found.items()) if key not in PENDING]
    assert unexpected == [], "\n".join(unexpected)


def test_pending_holds_no_stale_entry():
    """An entry of PENDING that no longer fails must go: PENDING only shrinks."""
    found = violations()
    assert sorted(PENDING - set(found)) == []


def test_the_checker_sees_each_rule(tmp_path):
    """The checker itself: a circle, an upward import, www from a domain app, a hidden import."""
    graph = {
        "refectoire.a.x": {"refectoire.a.y"},
        "refectoire.a.y": {"refectoire.a.x"},
        "refectoire.a.z": set(),
    }
    assert cycles(graph) == [["refectoire.a.x", "refectoire.a.y"]]
    lines = ["def f():", "    # reason: app loading", "    import os", "    import sys", "", "    import re"]
    assert [_has_reason(lines, number) for number in (3, 4, 6)] == [True, True, False]
    assert app_of("refectoire.billing.services") == "billing"
    assert app_of("refectoire.settings") is None
