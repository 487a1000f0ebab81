"""What the board report says (``report_content``) and the PDF of it (``board_report``)."""

from __future__ import annotations

import asyncio
import base64
import ctypes.util
import datetime as dt
import importlib.util
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from cxmaturity import charts, i18n, rules, services, translations
from cxmaturity.access import User
from cxmaturity.benchmarks import SOURCE_DOCUMENTS, document_title
from cxmaturity.charts.direction import for_reading_direction
from cxmaturity.errors import InvalidInput
from cxmaturity.i18n import _, ngettext
from cxmaturity.models import NAME_OURS, TEXT_OURS, provenance
from cxmaturity.scoring import AssessmentScore, item_statistics
from cxmaturity.views import format as fmt
from cxmaturity.views import overview as overview_views
from cxmaturity.views import progress as progress_views
from cxmaturity.views.focus import build_focus, weakest

TEMPLATES = Path(__file__).resolve().parent / "templates"
REPORT_LANGUAGES = tuple(i18n.LANGUAGES)  # en, fa (right to left), tr, ru
REPORT_PRIORITIES = 3  # the executive summary's priorities: the three weakest competencies
CHART_SCALE = 2  # PNG at twice the size it is printed: sharp on paper and on a retina screen
DEBIAN_CHROMIUM = "/usr/bin/chromium"


class ReportError(InvalidInput):
    """The report cannot be made as asked (an unknown language, no assessment)."""


@dataclass
class ReportContent:
    """Everything the template shows, as plain values and figures (no HTML)."""

    organisation: str
    model_name: str
    date: dt.date
    label: str | None
    respondents: int
    title: str
    change_sentence: str
    level_meaning: str | None
    benchmark: list[tuple[str, str]]  # (sentence, source)
    cards: list[dict]
    priorities: list[dict]
    shared_next: list[tuple]  # (level name, text, mark): a model-wide next level, said once
    strongest_items: list[dict]
    weakest_items: list[dict]
    departments_hidden: int
    departments: int
    progress_sentence: str
    targets: list[dict]
    initiatives_done: list[dict]
    initiatives_due: list[dict]
    method: list[str]
    sources: list[str]
    ours: list[str]
    translated: str | None = None  # in a language other than English: which texts are our translation
    figures: dict[str, object] = field(default_factory=dict)  # name -> plotly figure
    generated: dt.date = field(default_factory=dt.date.today)


def _latest_assessment(org: str, model_id: str, user: User | None) -> int:
    waves = services.list_assessments(org, model_id, user=user)
    if not waves:
        raise ReportError(f"organisation '{org}' has no {model_id} assessment to report on")
    return waves[-1].id


def report_content(
    org: str, model_id: str, assessment_id: int | None = None, *, today: dt.date | None = None, user: User | None = None
) -> ReportContent:
    """The report's content for one assessment (default: the latest of the model)."""
    model = translations.localised(services.model(model_id))
    assessment_id = assessment_id or _latest_assessment(org, model.id, user)
    view = overview_views.overview(org, model.id, assessment_id, user=user)
    h = view.headline
    scores = AssessmentScore.from_dict(services.get_scores(org, assessment_id, user=user))
    answers, _problems = services.get_assessment_answers(org, assessment_id, user=user)
    progress = progress_views.progress_view(org, model.id, today=today, user=user)
    plan = services.plan(org, model.id, today=today, user=user)

    level = model.level(h.level) if h.level else None
    items = item_statistics(model, answers).dropna(subset=["mean"]).sort_values("mean", kind="mergesort")
    item_rows = [
        {"text": r.text, "competency": r.competency_name, "mean": fmt.number(r.mean), "mark": provenance(
            next(i for c in model.competencies for i in c.items if i.id == r.item))}
        for r in items.itertuples()
    ]
    names = {c.id: c.name for c in model.competencies}
    focus = build_focus(
        model, weakest(scores.competencies, REPORT_PRIORITIES), item_statistics(model, answers), plan.initiatives
    )
    priorities = [
        {
            "name": f.name,
            "score": fmt.number(f.score),
            "level": f"{fmt.integer(f.level)} {f.level_name}" if f.level else fmt.MISSING,
            "next_level": None if f.next_shared else f.next_level_name,
            "next": f.next_description,
            "next_mark": f.next_mark,
            "practices": [f"{p.text} ({fmt.number(p.mean)})" for p in f.practices],
            "advice": [(a.topic, a.text, a.source, a.marks) for a in f.advice[:2]],
            "initiatives": [
                _("{title} — {owner}, due {date}").format(title=i.title, owner=i18n.isolate(i.owner), date=fmt.day(i.due))
                + (" (" + _("overdue") + ")" if plan.overdue(i) else "")
                for i in f.initiatives
            ],
        }
        for f in focus
    ]
    shared_next = list(dict.fromkeys(
        (f.next_level_name, f.next_description, f.next_mark) for f in focus if f.next_shared and f.next_level_name
    ))
    cards = [
        {
            "name": c.name,
            "mark": provenance(model.competency(c.id), "name"),
            "score": fmt.number(c.score),
            "level": f"{fmt.integer(c.level)} {c.level_name}" if c.level else fmt.MISSING,
            "change": fmt.number(c.delta, signed=True) if c.delta is not None else fmt.MISSING,
            "verdict": fmt.verdict(c.verdict) if c.verdict else _("first assessment"),
            "verdict_class": (c.verdict or "first").replace(" ", "-"),
        }
        for c in view.cards
    ]
    done = [i for i in plan.initiatives if i.status == "done"]
    due = [i for i in plan.initiatives if i.status in rules.OPEN_STATUSES]
    history = progress.assessments
    progress_sentence = progress.headline
    if progress.next_due is not None:
        progress_sentence += " " + _("The next assessment is due between {earliest} and {latest}: {citation}").format(
            earliest=fmt.day(progress.next_due.earliest), latest=fmt.day(progress.next_due.latest),
            citation=progress_views.reassess_citation(),
        )

    ours = []
    if provenance(model):
        ours.append(_("the model's summary"))
    if any(provenance(c, "name") for c in model.competencies):
        ours.append(_("competency names marked '{mark}'").format(mark=_(NAME_OURS)))
    if any(provenance(c, "description") for c in model.competencies):
        ours.append(_("the competency descriptions"))
    if any(provenance(i) for c in model.competencies for i in c.items):
        ours.append(_("the questionnaire's statements"))
    if any(lv.ours for lv in model.levels):
        ours.append(_("the level texts marked as ours"))
    if any(provenance(lv, "name") for lv in model.levels):
        ours.append(_("level names inferred by this project"))
    if provenance(model.scale):
        ours.append(_("the answer scale"))
    translated = None
    if i18n.current() != i18n.SOURCE_LANGUAGE:
        table = translations.texts(i18n.current(), model.id)
        own = sorted({t.source_document for t in table.values() if t.source_document})
        translated = _(
            "In this language the model's texts are this project's translation of the English reference text, "
            "except those taken word for word from the source document ({sources})."
        ).format(sources=", ".join(document_title(d) for d in _seed_names(own)) or "–") if own else _(
            "In this language the model's texts are this project's translation of the English reference text."
        )

    figures = {"radar": view.radar, "heatmap": charts.build_department_heatmap_figure(model, scores.groups)}
    if progress.timeline_figure is not None and history >= 2:
        figures["trend"] = progress.timeline_figure
    if progress.targets_figure is not None:
        figures["targets"] = progress.targets_figure

    return ReportContent(
        organisation=h.organisation,
        model_name=h.model_name,
        date=h.date,
        label=h.label,
        respondents=h.respondents,
        title=h.title,
        change_sentence=h.change_sentence,
        level_meaning=level.description if level else None,
        benchmark=[(s.text, s.source) for s in view.benchmark],
        cards=cards,
        priorities=priorities,
        shared_next=shared_next,
        # one question a competency (descriptor-anchored models): the competencies table says it all
        strongest_items=[] if model.item_anchoring == "descriptor" else list(reversed(item_rows[-3:])),
        weakest_items=[] if model.item_anchoring == "descriptor" else item_rows[:3],
        departments_hidden=sum(1 for g in scores.groups if g.suppressed),
        departments=len(scores.groups),
        progress_sentence=progress_sentence,
        targets=[
            {
                "competency": translations.competency_name(model.id, t.competency, t.competency_name),
                "horizon": ngettext("{n} month", "{n} months", t.horizon_months).format(n=fmt.integer(t.horizon_months)),
                "target": f"{fmt.integer(t.target_level)} {translations.level_name(model.id, t.target_level, t.target_level_name)}",
                "actual": fmt.integer(t.actual_level) if t.actual_level else fmt.MISSING,
                "met": _("met") if t.met else ngettext("{n} level to go", "{n} levels to go", t.gap_levels).format(
                    n=fmt.integer(t.gap_levels)) if t.gap_levels is not None else fmt.MISSING,
            }
            for t in progress.targets
        ],
        initiatives_done=[
            {"title": i.title, "competency": names.get(i.competency, i.competency), "owner": i.owner,
             "when": fmt.day(i.completed_on) if i.completed_on else fmt.MISSING}
            for i in done
        ],
        initiatives_due=[
            {"title": i.title, "competency": names.get(i.competency, i.competency), "owner": i.owner,
             "when": fmt.day(i.due), "overdue": plan.overdue(i)}
            for i in due
        ],
        method=[
            _("{model}: {competencies} competencies, {levels} levels, answered on a {low}–{high} scale by {respondents} respondents.").format(
                model=model.name, competencies=fmt.integer(len(model.competencies)), levels=fmt.integer(len(model.levels)),
                low=fmt.integer(model.scale.min), high=fmt.integer(model.scale.max), respondents=fmt.integer(h.respondents)),
            (_("A respondent's competency score is the mean of their answered items; a competency's score is the "
               "mean over its respondents, with its confidence interval (95%); the overall score is the weighted mean of "
               "the competency scores; points = {points} × (overall − {low}) / ({high} − {low}), rounded half up; "
               "the level is the band that holds the score.") if model.points_max else
             _("A respondent's competency score is the mean of their answered items; a competency's score is the "
               "mean over its respondents, with its confidence interval (95%); the overall score is the weighted mean of "
               "the competency scores; the level is the band that holds the score.")).format(
                points=fmt.integer(model.points_max), low=fmt.integer(model.scale.min), high=fmt.integer(model.scale.max)),
            _("A change counts as improved or declined only when Welch's t-test gives p < {significance}; "
              "otherwise it is 'no clear change'.").format(significance=fmt.number(rules.SIGNIFICANCE)),
            _("Departments with fewer than {group} respondents are hidden, and where exactly one "
              "would be, the next smallest too, so no hidden score can be worked out from the total. Peer figures "
              "need at least {peers} other organisations and never name one.").format(
                group=fmt.integer(rules.MIN_GROUP_SIZE), peers=fmt.integer(rules.MIN_PEER_ORGANISATIONS)),
        ],
        sources=list(dict.fromkeys(
            [_("The model: {organisation}, as described in {document}.").format(
                organisation=model.source.organisation, document=document_title(model.source.document))]
            + [s.source for s in view.benchmark]
            + [_("The 6–12-month reassessment window: {document}.").format(document=document_title(rules.REASSESS_SOURCE))]
        )),
        ours=ours,
        translated=translated,
        figures=figures,
        generated=today or dt.date.today(),
    )


def missing_requirements() -> list[str]:
    """What this machine lacks to make the PDF, in words (cheap: nothing heavy is imported), so
    the page can say so before a click instead of failing after it."""
    missing = [
        f"the Python package {name}" for name in ("weasyprint", "kaleido", "jinja2") if importlib.util.find_spec(name) is None
    ]
    if ctypes.util.find_library("pango-1.0") is None:
        missing.append("the pango library (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0)")
    if not (os.environ.get("BROWSER_PATH") or Path(DEBIAN_CHROMIUM).exists() or shutil.which("chromium")):
        missing.append("a Chromium browser for the charts (Debian: apt-get install chromium)")
    return missing


def _browser_path() -> None:
    """kaleido drives Debian's chromium; nothing downloads a browser."""
    if not os.environ.get("BROWSER_PATH") and Path(DEBIAN_CHROMIUM).exists():
        os.environ["BROWSER_PATH"] = DEBIAN_CHROMIUM


def _png_charts(figures: dict[str, object]) -> dict[str, str]:
    """Every figure as a PNG data URI, through ONE browser for the whole report."""
    _browser_path()
    # kaleido (and its browser) load only when a report is made: the app and the CLI start without them
    import kaleido

    sizes = {"radar": (560, 500), "heatmap": (980, 520), "trend": (980, 440), "targets": (980, 420)}

    async def export() -> dict[str, bytes]:
        out = {}
        async with kaleido.Kaleido(n=1) as k:
            for name, fig in figures.items():
                fig = for_reading_direction(fig)
                width, height = sizes.get(name, (900, 500))
                height = max(height, int(getattr(fig.layout, "height", None) or height))
                out[name] = await k.calc_fig(
                    fig, opts={"format": "png", "scale": CHART_SCALE, "width": width, "height": height}
                )
        return out

    images = asyncio.run(export())
    return {name: "data:image/png;base64," + base64.b64encode(png).decode() for name, png in images.items()}


def render_html(content: ReportContent, images: dict[str, str]) -> str:
    # Jinja2 loads with the report: the app never needs it otherwise
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    lang = i18n.current()
    return env.get_template("report.html").render(
        c=content, img=images, fmt=fmt, TEXT_OURS=TEXT_OURS, _=_, ngettext=ngettext,
        lang=lang, dir=i18n.direction(lang), fonts=REPORT_FONTS.get(lang, REPORT_FONTS["en"]),
        counter_style="persian" if lang == "fa" else "decimal",
        # inside a CSS string in the page margin: no quote or backslash may reach it
        page_word=_css_words(_("Page")), of_word=_css_words(_("of")),
    )


REPORT_FONTS = {
    "en": '"Noto Sans", "DejaVu Sans", sans-serif',
    # Persian: Noto's Arabic-script faces (Debian fonts-noto-core) shape Persian; Vazirmatn if installed
    "fa": '"Vazirmatn", "Noto Sans Arabic", "Noto Naskh Arabic", "Noto Sans", sans-serif',
}


def _css_words(text: str) -> str:
    return "".join(ch for ch in text if ch not in "\\\"'<>{}&;")


def _seed_names(numbers: list[str]) -> list[str]:
    return [d for n in numbers for d in SOURCE_DOCUMENTS if d.startswith(f"{n}_")]


def board_report(
    org: str,
    model_id: str,
    assessment_id: int | None = None,
    lang: str = "en",
    *,
    today: dt.date | None = None,
    user: User | None = None,
) -> bytes:
    """The board report as PDF bytes (A4, 3-6 pages)."""
    missing = missing_requirements()
    if missing:
        raise ReportError("the PDF report cannot be made on this machine: it needs " + "; ".join(missing))
    if lang not in REPORT_LANGUAGES:
        raise ReportError(f"the report is available in {', '.join(REPORT_LANGUAGES)}, not '{lang}'")
    with i18n.language(lang):  # every sentence, number, date and chart label in the report's language
        content = report_content(org, model_id, assessment_id, today=today, user=user)
        html = render_html(content, _png_charts(content.figures))
    # WeasyPrint (and pango behind it) load only when a PDF is made
    from weasyprint import HTML

    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
