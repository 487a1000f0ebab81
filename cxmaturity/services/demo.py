"""The demo data set (design.md §6 "First run"): a clearly labelled demo organisation with three
Gartner waves six months apart, one Forrester assessment, several departments (one too small
to show, to demonstrate suppression), a few targets, and demo peer organisations so the peer
view is populated.

Everything is generated deterministically (numpy ``default_rng`` with fixed seeds) from the
models' own competencies, items and scale, so the demo stays valid when a model changes.
Loading is idempotent: every demo assessment has a fixed identity (organisation, model, date),
so loading twice, or two processes loading at once, stores each wave once.
"""

from __future__ import annotations

import datetime as dt
import os
from statistics import NormalDist

import numpy as np
import pandas as pd

from cxmaturity import store
from cxmaturity.models import MaturityModel
from cxmaturity.services import catalogue
from cxmaturity.services.assessments import import_assessment
from cxmaturity.services.targets import set_target
from cxmaturity.store import organisations as orgs_sql
from cxmaturity.store import settings as settings_sql
from cxmaturity.survey import SurveyData

ENV_DEMO = "CXMATURITY_DEMO"
DEMO_SEED = 20250515
DEMO_VERSION = 1  # part of each demo wave's identity; bump to make old demo waves distinct

DEMO_ORG = "Demo Company (sample data)"
DEMO_ORG_ATTRIBUTES = {"industry": "Banking", "size_band": "1,000–4,999", "region": "Europe", "is_demo": True}
DEMO_MODEL = "gartner"
SECOND_MODEL = "forrester"

# (date, label, respondents)
GARTNER_WAVES = [
    (dt.date(2025, 5, 15), "Wave 1", 84),
    (dt.date(2025, 11, 15), "Wave 2", 97),
    (dt.date(2026, 5, 15), "Wave 3", 112),
]
SECOND_WAVE = (dt.date(2026, 2, 16), "Forrester pilot · Feb 2026", 90)

# (department, share of respondents, effect on the 0-1 level scale); Legal is added with
# LEGAL_RESPONDENTS people, below the anonymity threshold of 5, so its scores are suppressed
DEPARTMENTS = [
    ("Customer Service", 0.34, 0.05),
    ("Marketing", 0.18, 0.00),
    ("Sales", 0.22, -0.03),
    ("IT", 0.16, 0.02),
    ("Finance", 0.10, -0.06),
]
SMALL_DEPARTMENT = "Legal"
LEGAL_RESPONDENTS = 3
ROLES = (["Executive", "Manager", "Team lead", "Specialist"], [0.08, 0.22, 0.25, 0.45])

# Change per wave on the 0-1 scale (1 = the whole answer scale): between wave 1 and wave 3,
# two competencies improve by 0.16 (0.64 points on 1-5) and one declines by 0.12.
IMPROVED = ("metrics", "processes")
DECLINED = ("governance",)
STEP_UP = 0.08
STEP_DOWN = -0.06
PERSON_SD = 0.12  # respondent's general view, shared by all items
ITEM_SD = 0.12  # item-level disagreement
MISSING_SHARE = 0.015  # answers left blank

DEMO_TARGETS = [("metrics", 12, 4), ("governance", 6, 3), ("vision", 24, 4), ("technology", 12, 3)]

# (name, industry, size band, region)
PEERS = [
    ("Demo Peer 01 – Retail bank", "Banking", "5,000+", "Europe"),
    ("Demo Peer 02 – Savings bank", "Banking", "1,000–4,999", "Europe"),
    ("Demo Peer 03 – Digital bank", "Banking", "250–999", "Europe"),
    ("Demo Peer 04 – Commercial bank", "Banking", "5,000+", "Middle East"),
    ("Demo Peer 05 – Credit union", "Banking", "250–999", "North America"),
    ("Demo Peer 06 – Fashion retailer", "Retail", "1,000–4,999", "Europe"),
    ("Demo Peer 07 – Grocery chain", "Retail", "5,000+", "North America"),
    ("Demo Peer 08 – Online marketplace", "Retail", "250–999", "Asia-Pacific"),
    ("Demo Peer 09 – Mobile operator", "Telecom", "5,000+", "Europe"),
    ("Demo Peer 10 – Broadband provider", "Telecom", "1,000–4,999", "Middle East"),
    ("Demo Peer 11 – Telecom group", "Telecom", "5,000+", "Asia-Pacific"),
    ("Demo Peer 12 – Car insurer", "Insurance", "1,000–4,999", "Europe"),
    ("Demo Peer 13 – Life insurer", "Insurance", "5,000+", "North America"),
    ("Demo Peer 14 – Health insurer", "Insurance", "250–999", "Middle East"),
]
PEER_DATES = (dt.date(2025, 9, 20), dt.date(2026, 3, 20))
PEER_DEPARTMENTS = [("Customer Service", 0.4, 0.0), ("Marketing", 0.2, 0.0), ("Sales", 0.25, 0.0), ("IT", 0.15, 0.0)]


def demo_enabled() -> bool:
    return os.environ.get(ENV_DEMO, "").strip() != "0"


def _rng(*key: int) -> np.random.Generator:
    # one stream per data set: adding a peer never changes the others
    return np.random.default_rng([DEMO_SEED, *key])


def _normal_scores(n: int, rng: np.random.Generator) -> np.ndarray:
    """n standard-normal quantiles in random order: every wave gets exactly the same spread, so
    a competency meant to stay put shows no chance 'change' between waves. (The standard
    library's inverse normal: the demo's answers are the same as with scipy's, every one, and
    loading the services no longer imports scipy, which took about half a second.)"""
    quantile = _STANDARD_NORMAL.inv_cdf
    return rng.permutation(np.array([quantile(p) for p in ((np.arange(n) + 0.5) / n).tolist()]))


_STANDARD_NORMAL = NormalDist()


def _allocate(n: int, shares: list[float]) -> list[int]:
    """Split n into whole counts proportional to ``shares`` (largest remainder)."""
    raw = np.array(shares) / sum(shares) * n
    counts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - counts))[: n - counts.sum()]:
        counts[i] += 1
    return counts.tolist()


def generate_wave(
    model: MaturityModel,
    n: int,
    levels: dict[str, float],
    rng: np.random.Generator,
    departments: list[tuple[str, float, float]],
    small_department: tuple[str, int] | None,
    date: dt.date,
    id_prefix: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(answers, respondents) for one wave, in the SurveyData shapes.

    ``levels``: per competency id, where its answers centre on the 0-1 scale of the model.
    """
    names: list[str] = []
    effects: list[float] = []
    rest = n - (small_department[1] if small_department else 0)
    for (name, _share, effect), count in zip(departments, _allocate(rest, [d[1] for d in departments]), strict=True):
        names += [name] * count
        effects += [effect] * count
    if small_department:
        names += [small_department[0]] * small_department[1]
        effects += [0.0] * small_department[1]
    order = rng.permutation(n)
    dept = np.array(names, dtype=object)[order]
    dept_effect = np.array(effects)[order]

    lo, hi = model.scale.min, model.scale.max
    person = _normal_scores(n, rng) * PERSON_SD
    columns = {}
    for comp in model.competencies:
        centre = levels[comp.id]
        for item in comp.items:
            latent = centre + person + dept_effect + _normal_scores(n, rng) * ITEM_SD
            values = np.clip(np.rint(lo + latent * (hi - lo)), lo, hi)
            values[rng.random(n) < MISSING_SHARE] = np.nan
            columns[item.id] = values
    ids = pd.Index([f"{id_prefix}-{i + 1:04d}" for i in range(n)], name="respondent_id", dtype=object)
    answers = pd.DataFrame(columns, index=ids)
    days = rng.integers(0, 14, n)
    minutes = rng.integers(8 * 60, 18 * 60, n)
    submitted = [
        (dt.datetime.combine(date, dt.time()) + dt.timedelta(days=int(d), minutes=int(m))).isoformat(timespec="minutes")
        for d, m in zip(days, minutes, strict=True)
    ]
    people = pd.DataFrame(
        {
            "department": pd.Series(dept, index=ids, dtype=object),
            "role": pd.Series(rng.choice(ROLES[0], size=n, p=ROLES[1]), index=ids, dtype=object),
            "submitted_at": pd.Series(submitted, index=ids, dtype=object),
        },
        index=ids,
    )
    return answers, people


def _survey(model: MaturityModel, org: str, date: dt.date, answers: pd.DataFrame, people: pd.DataFrame) -> SurveyData:
    # a demo wave's identity is (organisation, model, date), not its generated numbers, so a
    # later change to the generator or the model never stores the same wave twice
    identity = f"cxmaturity-demo:v{DEMO_VERSION}:{org}:{model.id}:{date.isoformat()}"
    return SurveyData.generated(model, answers, people, identity)


def _pick(model: MaturityModel, wanted: tuple[str, ...], fallback: list[int], taken: set[str]) -> list[str]:
    """The wanted competency ids when the model has them, else competencies by position."""
    ids = [c.id for c in model.competencies]
    chosen = [c for c in wanted if c in ids and c not in taken]
    for index in fallback:
        if len(chosen) >= len(wanted):
            break
        candidate = ids[index % len(ids)]
        if candidate not in chosen and candidate not in taken:
            chosen.append(candidate)
    return chosen


def demo_changes(model: MaturityModel) -> tuple[list[str], list[str]]:
    """(improved, declined) competency ids of the demo's Gartner waves."""
    improved = _pick(model, IMPROVED, [2, 5, 1, 4], set())
    declined = _pick(model, DECLINED, [3, 0, 6], set(improved))
    return improved, declined


def _company_waves(model: MaturityModel) -> list[tuple[dt.date, str, pd.DataFrame, pd.DataFrame]]:
    improved, declined = demo_changes(model)
    base_rng = _rng(0)
    base = {c.id: float(base_rng.uniform(0.36, 0.52)) for c in model.competencies}
    # start the changing ones so the change also crosses a level boundary on a 5-level model
    base.update({cid: float(base_rng.uniform(0.28, 0.32)) for cid in improved})
    base.update({cid: float(base_rng.uniform(0.42, 0.45)) for cid in declined})
    waves = []
    for w, (date, label, n) in enumerate(GARTNER_WAVES):
        levels = {
            cid: value + (STEP_UP * w if cid in improved else STEP_DOWN * w if cid in declined else 0.0)
            for cid, value in base.items()
        }
        answers, people = generate_wave(
            model, n, levels, _rng(1, w), DEPARTMENTS, (SMALL_DEPARTMENT, LEGAL_RESPONDENTS), date, f"W{w + 1}"
        )
        waves.append((date, label, answers, people))
    return waves


def _second_wave(model: MaturityModel):
    rng = _rng(2)
    levels = {c.id: float(rng.uniform(0.35, 0.6)) for c in model.competencies}
    date, label, n = SECOND_WAVE
    answers, people = generate_wave(model, n, levels, _rng(2, 1), DEPARTMENTS, None, date, "F1")
    return date, label, answers, people


def _peer_waves(model: MaturityModel, index: int):
    rng = _rng(100 + index)
    maturity = float(rng.uniform(0.15, 0.75))
    levels = {c.id: float(np.clip(maturity + rng.normal(0, 0.07), 0.02, 0.95)) for c in model.competencies}
    count = 2 if index % 3 != 2 else 1
    waves = []
    for w, date in enumerate(PEER_DATES[-count:]):
        n = int(rng.integers(25, 61))
        drift = float(rng.normal(0.03, 0.03)) * w
        wave_levels = {cid: v + drift for cid, v in levels.items()}
        answers, people = generate_wave(
            model, n, wave_levels, _rng(100 + index, w), PEER_DEPARTMENTS, None, date, f"P{index + 1:02d}-{w + 1}"
        )
        waves.append((date, f"Wave {w + 1}", answers, people))
    return waves


def load_demo(engine_or_url=None) -> bool:
    """Store the demo data set; True when anything was stored now, False when it was all
    there already (idempotent)."""
    models = catalogue.models()
    model = models.get(DEMO_MODEL) or next(iter(models.values()))
    created = False

    def store(org, attributes, m, date, label, answers, people) -> None:
        nonlocal created
        result = import_assessment(
            _survey(m, org, date, answers, people),
            org,
            date,
            label,
            imported_by="demo",
            org_attributes=attributes,
            source_file="demo data (generated)",
            engine=engine_or_url,
        )
        created = created or result.created

    for date, label, answers, people in _company_waves(model):
        store(DEMO_ORG, DEMO_ORG_ATTRIBUTES, model, date, label, answers, people)
    second = models.get(SECOND_MODEL) or next((m for m in models.values() if m.id != model.id), None)
    if second is not None:
        store(DEMO_ORG, DEMO_ORG_ATTRIBUTES, second, *_second_wave(second))
    for i, (name, industry, size, region) in enumerate(PEERS):
        attributes = {"industry": industry, "size_band": size, "region": region, "is_demo": True}
        for date, label, answers, people in _peer_waves(model, i):
            store(name, attributes, model, date, label, answers, people)

    if created:
        competency_ids = {c.id for c in model.competencies}
        for cid, horizon, level in DEMO_TARGETS:
            if cid in competency_ids and level <= len(model.levels):
                set_target(DEMO_ORG, model, cid, horizon, level, engine=engine_or_url)
    return created


def ensure_demo_if_empty(engine_or_url=None) -> bool:
    """Load the demo when the database holds no organisation at all (none in the trash
    either), unless CXMATURITY_DEMO=0 or the sample data was once removed on purpose.
    True when the demo was loaded now."""
    if not demo_enabled():
        return False
    with store.reading(engine_or_url) as conn:
        if orgs_sql.any_rows(conn) or settings_sql.get(conn, settings_sql.DEMO_REMOVED) is not None:
            return False
    return load_demo(engine_or_url)
