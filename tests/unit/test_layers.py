"""Architecture rules that keep the domain independent of the UI (design.md §7)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_domain_never_imports_streamlit():
    offenders = [
        str(p.relative_to(ROOT)) for p in (ROOT / "cxmaturity").rglob("*.py") if "streamlit" in _imported_modules(p)
    ]
    assert offenders == []


def test_pages_do_not_reach_into_storage_or_sql():
    forbidden = {"sqlalchemy", "sqlite3", "psycopg"}
    offenders = []
    for p in [ROOT / "app.py", *(ROOT / "pages").glob("*.py")]:
        if p.exists() and _imported_modules(p) & forbidden:
            offenders.append(p.name)
    assert offenders == []
