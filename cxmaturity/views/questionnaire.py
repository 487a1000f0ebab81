"""A model's questionnaire as respondents see it (the survey-wave page and the self-test), the
answers kept in a short text for the page address (so a reload keeps them), and the self-test's
result page (source 004's layout: stage and points, each block's level, what to do next)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from cxmaturity import i18n, rules, services, translations
from cxmaturity.i18n import N_, _, ngettext
from cxmaturity.models import MaturityModel, provenance
from cxmaturity.recommendations import applicable
from cxmaturity.scoring import AssessmentScore, score_assessment
from cxmaturity.services.waves import not_open_message
from cxmaturity.store.records import Wave
from cxmaturity.views import format as fmt
from cxmaturity.views.focus import Advice, advice_from

DONT_KNOW = N_("Don't know / not applicable")  # shown as _(DONT_KNOW)
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
    """One step per competency; descriptor-anchored models (Gartner) offer the level descriptions.
    The texts are in the current language (translations.localised); item ids and answer values are
    the model's own, so the answers are read and scored with the English model."""
    model = translations.localised(model)
    steps = []
    for comp in model.competencies:
        questions = []
        for item in comp.items:
            if model.item_anchoring == "descriptor":
                options = tuple(
                    (lv.number, f"{lv.name}: {comp.descriptors.get(lv.number) or lv.description}")
                    for lv in model.levels
                )
            else:
                options = tuple(
                    (
                        v,
                        f"{fmt.integer(v)}{fmt.sep()}{model.scale.labels[v]}"
                        if v in model.scale.labels
                        else fmt.integer(v),
                    )
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
        out.append(
            _DONT_KNOW if item in dont_know else _UNANSWERED if value is None else str(int(value))
        )
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
        return RespondentView(
            None,
            None,
            False,
            _("This link does not open a survey. Check the address you were given."),
        )
    model = services.model(wave.model)
    form = questionnaire(model)
    today = today or dt.date.today()
    if not wave.accepts_answers(today):
        return RespondentView(wave, form, False, not_open_message(wave, today, fmt.day))
    welcome = welcome_text(wave, form)
    return RespondentView(
        wave, form, True, None, welcome, [d.name for d in wave.departments], list(wave.roles)
    )


def welcome_text(wave: Wave, form: Questionnaire) -> str:
    """What the respondent reads first: who asks, how long it takes, what happens to the answers."""
    statements = ngettext("{n} statement", "{n} statements", len(form.items)).format(
        n=fmt.integer(len(form.items))
    )
    parts = ngettext("{n} short part", "{n} short parts", len(form.steps)).format(
        n=fmt.integer(len(form.steps))
    )
    minutes = ngettext("{n} minute", "{n} minutes", form.minutes).format(
        n=fmt.integer(form.minutes)
    )
    sentences = [
        _(
            "{organisation} asks its managers how mature its customer-experience programme is, using the {model}."
        ).format(organisation=i18n.isolate(wave.organisation), model=form.model_name),
        _("There are {statements} in {parts}; it takes about {minutes}.").format(
            statements=statements, parts=parts, minutes=minutes
        ),
        _(
            "Your answers are anonymous: no name, email or address is asked or kept, and results are shown "
            "only for groups of at least {count} people."
        ).format(count=fmt.integer(wave.min_group_size)),
        _('Answer "{dont_know}" where you cannot judge.').format(dont_know=_(DONT_KNOW)),
    ]
    return " ".join(sentences)


def form_summary(form: Questionnaire) -> str:
    """'19 statements in 4 parts, about 5 minutes.' (the self-test's caption)."""
    statements = ngettext("{n} statement", "{n} statements", len(form.items)).format(
        n=fmt.integer(len(form.items))
    )
    parts = ngettext("{n} part", "{n} parts", len(form.steps)).format(
        n=fmt.integer(len(form.steps))
    )
    minutes = ngettext("{n} minute", "{n} minutes", form.minutes).format(
        n=fmt.integer(form.minutes)
    )
    return _("{statements} in {parts}, about {minutes}.").format(
        statements=statements, parts=parts, minutes=minutes
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


def _bound(value: float) -> str:
    """A band's end as written before the languages came ('{:g}'): 19, 19.5."""
    if float(value).is_integer():
        return fmt.integer(int(value))
    return f"{value:g}" if i18n.current() == i18n.SOURCE_LANGUAGE else fmt.number(value, 1)


def self_test_result(model: MaturityModel, answers: dict[str, int | None]) -> SelfTestResult:
    """Scored with the model as given (English: answers are matched by item id); every text shown
    comes from the model in the current language."""
    frame = pd.DataFrame(
        [{item: answers.get(item) for item in model.item_ids}], index=["self-test"], dtype=float
    )
    score = score_assessment(model, frame, None)
    shown = translations.localised(model)
    o = score.overall
    level = shown.level(o.level) if o.level else None
    if model.points_max and o.points is not None and level is not None:
        lo, hi = level.band
        # points are whole numbers and a band holds its lower end only (the top one both): 0–19, 20–38, ...
        hi = hi if level.number == shown.levels[-1].number else hi - 1
        headline = _(
            "{name} (level {level} of {levels}): {points} of {max} points ({low}–{high})"
        ).format(
            name=level.name,
            level=fmt.integer(level.number),
            levels=fmt.integer(len(shown.levels)),
            points=fmt.integer(o.points),
            max=fmt.integer(model.points_max),
            low=_bound(lo),
            high=_bound(hi),
        )
    elif level is not None:
        headline = _("Level {level} of {levels} · {name}: overall {score}").format(
            level=fmt.integer(level.number),
            levels=fmt.integer(len(shown.levels)),
            name=level.name,
            score=fmt.number(o.score),
        )
    else:
        headline = _("Not enough answers for a result")
    blocks = []
    for c in score.competencies:
        desc = None
        mark = None
        if c.level:
            comp = shown.competency(c.id)
            desc = comp.descriptors.get(c.level) or shown.level(c.level).description
            mark = (
                None
                if comp.descriptors.get(c.level)
                else provenance(shown.level(c.level), "description")
            )
        blocks.append(
            BlockResult(
                translations.competency_name(model.id, c.id, c.name),
                c.score,
                c.level,
                translations.level_name(model.id, c.level, c.level_name),
                desc,
                mark,
            )
        )
    steps = []
    if level is not None:
        # the source's own advice for this stage (not general advice placed by the project)
        steps = [
            advice_from(r)
            for r in applicable(model.id, None, level.number)
            if r.model == model.id
            and not r.mapping_ours
            and (level.number in r.levels or not r.levels)
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
