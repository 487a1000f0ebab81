"""The Upload page: read and score a file without storing it, then save it as one assessment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cxmaturity import charts, services
from cxmaturity.errors import SurveyValidationError
from cxmaturity.scoring import AssessmentScore, score_assessment
from cxmaturity.survey import read_survey
from cxmaturity.survey import template_csv as make_template


@dataclass
class UploadPreview:
    filename: str
    problems: list[dict]  # row, column, problem (for a table)
    warnings: list[str]
    survey: object | None = None  # SurveyData when the file is clean
    score: AssessmentScore | None = None
    radar: object | None = None
    model_name: str | None = None

    @property
    def ok(self) -> bool:
        return self.survey is not None and not self.problems


def preview_upload(data: bytes, filename: str, model_id: str | None = None) -> UploadPreview:
    """Read, validate and score a file without storing anything."""
    model = services.model(model_id) if model_id else None
    try:
        survey = read_survey(data, model=model, filename=filename)
    except SurveyValidationError as exc:
        problems = [{"Row": p.row, "Column": p.column, "Problem": p.message} for p in exc.problems]
        return UploadPreview(filename=filename, problems=problems, warnings=[])
    score = score_assessment(survey.model, survey.answers, survey.respondents, group_by="department")
    radar = charts.build_radar_figure(
        survey.model,
        [
            charts.RadarSeries(
                name="This file",
                scores={c.id: c.score for c in score.competencies},
                kind="current",
                n={c.id: c.n for c in score.competencies},
            )
        ],
        title="Preview: maturity by competency",
    )
    return UploadPreview(
        filename=filename,
        problems=[],
        warnings=list(survey.warnings) + score.warnings,
        survey=survey,
        score=score,
        radar=radar,
        model_name=survey.model.name,
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
    user=None,
) -> tuple[int, bool]:
    """Store the previewed file as one assessment (one transaction); (id, created)."""
    if not preview.ok:
        raise ValueError("the file has problems; fix them before saving")
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
