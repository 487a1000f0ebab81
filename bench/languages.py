"""Benchmark: what a language costs. The Overview, Competencies and Progress views of the demo
company built in English (the baseline, same run) and in Persian, Turkish and Russian: the catalog
lookups, Babel's number and date formatting, the Solar Hijri calendar and the model translations.
Prints each language's median time and its ratio to English (goal: under 1.5x), and the first
build in each language (catalog compiled from .po in memory when no .mo is there).

    python bench/languages.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cxmaturity import i18n, services  # noqa: E402
from cxmaturity.views import competencies, overview, progress  # noqa: E402

ORG = "Demo Company (sample data)"


def build_all(model_id: str, assessment_id: int, competency_id: str) -> None:
    services.clear_caches()  # the views, not the comparison memo of a previous language, are timed
    overview.overview(ORG, model_id, assessment_id)
    competencies.competency_view(ORG, model_id, assessment_id, competency_id)
    progress.progress_view(ORG, model_id)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CXMATURITY_DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.db'}"
        services.prepare(services.database_url())
        latest = services.list_assessments(ORG, "gartner")[-1]
        competency_id = services.model("gartner").competencies[0].id
        timings: dict[str, list[float]] = {}
        first: dict[str, float] = {}
        for lang in i18n.LANGUAGES:
            i18n.reload_catalogs()
            with i18n.language(lang):
                start = time.perf_counter()
                build_all("gartner", latest.id, competency_id)
                first[lang] = time.perf_counter() - start
        for _round in range(args.repeat):
            for lang in i18n.LANGUAGES:  # interleaved: machine noise hits every language alike
                with i18n.language(lang):
                    start = time.perf_counter()
                    build_all("gartner", latest.id, competency_id)
                    timings.setdefault(lang, []).append(time.perf_counter() - start)
        base = statistics.median(timings["en"])
        print(
            f"Overview + Competencies + Progress views of the demo company, median of {args.repeat}:"
        )
        for lang, values in timings.items():
            median = statistics.median(values)
            print(
                f"  {i18n.LANGUAGES[lang]:<8} {median * 1000:7.1f} ms   ratio to English {median / base:4.2f}"
                f"   (first build {first[lang] * 1000:6.1f} ms)"
            )
        worst = max(statistics.median(v) for v in timings.values()) / base
        print(f"worst ratio: {worst:.2f}  (goal < 1.5)")


if __name__ == "__main__":
    main()
