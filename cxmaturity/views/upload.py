"""The Upload page: read and score a file without storing it, then save it as one assessment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cxmaturity import charts, formatting, i18n, services, translations
from cxmaturity.access import User
from cxmaturity.errors import InvalidInput, Problem, SurveyValidationError
from cxmaturity.i18n import _
from cxmaturity.scoring import AssessmentScore, score_assessment
from cxmaturity.survey import read_survey
from cxmaturity.survey import template_csv as make_template
from cxmaturity.survey.questionnaire import questionnaire_xlsx


@dataclass
class UploadPreview:
    filename: str
    problems: list[dict]  # row, column, problem (for a table)
    warnings: list[str]
    survey: object | None = None  # SurveyData when the file is clean
    score: AssessmentScore | None = None
    radar: object | None = None
    model_name: str | None = None  # in the interface language of the preview

    @property
    def ok(self) -> bool:
        return self.survey is not None and not self.problems


def problem_rows(problems: list[Problem]) -> list[dict]:
    """Problems as table rows; a problem about the whole file or a whole column shows '—'.
    Headers and row numbers in the interface language; the problems as the survey reader words them."""
    row, column, problem = _("Row"), _("Column"), _("Problem")
    return [
        {
            row: "—" if p.row is None else formatting.digits(p.row),
            column: "—" if p.column is None else p.column,
            problem: p.message,
        }
        for p in problems
    ]


@dataclass(frozen=True)
class SaveChoices:
    """Where an upload may be saved, for the Save step."""

    organisations: list[str]  # the user's organisations they may write to, real ones first
    demo: frozenset[str]  # which of them hold sample data
    default: str | None  # preselected: the sidebar's organisation, never a demo one
    may_create: bool  # may save into a new organisation

    @property
    def default_mode(self) -> str:
        return EXISTING if self.default is not None or (self.real and not self.may_create) else NEW

    @property
    def real(self) -> list[str]:
        return [o for o in self.organisations if o not in self.demo]


EXISTING, NEW = "existing", "new"


def save_choices(user: User, sidebar_org: str | None) -> SaveChoices:
    orgs = [o for o in services.list_organisations(user=user) if user.can_write(o.name)]
    names = [o.name for o in orgs]  # real organisations first, then demo ones
    demo = frozenset(o.name for o in orgs if o.is_demo)
    default = sidebar_org if sidebar_org in names and sidebar_org not in demo else None
    return SaveChoices(names, demo, default, user.may_create_organisations)


def preview_upload(data: bytes, filename: str, model_id: str | None = None) -> UploadPreview:
    """Read, validate and score a file without storing anything. The file is read and scored
    with the English model; only what the preview shows (radar, model name) is localised."""
    model = services.model(model_id) if model_id else None
    try:
        survey = read_survey(data, model=model, filename=filename)
        # every check that saving applies, so a preview that passes also saves
        stored_problems = services.check_survey(survey)
        if stored_problems:
            raise SurveyValidationError(stored_problems)
    except SurveyValidationError as exc:
        return UploadPreview(filename=filename, problems=problem_rows(exc.problems), warnings=[])
    score = score_assessment(
        survey.model, survey.answers, survey.respondents, group_by="department"
    )
    shown = translations.localised(survey.model)
    radar = charts.build_radar_figure(
        shown,
        [
            charts.RadarSeries(
                name=_("This file"),
                scores={c.id: c.score for c in score.competencies},
                kind="current",
                n={c.id: c.n for c in score.competencies},
            )
        ],
        title=_("Preview: maturity by competency"),
    )
    return UploadPreview(
        filename=filename,
        problems=[],
        warnings=list(survey.warnings) + score.warnings,
        survey=survey,
        score=score,
        radar=radar,
        model_name=shown.name,
    )


def where_stored(preview: UploadPreview, user=None) -> list[tuple[str, int]]:
    """Organisations (visible here) that already hold this exact file, with the assessment id."""
    if not preview.ok:
        return []
    found = []
    for org in services.list_organisations(user=user):
        assessment_id = services.find_assessment_by_hash(
            org.name, preview.survey.model.id, preview.survey.content_hash, user=user
        )
        if assessment_id is not None:
            found.append((org.name, assessment_id))
    return found


def save_upload(
    preview: UploadPreview,
    org: str,
    date: dt.date,
    label: str | None,
    industry: str | None = None,
    size_band: str | None = None,
    region: str | None = None,
    user: User | None = None,
    new: bool = False,
) -> tuple[int, bool]:
    """Store the previewed file as one assessment (one transaction); (id, created).
    ``new``: the person chose to create ``org``; an organisation of that name must not exist."""
    if not preview.ok:
        raise InvalidInput(_("the file has problems; fix them before saving"))
    if new and services.get_organisation(org, user=user) is not None:
        raise InvalidInput(
            _(
                "an organisation called '{name}' exists already; "
                "choose it under 'An existing organisation'"
            ).format(name=i18n.isolate(org))
        )
    result = services.import_assessment(
        preview.survey,
        org,
        date,
        label,
        org_attributes={"industry": industry, "size_band": size_band, "region": region},
        source_file=preview.filename,
        user=user,
    )
    return result.assessment_id, result.created


def template_csv(model_id: str) -> str:
    return make_template(services.model(model_id))


def questionnaire_workbook(model_id: str) -> bytes:
    """The questionnaire to hand out: question texts, the scale as a dropdown, instructions."""
    return questionnaire_xlsx(services.model(model_id))
