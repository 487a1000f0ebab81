"""The Action plan page: targets at 6, 12 and 24 months, initiatives with owners and due dates,
downloads, and the executive-commitment tracker (source 002)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from cxmaturity import i18n, rules, services, translations
from cxmaturity.access import User
from cxmaturity.benchmarks import document_title
from cxmaturity.i18n import N_, _, ngettext
from cxmaturity.models import provenance
from cxmaturity.recommendations import applicable
from cxmaturity.services.commitment import Distribution, ExecutiveTrack
from cxmaturity.services.plan import Plan
from cxmaturity.views import format as fmt
from cxmaturity.views.competencies import download_files
from cxmaturity.views.focus import Advice, advice_from


def cycle_note() -> str:
    """What source 004 says a company does with its result (frameworks.md, source 004): shown on
    the page so the plan's shape is the source's, not ours."""
    return _(
        "Source 004's cycle: discuss the result with the transformation team, assess the gaps and update "
        "the goals, agree what to focus on over 6, 12 and 24 months, build a roadmap for each block with "
        "initiatives and named owners, implement, and reassess once or twice a year. Source: {source}."
    ).format(source=document_title("004_54c6ee1b2e26fac7.txt"))


def commitment_note() -> str:
    """Where the commitment levels come from."""
    return _(
        "Temkin Group's five levels of executive commitment: the CX team places each executive on the level "
        "whose description fits, at each review, and works to move them up. Source: {source}."
    ).format(source=document_title("002_0ff33ef738c524f2.txt"))


DEFAULT_MARK = " *"  # a target nobody set: the current level + 1 (explained under the table)


def default_note() -> str:
    return _(
        '* not set: one level above the current one. "met": the current level already reaches the target.'
    )


STATUS_WORDS = {
    "planned": N_("planned"),
    "in_progress": N_("in progress"),
    "done": N_("done"),
    "dropped": N_("dropped"),
}


def status_word(status: str) -> str:
    """An initiative's status (a machine value in rules) in words of the current language."""
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status


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
    # competency id -> what the sources recommend (for "from a recommendation")
    advice: dict[str, list[Advice]]
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
    n, late, finished = fmt.integer(len(open_ones)), fmt.integer(overdue), fmt.integer(done)
    if not open_ones:
        first = (
            _("No open initiative; {done} done.").format(done=finished)
            if done
            else _("No open initiative yet.")
        )
    elif overdue and done:
        first = ngettext(
            "{n} open initiative, {overdue} overdue; {done} done.",
            "{n} open initiatives, {overdue} overdue; {done} done.",
            len(open_ones),
        ).format(n=n, overdue=late, done=finished)
    elif overdue:
        first = ngettext(
            "{n} open initiative, {overdue} overdue.",
            "{n} open initiatives, {overdue} overdue.",
            len(open_ones),
        ).format(n=n, overdue=late)
    elif done:
        first = ngettext(
            "{n} open initiative, none overdue; {done} done.",
            "{n} open initiatives, none overdue; {done} done.",
            len(open_ones),
        ).format(n=n, done=finished)
    else:
        first = ngettext(
            "{n} open initiative, none overdue.",
            "{n} open initiatives, none overdue.",
            len(open_ones),
        ).format(n=n)
    met = sum(1 for t in plan.targets if t.met)
    horizons = number_list(rules.TARGET_HORIZONS)
    if met:
        second = ngettext(
            "Targets for {count} competency at {horizons} months; {met} already met.",
            "Targets for {count} competencies at {horizons} months; {met} already met.",
            competencies,
        ).format(count=fmt.integer(competencies), horizons=horizons, met=fmt.integer(met))
    else:
        second = ngettext(
            "Targets for {count} competency at {horizons} months.",
            "Targets for {count} competencies at {horizons} months.",
            competencies,
        ).format(count=fmt.integer(competencies), horizons=horizons)
    return f"{first} {second}"


def number_list(values) -> str:
    """'6, 12, 24' (the language's own list style outside English)."""
    if i18n.current() == i18n.SOURCE_LANGUAGE:
        return ", ".join(str(v) for v in values)
    return fmt.and_list([fmt.integer(v) for v in values])


def months(count: int) -> str:
    return ngettext("{n} month", "{n} months", count).format(n=fmt.integer(count))


def initiatives_table(plan: Plan, names: dict[str, str]) -> pd.DataFrame:
    """The initiatives as people read and download them (column names in the current language)."""
    columns = [
        _("ID"), _("Initiative"), _("Competency"), _("Owner"), _("Due"), _("Status"), _("Done on"), _("Note")
    ]  # fmt: skip
    rows = [
        (
            i.id,
            i.title,
            names.get(i.competency, i.competency),
            i.owner,
            i.due,
            _("{status} · overdue").format(status=status_word(i.status))
            if plan.overdue(i)
            else status_word(i.status),
            i.completed_on,
            i.note or "",
        )
        for i in plan.initiatives
    ]
    return pd.DataFrame(rows, columns=columns)


def _level_text(number: int, level_names: dict[int, str]) -> str:
    return f"{fmt.integer(number)} {level_names.get(number, '')}".strip()


def targets_table(plan: Plan, names: dict[str, str], level_names: dict[int, str]) -> pd.DataFrame:
    rows: dict[str, dict] = {}
    for t in plan.targets:
        row = rows.setdefault(
            t.competency,
            {
                _("Competency"): names.get(t.competency, t.competency),
                _("Current level"): _level_text(t.current_level, level_names)
                if t.current_level
                else fmt.MISSING,
            },
        )
        text = _level_text(t.level, level_names)
        if t.is_default:
            text += DEFAULT_MARK
        if t.met:
            text = _("{target} · met").format(target=text)
        row[months(t.horizon_months)] = text
    return pd.DataFrame(list(rows.values()))


def plan_view(
    org: str, model_id: str, *, today: dt.date | None = None, user: User | None = None
) -> PlanView:
    model = translations.localised(services.model(model_id))  # for display only: names, levels
    plan = services.plan(org, model_id, today=today, user=user)
    names = {c.id: c.name for c in model.competencies}
    level_names = {lv.number: lv.name for lv in model.levels}
    current = {t.competency: t.current_level for t in plan.targets}
    table = initiatives_table(plan, names)
    commitment_model = translations.localised(services.model(rules.COMMITMENT_MODEL))
    may_see_names = user is None or user.can_write(org)
    # the source's playbook for moving executives up: it ties no step to a level, so one list
    playbook = [
        advice_from(r)
        for r in applicable(commitment_model.id, None, None)
        if r.model == commitment_model.id
    ]
    return PlanView(
        headline=plan_headline(plan, len(names)),
        plan=plan,
        competency_names=names,
        targets=targets_table(plan, names, level_names),
        initiatives=table,
        downloads=download_files(table.drop(columns=[_("ID")]), f"action-plan-{model.id}"),
        advice={
            c.id: [advice_from(r) for r in applicable(model.id, c.id, current.get(c.id))]
            for c in model.competencies
        },
        overdue=sum(1 for i in plan.initiatives if plan.overdue(i)),
        commitment_levels=[
            CommitmentLevel(lv.number, lv.name, provenance(lv, "name"), lv.description)
            for lv in commitment_model.levels
        ],
        commitment=services.distribution(org, user=user),
        executives=services.tracker(org, user=user) if may_see_names else None,
        playbook=playbook,
    )


def distribution_table(distribution: Distribution, levels: list[CommitmentLevel]) -> pd.DataFrame:
    """Executives per level at each review: counts only, never names."""
    rows = [
        {
            _("Review"): fmt.day(day),
            **{lv.name: distribution.counts[day].get(lv.number, 0) for lv in levels},
        }
        for day in distribution.reviews
    ]
    return pd.DataFrame(rows)


def _movement(movement: int | None) -> str:
    if movement is None:
        return fmt.MISSING
    if movement == 0:
        return _("no change")
    change = i18n.isolate(fmt.number(movement, 0, signed=True))
    return ngettext("{change} level(s)", "{change} level(s)", abs(movement)).format(change=change)


def executives_table(
    executives: list[ExecutiveTrack], levels: list[CommitmentLevel]
) -> pd.DataFrame:
    names = {lv.number: lv.name for lv in levels}
    rows = []
    for e in executives:
        rows.append(
            {
                _("Executive"): e.name,
                _("Level now"): names.get(e.latest, fmt.MISSING)
                if e.latest
                else _("not placed yet"),
                _("Since the review before"): _movement(e.movement),
                _("Reviews"): ", ".join(
                    f"{fmt.short_day(d)}: {names.get(level, level)}" for d, level in e.ratings
                ),
            }
        )
    return pd.DataFrame(rows)
