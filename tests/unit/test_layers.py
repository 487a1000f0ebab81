"""Architecture rules (design.md §7, issue 8): one-way imports, no cycles, thin UI.

The layer contracts live in pyproject.toml ([tool.importlinter]) and run here through
import-linter; grimp (import-linter's graph) also proves the package has no import cycle.
"""

import ast
from pathlib import Path

import grimp
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]
UI_FILES = [ROOT / "app.py", ROOT / "ui.py", *sorted((ROOT / "pages").glob("*.py"))]
DATABASE_MODULES = ("sqlalchemy", "sqlite3", "psycopg", "psycopg2", "alembic", "cxmaturity.store")


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports, dotted in full (``from cxmaturity import store`` gives
    ``cxmaturity.store``), wherever the import stands (also inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _touches(names: set[str], forbidden: tuple[str, ...]) -> set[str]:
    return {n for n in names if any(n == f or n.startswith(f + ".") for f in forbidden)}


def test_import_contracts_hold():
    # layers, sibling independence within a layer, and no Streamlit in the domain
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml")) == 0


def test_the_package_has_no_import_cycle():
    graph = grimp.build_graph("cxmaturity")
    modules = sorted(graph.modules)
    # Tarjan's strongly connected components: any component of two or more modules is a cycle
    index, low, on_stack, stack, cycles, counter = {}, {}, set(), [], [], [0]

    def visit(module: str) -> None:
        index[module] = low[module] = counter[0]
        counter[0] += 1
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in modules:
        if module not in index:
            visit(module)
    assert cycles == []


def test_domain_never_imports_streamlit():
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "cxmaturity").rglob("*.py")
        if _touches(_imported_modules(p), ("streamlit",))
    ]
    assert offenders == []


def test_pages_app_and_ui_never_reach_the_store_or_a_database_driver():
    offenders = {p.name: sorted(_touches(_imported_modules(p), DATABASE_MODULES)) for p in UI_FILES}
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_check_sees_what_it_should():
    # the checker itself: an import of the store in any spelling is caught
    sample = ROOT / "tests" / "unit" / "_layer_sample.py"
    sample.write_text("from cxmaturity import store\nimport sqlalchemy.orm\ndef f():\n    from cxmaturity.store import engine\n")
    try:
        found = _touches(_imported_modules(sample), DATABASE_MODULES)
    finally:
        sample.unlink()
    assert found == {"cxmaturity.store", "sqlalchemy.orm", "cxmaturity.store.engine"}
