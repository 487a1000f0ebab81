"""The Action plan page: targets at 6, 12 and 24 months, initiatives with owners and due dates,
downloads, and the executive-commitment tracker (source 002)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from cxmaturity import rules, services
from cxmaturity.access import User
from cxmaturity.benchmarks import document_title
from cxmaturity.models import provenance
from cxmaturity.recommendations import applicable
from cxmaturity.services.commitment import Distribution, ExecutiveTrack
from cxmaturity.services.plan import Plan
from cxmaturity.views import format as fmt
from cxmaturity.views.competencies import download_files
from cxmaturity.views.focus import Advice, advice_from

# What source 004 says a company does with its result (frameworks.md, source 004), and where the
# commitment levels come from: shown on the page so the plan's shape is the source's, not ours.
CYCLE_NOTE = (
    "Source 004's cycle: discuss the result with the transformation team, assess the gaps and update "
    "the goals, agree what to focus on over 6, 12 and 24 months, build a roadmap for each block with "
    "initiatives and named owners, implement, and reassess once or twice a year. Source: "
    + document_title("004_54c6ee1b2e26fac7.txt") + "."
)
COMMITMENT_NOTE = (
    "Temkin Group's five levels of executive commitment: the CX team places each executive on the level "
    "whose description fits, at each review, and works to move them up. Source: "
    + document_title("002_0ff33ef738c524f2.txt") + "."
)

DEFAULT_MARK = " *"  # a target nobody set: the current level + 1 (explained under the table)
DEFAULT_NOTE = "* not set: one level above the current one. \"met\": the current level already reaches the target."

STATUS_WORDS = {"planned": "planned", "in_progress": "in progress", "done": "done", "dropped": "dropped"}


@dataclass
class CommitmentLevel:
    number: int
    name: str
    name_mark: str | None
    description: str


@dataclass
class PlanView:
    headline: str
    plan: Plan
    competency_names: dict[str, str]
    targets: pd.DataFrame  # one row per competency: current level and the target at each horizon
    initiatives: pd.DataFrame  # the table people read and download
    downloads: dict[str, tuple[bytes, str, str]]
    advice: dict[str, list[Advice]]  # competency id -> what the sources recommend (for "from a recommendation")
    overdue: int
    commitment_levels: list[CommitmentLevel]
    commitment: Distribution
    executives: list[ExecutiveTrack] | None  # names: analysts and administrators only
    playbook: list[Advice]  # the source's steps for moving executives up (it ties none to a level)


def plan_headline(plan: Plan, competencies: int) -> str:
    """The page's answer in words: how many initiatives are open, how many overdue, and the targets."""
    open_ones = [i for i in plan.initiatives if i.status in rules.OPEN_STATUSES]
    overdue = sum(1 for i in open_ones if plan.overdue(i))
    done = sum(1 for i in plan.initiatives if i.status == "done")
    if not open_ones:
        first = "No open initiative yet" if not done else f"No open initiative; {done} done"
    else:
        first = f"{len(open_ones)} open initiative{'s' if len(open_ones) != 1 else ''}"
        first += f", {overdue} overdue" if overdue else ", none overdue"
        first += f"; {done} done" if done else ""
    met = sum(1 for t in plan.targets if t.met)
    horizons = ", ".join(str(h) for h in rules.TARGET_HORIZONS)
    return f"{first}. Targets for {competencies} competencies at {horizons} months" + (
        f"; {met} already met." if met else "."
    )


def initiatives_table(plan: Plan, names: dict[str, str]) -> pd.DataFrame:
    rows = [
        {
            "ID": i.id,
            "Initiative": i.title,
            "Competency": names.get(i.competency, i.competency),
            "Owner": i.owner,
            "Due": i.due,
            "Status": STATUS_WORDS.get(i.status, i.status) + (" · overdue" if plan.overdue(i) else ""),
            "Done on": i.completed_on,
            "Note": i.note or "",
        }
        for i in plan.initiatives
    ]
    columns = ["ID", "Initiative", "Competency", "Owner", "Due", "Status", "Done on", "Note"]
    return pd.DataFrame(rows, columns=columns)


def targets_table(plan: Plan, names: dict[str, str], level_names: dict[int, str]) -> pd.DataFrame:
    rows: dict[str, dict] = {}
    for t in plan.targets:
        row = rows.setdefault(
            t.competency,
            {
                "Competency": names.get(t.competency, t.competency),
                "Current level": f"{t.current_level} {level_names.get(t.current_level, '')}".strip() if t.current_level else fmt.MISSING,
            },
        )
        text = f"{t.level} {level_names.get(t.level, '')}".strip()
        if t.is_default:
            text += DEFAULT_MARK
        if t.met:
            text += " · met"
        row[f"{t.horizon_months} months"] = text
    return pd.DataFrame(list(rows.values()))


def plan_view(org: str, model_id: str, *, today: dt.date | None = None, user: User | None = None) -> PlanView:
    model = services.model(model_id)
    plan = services.plan(org, model_id, today=today, user=user)
    names = {c.id: c.name for c in model.competencies}
    level_names = {lv.number: lv.name for lv in model.levels}
    current = {t.competency: t.current_level for t in plan.targets}
    table = initiatives_table(plan, names)
    commitment_model = services.model(rules.COMMITMENT_MODEL)
    may_see_names = user is None or user.can_write(org)
    # the source's playbook for moving executives up: it ties no step to a level, so one list
    playbook = [advice_from(r) for r in applicable(commitment_model.id, None, None) if r.model == commitment_model.id]
    return PlanView(
        headline=plan_headline(plan, len(names)),
        plan=plan,
        competency_names=names,
        targets=targets_table(plan, names, level_names),
        initiatives=table,
        downloads=download_files(table.drop(columns=["ID"]), f"action-plan-{model.id}"),
        advice={c.id: [advice_from(r) for r in applicable(model.id, c.id, current.get(c.id))] for c in model.competencies},
        overdue=sum(1 for i in plan.initiatives if plan.overdue(i)),
        commitment_levels=[
            CommitmentLevel(lv.number, lv.name, provenance(lv, "name"), lv.description) for lv in commitment_model.levels
        ],
        commitment=services.distribution(org, user=user),
        executives=services.tracker(org, user=user) if may_see_names else None,
        playbook=playbook,
    )


def distribution_table(distribution: Distribution, levels: list[CommitmentLevel]) -> pd.DataFrame:
    """Executives per level at each review: counts only, never names."""
    rows = [
        {"Review": fmt.day(day), **{lv.name: distribution.counts[day].get(lv.number, 0) for lv in levels}}
        for day in distribution.reviews
    ]
    return pd.DataFrame(rows)


def executives_table(executives: list[ExecutiveTrack], levels: list[CommitmentLevel]) -> pd.DataFrame:
    names = {lv.number: lv.name for lv in levels}
    rows = []
    for e in executives:
        movement = e.movement
        rows.append(
            {
                "Executive": e.name,
                "Level now": names.get(e.latest, fmt.MISSING) if e.latest else "not placed yet",
                "Since the review before": fmt.MISSING if movement is None
                else "no change" if movement == 0 else f"{movement:+d} level(s)",
                "Reviews": ", ".join(f"{fmt.short_day(d)}: {names.get(level, level)}" for d, level in e.ratings),
            }
        )
    return pd.DataFrame(rows)
