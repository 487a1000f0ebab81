"""Use cases on assessments: import, read, compare, rescore, delete.

Each use case checks access first (``cxmaturity.access``), then runs its queries in one
transaction; scoring is CPU work done outside the write transaction, so the write lock is
held briefly.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.exc import IntegrityError

from cxmaturity import store
from cxmaturity.access import (
    DELETE_ASSESSMENT,
    IMPORT,
    RESCORE,
    User,
    acting,
    check_admin,
    check_read,
    check_write,
)
from cxmaturity.compare import Comparison, compare_assessments
from cxmaturity.errors import (
    InvalidInput,
    NotEnoughAssessments,
    Problem,
    SurveyValidationError,
    UnknownAssessment,
)
from cxmaturity.formatting import digits, grouped
from cxmaturity.i18n import _, isolate, ngettext
from cxmaturity.models import MaturityModel
from cxmaturity.rules import GROUP_BY, MAX_LABEL, MAX_PROBLEMS, MAX_RESPONDENT_ID, MIN_GROUP_SIZE
from cxmaturity.scoring import AssessmentScore, score_assessment
from cxmaturity.services.audit import actor_of
from cxmaturity.services.catalogue import ModelRef, model_id, org_name
from cxmaturity.services.catalogue import model as resolve_model
from cxmaturity.services.catalogue import models as all_models
from cxmaturity.services.organisations import attribute_values, check_name
from cxmaturity.store import assessments as assessments_sql
from cxmaturity.store import audit as audit_sql
from cxmaturity.store import organisations as orgs_sql
from cxmaturity.store.records import AssessmentRecord, HistoryEntry, ImportResult
from cxmaturity.store.sql import aware, now
from cxmaturity.translations import localised


def as_date(value: dt.date | str) -> dt.date:
    """A date given by a person or a caller: a date, or text in the form YYYY-MM-DD."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidInput(
            _("'{value}' is not a date in the form YYYY-MM-DD").format(value=isolate(value))
        ) from None


def _org_id(conn, org: str, user: User | None) -> int:
    """The organisation's id, after checking ``user`` may read it (AccessDenied otherwise,
    before the database is asked, so the answer never depends on whether it exists)."""
    name = org_name(org)
    check_read(user, name)
    return orgs_sql.require_id(conn, name)


# --- reading -----------------------------------------------------------------------------------


def list_assessments(
    org: str,
    model: ModelRef | None = None,
    *,
    user: User | None = None,
    engine: store.EngineRef = None,
) -> list[AssessmentRecord]:
    """The organisation's assessments, oldest first (date, then id)."""
    with store.reading(engine) as conn:
        return assessments_sql.list_for(conn, _org_id(conn, org, user), model_id(model))


def get_assessment(
    org: str, assessment_id: int, *, user: User | None = None, engine: store.EngineRef = None
) -> AssessmentRecord:
    with store.reading(engine) as conn:
        return assessments_sql.get(conn, _org_id(conn, org, user), org_name(org), assessment_id)


def get_assessment_answers(
    org: str, assessment_id: int, *, user: User | None = None, engine: store.EngineRef = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(answers, respondents) as read_survey gives them: both indexed by respondent id in file
    order; answers has one float column per stored item id (NaN = not answered); respondents
    has department, role, submitted_at and any extra attribute columns."""
    with store.reading(engine) as conn:
        row = assessments_sql.owned(conn, _org_id(conn, org, user), org_name(org), assessment_id)
        answers = assessments_sql.answers_frames(conn, {row.id: row.item_ids})[row.id]
        people = assessments_sql.respondents_frame(conn, row.id)
    return answers, people


def get_scores(
    org: str, assessment_id: int, *, user: User | None = None, engine: store.EngineRef = None
) -> dict:
    """The stored ``AssessmentScore.to_dict()`` (groups = the department breakdown), plus
    ``group_by``, ``min_group_size``, ``model_version`` and ``scored_at``."""
    with store.reading(engine) as conn:
        assessments_sql.owned(conn, _org_id(conn, org, user), org_name(org), assessment_id)
        row = assessments_sql.stored_scores(conn, assessment_id)
    if row is None:  # only possible if scoring was removed by hand; rescore fixes it
        raise UnknownAssessment(
            _("assessment #{assessment_id} has no stored scores; run 'cxmaturity rescore'").format(
                assessment_id=digits(assessment_id)
            )
        )
    result = dict(row.result)
    result.update(
        group_by=row.group_by,
        min_group_size=row.min_group_size,
        model_version=row.model_version,
        scored_at=aware(row.scored_at).isoformat(),
    )
    return result


def history(
    org: str,
    model: ModelRef | None = None,
    *,
    user: User | None = None,
    engine: store.EngineRef = None,
) -> list[HistoryEntry]:
    """The organisation's assessments with their stored scores, oldest first
    (``[e.to_dict() for e in ...]`` is the ``cxmaturity history --json`` contract)."""
    with store.reading(engine) as conn:
        return assessments_sql.history(conn, _org_id(conn, org, user), model_id(model))


def find_assessment_by_hash(
    org: str,
    model: ModelRef,
    content_hash: str,
    *,
    user: User | None = None,
    engine: store.EngineRef = None,
) -> int | None:
    """The id of the organisation's assessment of ``model`` stored from a file with this
    content hash (the upload page warns before a duplicate), or None (also for a new org)."""
    name = org_name(org)
    check_read(user, name)
    with store.reading(engine) as conn:
        return assessments_sql.existing_id(conn, name, model_id(model), content_hash)


# --- deleting ----------------------------------------------------------------------------------


def delete_assessment(
    org: str, assessment_id: int, *, user: User | None = None, engine: store.EngineRef = None
) -> bool:
    """Move one assessment of the organisation into the trash (its answers and scores stay,
    restorable by an administrator until purged). False when the organisation has no such
    assessment. Analysts and admins only."""
    name = org_name(org)
    user = check_write(user, name)
    with store.writing(engine) as conn:
        org_id = _org_id(conn, name, user)
        try:
            row = assessments_sql.owned(conn, org_id, name, assessment_id)
        except UnknownAssessment:
            return False
        assessments_sql.trash(conn, org_id, assessment_id, actor_of(user))
        label = f" '{row.label}'" if row.label else ""
        detail = f"assessment #{int(assessment_id)} ({row.model_id}, {row.assessment_date.isoformat()}{label}) into the trash"
        audit_sql.write(conn, actor_of(user), DELETE_ASSESSMENT, name, detail)
    return True


def delete_assessment_by_id(
    assessment_id: int, *, user: User | None = None, engine: store.EngineRef = None
) -> bool:
    """``delete_assessment`` by the assessment's id alone (the CLI). One refusal for an id that
    does not exist and one the user may not change: UnknownAssessment, the same words."""
    acting_user = acting(user)
    with store.reading(engine) as conn:
        name = assessments_sql.organisation_of(conn, assessment_id)
    if name is None or not acting_user.can_write(name):
        raise UnknownAssessment(
            _("there is no assessment #{assessment_id} you can change").format(
                assessment_id=digits(assessment_id)
            )
        )
    return delete_assessment(name, assessment_id, user=user, engine=engine)


# --- importing ---------------------------------------------------------------------------------


def check_survey(survey) -> list[Problem]:
    """What stops a survey from being stored, beyond what the reader already checked."""
    model: MaturityModel = survey.model
    answers: pd.DataFrame = survey.answers
    problems: list[Problem] = []
    if not isinstance(model, MaturityModel):
        return [Problem(None, None, _("the survey has no maturity model"))]
    if not isinstance(survey.content_hash, str) or not survey.content_hash:
        problems.append(Problem(None, None, _("the survey has no content hash")))
    if len(answers) == 0:
        problems.append(Problem(None, None, _("the file holds no responses")))
    known = set(model.item_ids)
    model_name = localised(model).name
    for col in answers.columns:
        if col not in known:
            problems.append(Problem(None, str(col), _("is not an item of the {model}").format(model=model_name)))
    if not set(answers.columns) & known:
        problems.append(Problem(None, None, _("the file has no item of the {model}").format(model=model_name)))
    keys = pd.Index([str(k) for k in answers.index])
    for key in keys[keys.duplicated()].unique()[:MAX_PROBLEMS]:
        problems.append(
            Problem(
                None,
                "respondent_id",
                _("respondent id '{id}' appears more than once").format(id=isolate(key)),
            )
        )
    for key in keys[(keys.str.strip() == "") | (keys.str.len() > MAX_RESPONDENT_ID)][:MAX_PROBLEMS]:
        problems.append(
            Problem(
                None,
                "respondent_id",
                _("respondent id '{id}' is empty or too long").format(id=isolate(key[:40])),
            )
        )
    if problems:
        return problems
    try:
        values = answers.to_numpy(dtype=float)
    except (TypeError, ValueError):
        return [Problem(None, None, _("answers must be numbers"))]
    lo, hi = model.scale.min, model.scale.max
    bad = ~np.isnan(values) & ((values < lo) | (values > hi) | np.isinf(values))
    rows, cols = np.nonzero(bad)
    for r, c in list(zip(rows, cols, strict=True))[:MAX_PROBLEMS]:
        problems.append(
            Problem(
                None,
                str(answers.columns[c]),
                _("respondent '{id}': {value} is not an answer on the {low}–{high} scale").format(
                    id=isolate(keys[r]), value=digits(f"{values[r, c]:g}"), low=digits(lo), high=digits(hi)
                ),
            )
        )
    if len(rows) > MAX_PROBLEMS:
        problems.append(
            Problem(
                None,
                None,
                ngettext(
                    "… and {count} more answer outside the scale",
                    "… and {count} more answers outside the scale",
                    len(rows) - MAX_PROBLEMS,
                ).format(count=grouped(len(rows) - MAX_PROBLEMS)),
            )
        )
    return problems


def score_answers(
    model: MaturityModel,
    answers: pd.DataFrame,
    people: pd.DataFrame | None,
    extra_warnings: Iterable[str] = (),
    min_group_size: int = MIN_GROUP_SIZE,
) -> tuple[AssessmentScore, str | None]:
    group_by = GROUP_BY if people is not None and GROUP_BY in people.columns else None
    result = score_assessment(
        model,
        answers,
        people.reindex(answers.index) if people is not None else None,
        group_by=group_by,
        min_group_size=min_group_size,
    )
    result.warnings = list(extra_warnings) + list(result.warnings)
    return result, group_by


def _check_label(label: Any) -> str | None:
    if label is None:
        return None
    label = str(label)
    if len(label) > MAX_LABEL:
        raise InvalidInput(
            _("label is longer than {limit} characters").format(limit=digits(MAX_LABEL))
        )
    if "\x00" in label:  # PostgreSQL text cannot hold NUL
        raise InvalidInput(_("label must not contain a NUL character"))
    return label


def import_assessment(
    survey,
    org: str,
    date: dt.date | str,
    label: str | None = None,
    imported_by: str | None = None,
    org_attributes: dict | None = None,
    source_file: str | None = None,
    *,
    min_group_size: int = MIN_GROUP_SIZE,
    user: User | None = None,
    engine: store.EngineRef = None,
) -> ImportResult:
    """Validate, score and store one assessment (a ``SurveyData``) in ONE transaction.

    The organisation is created when new (``org_attributes``: industry, size_band, region,
    is_demo); ``source_file``: the uploaded file's name, for the record. The same file
    (content hash) for the same organisation and model is stored once: importing it again
    returns the existing id with ``created=False`` and stores nothing.
    Raises SurveyValidationError for bad data and InvalidInput for bad arguments, and
    AccessDenied unless ``user`` may write to the organisation (only an administrator can
    create one). ``imported_by`` defaults to a signed-in user's email.
    """
    name = check_name(org_name(org))
    user = check_write(user, name)
    if imported_by is None and not user.is_local:
        imported_by = user.email
    when = as_date(date)
    label = _check_label(label)
    org_values = attribute_values(org_attributes)  # fail early on unknown attributes
    # a survey wave may promise its respondents a stricter threshold; never a looser one
    if (
        isinstance(min_group_size, bool)
        or not isinstance(min_group_size, int)
        or min_group_size < MIN_GROUP_SIZE
    ):
        raise InvalidInput(
            _("the anonymity threshold must be a whole number of at least {minimum}").format(
                minimum=digits(MIN_GROUP_SIZE)
            )
        )
    problems = check_survey(survey)
    if problems:
        raise SurveyValidationError(problems)
    model: MaturityModel = survey.model
    eng = store.get_engine(engine)

    # the cheap check first: re-importing a known file costs one query, not a scoring run
    with store.reading(eng) as conn:
        existing = assessments_sql.existing_id(conn, name, model.id, survey.content_hash)
        if existing is not None and assessments_sql.is_trashed(conn, existing):
            raise InvalidInput(
                _(
                    "this file is in the trash as assessment #{existing} of '{name}'; an administrator can restore it (or purge the trash to import it anew)"
                ).format(existing=digits(existing), name=isolate(name))
            )
    if existing is not None:
        return ImportResult(existing, False)

    people = getattr(survey, "respondents", None)
    result, group_by = score_answers(
        model, survey.answers, people, getattr(survey, "warnings", ()), min_group_size
    )
    source = source_file or getattr(survey, "filename", None)

    try:
        with store.writing(eng) as conn:
            org_id = orgs_sql.ensure(conn, name, org_values)
            assessment_id = assessments_sql.insert_new(
                conn,
                {
                    "organisation_id": org_id,
                    "model_id": model.id,
                    "model_version": model.version,
                    "assessment_date": when,
                    "label": label,
                    "source_file": str(source)[:255] if source else None,
                    "content_hash": survey.content_hash,
                    "encoding": (getattr(survey, "encoding", None) or None),
                    "export_format": (getattr(survey, "export_format", None) or None),
                    "item_ids": [str(c) for c in survey.answers.columns],
                    "respondent_count": int(len(survey.answers)),
                    "imported_by": imported_by[:200] if imported_by else None,
                    "imported_at": now(),
                },
            )
            if assessment_id is None:  # a concurrent import of the same file won the race
                return ImportResult(
                    assessments_sql.existing_id(conn, name, model.id, survey.content_hash), False
                )
            assessments_sql.insert_respondents(
                conn, assessments_sql.respondent_rows(survey.answers, people, assessment_id)
            )
            assessments_sql.write_scores(
                conn, assessment_id, model.version, result.to_dict(), group_by, min_group_size
            )
            detail = (
                f"assessment #{assessment_id} ({model.id}, {when.isoformat()}, {len(survey.answers)} respondents"
                + (f", file '{source}'" if source else "")
                + ")"
            )
            audit_sql.write(conn, actor_of(user), IMPORT, name, detail)
    except IntegrityError:
        with store.reading(eng) as conn:
            existing = assessments_sql.existing_id(conn, name, model.id, survey.content_hash)
        if existing is None:
            raise
        return ImportResult(existing, False)
    return ImportResult(assessment_id, True)


def rescore(
    org: str | None = None, *, user: User | None = None, engine: store.EngineRef = None
) -> dict:
    """Recompute the stored scores with the current models (all organisations, or one).

    Returns {"rescored": [ids], "skipped": [{"id", "model", "reason"}]}; an assessment whose
    model no longer exists keeps its old scores and is listed as skipped. All organisations:
    administrators only; one: whoever may write to it.
    """
    user = check_admin(user) if org is None else check_write(user, org_name(org))
    eng = store.get_engine(engine)
    with store.reading(eng) as conn:
        todo = assessments_sql.to_rescore(conn, None if org is None else _org_id(conn, org, user))
    done, skipped = [], []
    available = all_models()
    for row in todo:
        model = available.get(row.model_id)
        if model is None:
            skipped.append(
                {"id": row.id, "model": row.model_id, "reason": "model no longer exists"}
            )
            continue
        with store.reading(eng) as conn:
            answers = assessments_sql.answers_frames(conn, {row.id: row.item_ids})[row.id]
            people = assessments_sql.respondents_frame(conn, row.id)
        # the threshold it was stored with (a wave's may be stricter), never below today's rule
        threshold = max(row.min_group_size or MIN_GROUP_SIZE, MIN_GROUP_SIZE)
        result, group_by = score_answers(model, answers, people, min_group_size=threshold)
        with store.writing(eng) as conn:
            # the assessment may have been deleted meanwhile; then there is nothing to update
            if assessments_sql.exists_id(conn, row.id):
                assessments_sql.write_scores(
                    conn, row.id, model.version, result.to_dict(), group_by, threshold
                )
                assessments_sql.set_model_version(conn, row.id, model.version)
                done.append(row.id)
    if done:
        with store.writing(eng) as conn:
            audit_sql.write(
                conn, actor_of(user), RESCORE, org, f"{len(done)} assessment(s) re-scored"
            )
    return {"rescored": done, "skipped": skipped}


# --- comparing ---------------------------------------------------------------------------------


def _pick_waves(
    order: list[int], from_id: int | None, to_id: int | None, model: MaturityModel, name: str
) -> tuple[int, int]:
    """Default: the last two (by date). With only ``to_id``, from = the one before it; with
    only ``from_id``, to = the latest."""
    if from_id is None and to_id is None:
        if len(order) < 2:
            raise NotEnoughAssessments(
                ngettext(
                    "organisation '{name}' has {count} {model} assessment; a comparison needs at least two",
                    "organisation '{name}' has {count} {model} assessments; a comparison needs at least two",
                    len(order),
                ).format(name=isolate(name), count=digits(len(order)), model=model.id)
            )
        return order[-2], order[-1]
    if from_id is None:
        position = order.index(int(to_id))
        if position == 0:
            raise NotEnoughAssessments(
                _("assessment #{to_id} is the first {model} assessment; nothing before it").format(
                    to_id=digits(to_id), model=model.id
                )
            )
        from_id = order[position - 1]
    elif to_id is None:
        to_id = order[-1]
    from_id, to_id = int(from_id), int(to_id)
    if from_id == to_id:
        raise InvalidInput(
            _("cannot compare assessment #{from_id} with itself").format(from_id=digits(from_id))
        )
    return from_id, to_id


def comparison(
    org: str,
    model: ModelRef,
    from_id: int | None = None,
    to_id: int | None = None,
    *,
    user: User | None = None,
    engine: store.EngineRef = None,
) -> Comparison:
    """compare_assessments over two stored assessments of the organisation and model.

    Raises NotEnoughAssessments with fewer than two, and UnknownAssessment for an id that is
    not this organisation's assessment of this model.
    """
    name = org_name(org)
    check_read(user, name)
    maturity_model = resolve_model(model)
    eng = store.get_engine(engine)
    with store.reading(eng) as conn:
        org_id = _org_id(conn, name, user)
        waves = assessments_sql.waves(conn, org_id, maturity_model.id)
        order = [w.id for w in waves]
        for given in (from_id, to_id):
            if given is not None and int(given) not in order:
                other = assessments_sql.model_of(conn, org_id, int(given))
                if other is not None:
                    raise UnknownAssessment(
                        _("assessment #{given} is a {other} assessment, not {id}").format(
                            given=digits(given), other=other, id=maturity_model.id
                        )
                    )
                raise UnknownAssessment(
                    _("organisation '{name}' has no assessment #{given}").format(
                        name=isolate(name), given=digits(given)
                    )
                )
        from_id, to_id = _pick_waves(order, from_id, to_id, maturity_model, name)
        by_id = {w.id: w for w in waves}
        # stored answers never change: (database, id, content hash, import time) identifies them
        # for good; the engine object stands for the database (never its URL: it holds the password)
        key = (
            id(eng),
            id(maturity_model),
            *((i, by_id[i].content_hash, str(by_id[i].imported_at)) for i in (from_id, to_id)),
        )
        cached = _memo.get(key, (eng, maturity_model))
        if cached is not None:
            return cached
        frames = assessments_sql.answers_frames(
            conn, {i: by_id[i].item_ids for i in (from_id, to_id)}
        )
    result = compare_assessments(
        maturity_model, frames[from_id], frames[to_id], from_id=from_id, to_id=to_id
    )
    _memo.put(key, (eng, maturity_model), result)
    return copy.deepcopy(result)


class _ComparisonMemo:
    """Comparisons are pure functions of two immutable answer sets and the model, and cost
    ~15 ms (a Welch test per competency); a small in-process memo makes repeated page views
    cheap. It holds the engine and model objects, so their ids in a key cannot be reused."""

    SIZE = 256

    def __init__(self) -> None:
        self._entries: OrderedDict[tuple, tuple[tuple, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, owners: tuple):
        with self._lock:
            hit = self._entries.get(key)
            if hit is None or any(a is not b for a, b in zip(hit[0], owners, strict=True)):
                return None
            self._entries.move_to_end(key)
            return copy.deepcopy(hit[1])

    def put(self, key: tuple, owners: tuple, result) -> None:
        with self._lock:
            self._entries[key] = (owners, copy.deepcopy(result))
            while len(self._entries) > self.SIZE:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_memo = _ComparisonMemo()


def clear_caches() -> None:
    """Forget memoised comparisons."""
    _memo.clear()
