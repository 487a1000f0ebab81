"""Test-suite benchmark: the non-browser tests today against the suite issue 8 was filed on.

Issue 8 asks the non-browser tests to take at most half the time they took when it was filed
(commit d03d011), on the same machine. The suite has grown since (languages, the plan, waves,
the report...), so this script times, in the same run:
  then:      the filed commit's own suite, checked out in a temporary worktree, run as its README
             ran it (``python -m pytest``, one process);
  same:      today's suite limited to the tests whose function names the filed suite has (the same
             tests, moved into tests/unit and tests/integration; parametrised cases all kept),
             run as today's README runs it;
  today:     today's whole non-browser suite, run the same way;
and prints each one's wall time and the ratio same / then (goal <= 0.5).

Needs the git history (a clone, not an archive). Usage: python bench/suite.py
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILED_AT = "d03d011"  # main when issue 8 was filed

# Deselects every test whose function name is not in CXM_BENCH_NAMES (a file, one name a line).
SELECT_PLUGIN = '''
import os, re
NAMES = set(open(os.environ["CXM_BENCH_NAMES"]).read().split())

def pytest_collection_modifyitems(config, items):
    keep, drop = [], []
    for item in items:
        (keep if re.sub(r"\\[.*\\]$", "", item.name) in NAMES else drop).append(item)
    config.hook.pytest_deselected(items=drop)
    items[:] = keep
'''


def test_names(tests: Path) -> set[str]:
    """Names of the test functions in the non-browser test files under ``tests``."""
    names = set()
    for path in tests.rglob("test_*.py"):
        if "e2e" in path.relative_to(tests).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_"):
                names.add(node.name)
    return names


def run_pytest(cwd: Path, args: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Wall time of one pytest process and its summary line; stops the script if a test fails."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--ignore=tests/e2e", *args],
        cwd=cwd, env=env, capture_output=True, text=True, check=False,
    )
    elapsed = time.perf_counter() - start
    lines = proc.stdout.strip().splitlines()
    summary = lines[-1] if lines else proc.stderr.strip()[-500:]
    if proc.returncode != 0:
        raise SystemExit(f"pytest failed in {cwd}:\n{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}")
    return elapsed, re.sub(r"=+", "", summary).strip()


def main() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CXMATURITY_")}
    env.pop("CI", None)  # the quick Hypothesis profile, as a developer runs the tests
    known = subprocess.run(["git", "cat-file", "-e", f"{FILED_AT}^{{commit}}"], cwd=ROOT, capture_output=True, check=False)
    if known.returncode != 0:
        raise SystemExit(f"commit {FILED_AT} is not in this clone's history (a shallow clone?): git fetch --unshallow")
    with tempfile.TemporaryDirectory() as tmp:
        then_tree = Path(tmp) / "filed"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(then_tree), FILED_AT], cwd=ROOT, check=True)
        try:
            names = test_names(then_tree / "tests")
            names_file = Path(tmp) / "names.txt"
            names_file.write_text("\n".join(sorted(names)), encoding="utf-8")
            (Path(tmp) / "cxm_bench_select.py").write_text(SELECT_PLUGIN, encoding="utf-8")
            # the filed suite imports the filed package: its tree comes first on the path
            then_env = {**env, "PYTHONPATH": str(then_tree)}
            then, then_summary = run_pytest(then_tree, [], then_env)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(then_tree)], cwd=ROOT, check=False)
        same_env = {**env, "PYTHONPATH": tmp, "CXM_BENCH_NAMES": str(names_file)}
        same, same_summary = run_pytest(ROOT, ["-p", "cxm_bench_select"], same_env)
        today, today_summary = run_pytest(ROOT, [], env)

    kept = len(names & test_names(ROOT / "tests"))
    print(f"the filed suite ({FILED_AT}), one process: {then:6.1f} s  ({then_summary})")
    print(f"the same tests today ({kept} of its {len(names)} test functions): {same:6.1f} s  ({same_summary})")
    print(f"today's whole non-browser suite: {today:6.1f} s  ({today_summary})")
    print(f"ratio same tests today / filed suite: {same / then:.2f}  (goal <= 0.5)")


if __name__ == "__main__":
    main()
