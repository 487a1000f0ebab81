"""Benchmark: one organisation's history + comparison against a plain SQL select of the same rows.

200 assessments of 500 respondents each across 20 organisations (gartner), stored through the
repository into a temporary SQLite database (or CXMATURITY_BENCH_URL). Then, in the same run,
times ``services.history`` + ``services.comparison`` for one organisation against a raw
``text()`` select of the same organisation's stored rows (its score rows and all its answer
rows: what recomputing history and comparison from the raw data has to read at least), and
prints the times and their ratio. Also shown: the first ("cold") call, with the comparison memo
emptied before each run, and a select of only the rows the repository actually reads (score
rows + the two compared waves' answers).

Goal: history + comparison under 2x the plain select and under 200 ms.

    python bench/history.py [--orgs 20] [--per-org 10] [--respondents 500] [--repeat 30]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from cxmaturity import services  # noqa: E402
from cxmaturity.services import demo  # noqa: E402
from cxmaturity.store import engine as db  # noqa: E402
from cxmaturity.survey import SurveyData  # noqa: E402

PLAIN_SQL = """
SELECT a.id, a.assessment_date, a.label, a.model_id, a.respondent_count, s.result
FROM assessments a
JOIN organisations o ON o.id = a.organisation_id
LEFT JOIN assessment_scores s ON s.assessment_id = a.id
WHERE o.name = :org AND a.model_id = :model
ORDER BY a.assessment_date, a.id
"""
PLAIN_ORG_ANSWERS_SQL = """
SELECT r.assessment_id, r.respondent_key, r.answers
FROM respondents r
JOIN assessments a ON a.id = r.assessment_id
JOIN organisations o ON o.id = a.organisation_id
WHERE o.name = :org AND a.model_id = :model
ORDER BY r.assessment_id, r.position
"""
PLAIN_TWO_WAVES_SQL = """
SELECT r.assessment_id, r.respondent_key, r.answers
FROM respondents r
WHERE r.assessment_id IN (:a, :b)
ORDER BY r.assessment_id, r.position
"""


def populate(url: str, orgs: int, per_org: int, respondents: int) -> float:
    model = services.model("gartner")
    start = time.perf_counter()
    for o in range(orgs):
        name = f"Bench org {o + 1:02d}"
        for w in range(per_org):
            date = dt.date(2020, 1, 15) + dt.timedelta(days=182 * w)
            rng = np.random.default_rng([o, w])
            levels = {c.id: float(rng.uniform(0.3, 0.6)) + 0.01 * w for c in model.competencies}
            answers, people = demo.generate_wave(model, respondents, levels, rng, demo.DEPARTMENTS, None, date, f"O{o}W{w}")
            survey = SurveyData.generated(model, answers, people, f"bench:{o}:{w}")
            services.import_assessment(survey, name, date, f"Wave {w + 1}", engine=url)
    return time.perf_counter() - start


def timed(func, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=20)
    parser.add_argument("--per-org", type=int, default=10)
    parser.add_argument("--respondents", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("CXMATURITY_BENCH_URL") or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = db.get_engine(url)
        seconds = populate(url, args.orgs, args.per_org, args.respondents)
        total = args.orgs * args.per_org
        print(f"stored {total} assessments x {args.respondents} respondents in {seconds:.1f} s "
              f"({seconds / total * 1000:.0f} ms per import)")

        org = f"Bench org {args.orgs // 2:02d}"
        waves = services.list_assessments(org, "gartner", engine=engine)
        last_two = (waves[-2].id, waves[-1].id)

        def through_repository():
            services.history(org, "gartner", engine=engine)
            services.comparison(org, "gartner", engine=engine)

        def cold_repository():
            services.clear_caches()
            through_repository()

        def plain_select():
            with engine.connect() as conn:
                conn.execute(text(PLAIN_SQL), {"org": org, "model": "gartner"}).all()
                conn.execute(text(PLAIN_ORG_ANSWERS_SQL), {"org": org, "model": "gartner"}).all()

        def plain_read_rows():
            with engine.connect() as conn:
                conn.execute(text(PLAIN_SQL), {"org": org, "model": "gartner"}).all()
                conn.execute(text(PLAIN_TWO_WAVES_SQL), {"a": last_two[0], "b": last_two[1]}).all()

        through_repository(), plain_select(), plain_read_rows()  # warm-up: imports, page cache
        repo_s = timed(through_repository, args.repeat)
        cold_s = timed(cold_repository, args.repeat)
        plain_s = timed(plain_select, args.repeat)
        read_rows_s = timed(plain_read_rows, args.repeat)
        history_s = timed(lambda: services.history(org, "gartner", engine=engine), args.repeat)
        print(f"organisation '{org}': {len(waves)} assessments ({len(waves) * args.respondents} answer rows), "
              f"comparison #{last_two[0]} -> #{last_two[1]}; medians of {args.repeat} runs")
        print(f"  history + comparison (repository):           {repo_s * 1000:8.2f} ms  (history alone {history_s * 1000:.2f} ms)")
        print(f"  same, first call (comparison computed):      {cold_s * 1000:8.2f} ms")
        print(f"  plain SQL: org's score rows + all its answers {plain_s * 1000:7.2f} ms")
        print(f"  plain SQL: only the rows the repository reads {read_rows_s * 1000:7.2f} ms")
        ratio = repo_s / plain_s
        cold_ratio = cold_s / plain_s
        met = ratio < 2 and repo_s < 0.2
        print(f"ratio repository / plain select: {ratio:.2f}x (first call {cold_ratio:.2f}x)  "
              f"goal < 2x and < 200 ms: {'met' if met else 'NOT met'}")
        db.dispose_engines()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
