"""A model's questionnaire as respondents see it (the survey-wave page and the self-test), the
answers kept in a short text for the page address (so a reload keeps them), and the self-test's
result page (source 004's layout: stage and points, each block's level, what to do next)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from cxmaturity import rules, services
from cxmaturity.models import MaturityModel, provenance
from cxmaturity.recommendations import applicable
from cxmaturity.scoring import AssessmentScore, score_assessment
from cxmaturity.services.waves import not_open_message
from cxmaturity.store.records import Wave
from cxmaturity.views.focus import Advice, advice_from

DONT_KNOW = "Don't know / not applicable"
MINUTES_PER_QUESTION = 0.25  # about 15 seconds a statement: what people take on a rating scale


@dataclass(frozen=True)
class Question:
    item: str
    text: str
    options: tuple[tuple[int, str], ...]  # (answer, what it says), lowest first


@dataclass(frozen=True)
class Step:
    competency: str
    name: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Questionnaire:
    model: str
    model_name: str
    steps: tuple[Step, ...]

    @property
    def items(self) -> list[str]:
        return [q.item for s in self.steps for q in s.questions]

    @property
    def minutes(self) -> int:
        return max(1, round(len(self.items) * MINUTES_PER_QUESTION))


def questionnaire(model: MaturityModel) -> Questionnaire:
    """One step per competency; descriptor-anchored models (Gartner) offer the level descriptions."""
    steps = []
    for comp in model.competencies:
        questions = []
        for item in comp.items:
            if model.item_anchoring == "descriptor":
                options = tuple(
                    (lv.number, f"{lv.name}: {comp.descriptors.get(lv.number) or lv.description}") for lv in model.levels
                )
            else:
                options = tuple(
                    (v, f"{v} · {model.scale.labels[v]}" if v in model.scale.labels else str(v))
                    for v in range(model.scale.min, model.scale.max + 1)
                )
            questions.append(Question(item.id, item.text, options))
        steps.append(Step(comp.id, comp.name, tuple(questions)))
    return Questionnaire(model.id, model.name, tuple(steps))


# --- answers in the page address: one character per question -----------------------------------------

_UNANSWERED, _DONT_KNOW = "-", "n"


def encode_answers(form: Questionnaire, answers: dict[str, int | None], dont_know: set[str]) -> str:
    """'35-n4…': a digit per answered question (scales here run 0–9), '-' unanswered, 'n' don't know."""
    out = []
    for item in form.items:
        value = answers.get(item)
        out.append(_DONT_KNOW if item in dont_know else _UNANSWERED if value is None else str(int(value)))
    return "".join(out)


def decode_answers(form: Questionnaire, text: str | None) -> tuple[dict[str, int], set[str]]:
    """The inverse of encode_answers; anything unexpected (an edited address) is dropped."""
    answers: dict[str, int] = {}
    dont_know: set[str] = set()
    if not text or len(text) != len(form.items):
        return answers, dont_know
    valid = {q.item: {v for v, _ in q.options} for s in form.steps for q in s.questions}
    for item, ch in zip(form.items, text, strict=True):
        if ch == _DONT_KNOW:
            dont_know.add(item)
        elif ch.isdigit() and int(ch) in valid[item]:
            answers[item] = int(ch)
    return answers, dont_know


# --- the survey-wave page ---------------------------------------------------------------------------


@dataclass
class RespondentView:
    wave: Wave | None
    form: Questionnaire | None
    open: bool
    message: str | None  # why it takes no answers
    welcome: str = ""
    departments: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)


def respondent_view(token: str | None, today: dt.date | None = None) -> RespondentView:
    wave = services.wave_for_respondent(token or "")
    if wave is None:
        return RespondentView(None, None, False, "This link does not open a survey. Check the address you were given.")
    model = services.model(wave.model)
    form = questionnaire(model)
    today = today or dt.date.today()
    if not wave.accepts_answers(today):
        return RespondentView(wave, form, False, not_open_message(wave, today))
    welcome = (
        f"{wave.organisation} asks its managers how mature its customer-experience programme is, using the "
        f"{model.name}. There are {len(form.items)} statements in {len(form.steps)} short parts; it takes about "
        f"{form.minutes} minute{'s' if form.minutes != 1 else ''}. Your answers are anonymous: no name, email or address "
        f"is asked or kept, and results are shown only for groups of at least {wave.min_group_size} people. "
        f"Answer \"{DONT_KNOW}\" where you cannot judge."
    )
    return RespondentView(
        wave, form, True, None, welcome, [d.name for d in wave.departments], list(wave.roles)
    )


# --- the self-test's result ----------------------------------------------------------------------------


@dataclass
class BlockResult:
    name: str
    score: float | None
    level: int | None
    level_name: str | None
    description: str | None
    description_mark: str | None


@dataclass
class SelfTestResult:
    headline: str  # "Stage 1 · Ignoring: 12 of 95 points (0–19)"
    level_description: str | None
    level_mark: str | None
    blocks: list[BlockResult]
    next_steps: list[Advice]  # what the source recommends at this stage, where it gives something
    score: AssessmentScore
    answers: pd.DataFrame  # one row: what "save as an assessment" stores


def self_test_result(model: MaturityModel, answers: dict[str, int | None]) -> SelfTestResult:
    frame = pd.DataFrame([{item: answers.get(item) for item in model.item_ids}], index=["self-test"], dtype=float)
    score = score_assessment(model, frame, None)
    o = score.overall
    level = model.level(o.level) if o.level else None
    if model.points_max and o.points is not None and level is not None:
        lo, hi = level.band
        # points are whole numbers and a band holds its lower end only (the top one both): 0–19, 20–38, ...
        hi = hi if level is model.levels[-1] else hi - 1
        headline = f"{level.name} (level {level.number} of {len(model.levels)}): {o.points} of {model.points_max} points ({lo:g}–{hi:g})"
    elif level is not None:
        headline = f"Level {level.number} of {len(model.levels)} · {level.name}: overall {o.score:.2f}"
    else:
        headline = "Not enough answers for a result"
    blocks = []
    for c in score.competencies:
        desc = None
        mark = None
        if c.level:
            comp = model.competency(c.id)
            desc = comp.descriptors.get(c.level) or model.level(c.level).description
            mark = None if comp.descriptors.get(c.level) else provenance(model.level(c.level), "description")
        blocks.append(BlockResult(c.name, c.score, c.level, c.level_name, desc, mark))
    steps = []
    if level is not None:
        # the source's own advice for this stage (not general advice placed by the project)
        steps = [
            advice_from(r)
            for r in applicable(model.id, None, level.number)
            if r.model == model.id and not r.mapping_ours and (level.number in r.levels or not r.levels)
        ][: rules.FOCUS_ADVICE * 3]
    return SelfTestResult(
        headline=headline,
        level_description=level.description if level else None,
        level_mark=provenance(level, "description") if level else None,
        blocks=blocks,
        next_steps=steps,
        score=score,
        answers=frame,
    )
