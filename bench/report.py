"""Board-report benchmark (issue 13): the whole PDF on the demo, chart export included.

Times, in the same run and on the same demo database:
  baseline: the Overview's view model (what the page computes before drawing)
  content:  everything the report says (views, plan, progress), no rendering
  charts:   the report's charts as PNG through ONE kaleido browser (as the report does)
  one-each: the same charts with a new browser per chart (what the report avoids)
  report:   the whole PDF (content + charts + WeasyPrint)
and prints seconds, each against the baseline, and the goal: report under 10 s.

Usage: python bench/report.py [--repeats K]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL_SECONDS = 10.0
DEMO = "Demo Company (sample data)"


def timed(func, repeats: int) -> float:
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CXMATURITY_DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'demo.db'}"
        from cxmaturity import services
        from cxmaturity.report import board_report, builder
        from cxmaturity.views import overview

        services.prepare()
        latest = services.list_assessments(DEMO, "gartner")[-1].id
        content = builder.report_content(DEMO, "gartner")

        def one_browser_per_chart() -> None:
            for name, fig in content.figures.items():
                builder._png_charts({name: fig})

        pdf = board_report(DEMO, "gartner")  # warm: imports, fonts, the browser binary in the page cache
        results = {
            "baseline (Overview view model)": timed(lambda: overview.overview(DEMO, "gartner", latest), args.repeats),
            "content": timed(lambda: builder.report_content(DEMO, "gartner"), args.repeats),
            f"charts ({len(content.figures)}, one browser)": timed(lambda: builder._png_charts(content.figures), args.repeats),
            "charts, a browser each": timed(one_browser_per_chart, args.repeats),
            "whole report (PDF)": timed(lambda: board_report(DEMO, "gartner"), args.repeats),
        }
    base = results["baseline (Overview view model)"]
    print(f"demo report: {len(pdf) // 1024} KB; median of {args.repeats} runs")
    for name, seconds in results.items():
        print(f"  {name:34} {seconds:7.2f} s   x{seconds / base:8.1f} baseline")
    total = results["whole report (PDF)"]
    print(f"goal: whole report under {GOAL_SECONDS:.0f} s -> {'met' if total < GOAL_SECONDS else 'NOT met'} ({total:.2f} s)")
    return 0 if total < GOAL_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
