"""Hostile and oversized files (issue 15): time and peak memory of reading (or refusing) each,
against a clean 50 MB survey CSV read the same way in the same run.

Each file is read by `read_survey` in a fresh process; the memory figure is the peak resident
size above what the process had before reading. Goal: every file within 10 s and 1 GB.

Usage: python bench/hostile.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from hostile_files import HOSTILE  # noqa: E402

from cxmaturity.models import get_model  # noqa: E402

PROBE = (ROOT / "tests" / "integration" / "test_hostile.py").read_text().split('PROBE = """')[1].split('"""')[0]


def clean_csv(path: Path, target_bytes: int = 50_000_000) -> int:
    """A clean Forrester survey answered with scale labels, just under ``target_bytes``."""
    model = get_model("forrester")
    labels = [model.scale.labels[k] for k in sorted(model.scale.labels)]
    rng = np.random.default_rng(5)
    header = ",".join(["respondent_id", "department", *model.item_ids]) + "\n"
    with path.open("w", encoding="utf-8") as f:
        f.write(header)
        size, r = len(header), 0
        while True:
            answers = rng.integers(0, len(labels), size=len(model.item_ids))
            line = ",".join([f"r{r}", f"Department {r % 20}", *(labels[a] for a in answers)]) + "\n"
            if size + len(line) > target_bytes:
                return r
            f.write(line)
            size += len(line)
            r += 1


def measure(path: Path, filename: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(path), filename], capture_output=True, text=True, timeout=300,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    if result.returncode != 0:
        return {"error": result.stderr.strip().splitlines()[-1:] or ["crashed"]}
    return json.loads(result.stdout)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        baseline_path = folder / "clean.csv"
        respondents = clean_csv(baseline_path)
        base = measure(baseline_path, "clean.csv")
        print(f"baseline: clean survey CSV, {baseline_path.stat().st_size / 1e6:.1f} MB, {respondents:,} respondents: "
              f"{base['seconds']:.2f} s, +{base['extra_mb']:.0f} MB")
        print(f"{'file':32} {'size':>9} {'time':>8} {'x base':>7} {'memory':>9}  outcome")
        for name, (make, filename) in HOSTILE.items():
            path = folder / ("hostile" + Path(filename).suffix)
            path.write_bytes(make())
            out = measure(path, filename)
            if "error" in out:
                print(f"{name:32} {path.stat().st_size / 1e6:8.2f}M  FAILED: {out['error']}")
                continue
            what = f"read {out['read']}" if "read" in out else f"refused: {out['problems'][0][:90]}"
            print(f"{name:32} {path.stat().st_size / 1e6:8.2f}M {out['seconds']:7.2f}s {out['seconds'] / base['seconds']:6.2f}x "
                  f"{out['extra_mb']:+8.0f}M  {what}")


if __name__ == "__main__":
    main()
