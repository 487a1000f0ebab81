"""All reads and writes of stored data (design.md §4 import/history/compare, §7 "store").

Plain data in and out: dicts, dataclasses and DataFrames, never ORM objects or rows. Every
query that returns assessment data takes the organisation (its exact name) as a parameter,
so one organisation's data is never reachable through another's.

Access control (cxmaturity.auth): every function that reads or changes an organisation's data
takes a keyword ``user`` (a ``cxmaturity.auth.User``; None = ``auth.LOCAL_USER``, the
single-user mode's administrator over everything). An organisation the user may not see
raises ``AccessDenied`` with the same message whether it exists or not; a viewer's write
raises ``AccessDenied`` too. Peer figures (``peer_*``) stay open to every user: they carry no
names and are only returned over at least ``peers.MIN_PEER_ORGANISATIONS`` organisations.
Changes (import, deletes, targets) are written to the audit log in the same transaction.

Every function takes an optional keyword ``engine``: an Engine, a SQLAlchemy URL, or None for
the configured database (``CXMATURITY_DATABASE_URL`` or ./.cxmaturity/cxmaturity.db). The
schema is migrated to the newest revision on first use.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import math
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    Connection,
    Engine,
    Text,
    and_,
    cast,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError

from cxmaturity import auth, db
from cxmaturity import models as models_module
from cxmaturity.auth import AccessDenied as AccessDenied  # re-exported: repository.AccessDenied
from cxmaturity.auth import User
from cxmaturity.auth import list_audit as list_audit  # re-exported: the audit log, admins only
from cxmaturity.errors import Problem, StoreError, SurveyValidationError
from cxmaturity.models import MaturityModel
from cxmaturity.peers import MIN_PEER_ORGANISATIONS
from cxmaturity.schema import (
    assessment_scores,
    assessments,
    competency_scores,
    organisations,
    respondents,
    targets,
)

# (scoring, and with it scipy, is imported where needed: `cxmaturity history` starts faster)

EngineRef = Engine | str | URL | None
ModelRef = str | MaturityModel

GROUP_BY = "department"  # the breakdown stored with every assessment
METADATA_COLUMNS = ("department", "role", "submitted_at")
TARGET_HORIZONS = (6, 12, 24)
MAX_NAME = 200
MAX_LABEL = 200
MAX_RESPONDENT_ID = 255
MAX_PROBLEMS = 50  # an invalid file lists this many problems, then a count of the rest
MIN_GROUP_SIZE = 5  # anonymity threshold of the stored breakdown (scoring.DEFAULT_MIN_GROUP_SIZE)


# --- errors ------------------------------------------------------------------------------

# StoreError (cxmaturity.errors) and AccessDenied (cxmaturity.auth) are importable from here too


class UnknownOrganisation(StoreError, LookupError):
    pass


class UnknownAssessment(StoreError, LookupError):
    pass


class NotEnoughAssessments(StoreError, ValueError):
    pass


class InvalidInput(StoreError, ValueError):
    pass


@dataclass(frozen=True)
class ImportResult:
    assessment_id: int
    created: bool  # False: the same file was already stored for this organisation and model


# --- helpers -----------------------------------------------------------------------------


def _engine(engine: EngineRef) -> Engine:
    return db.get_engine(engine)


def database_url() -> str:
    return db.database_url()


_models_cache: dict[str, Any] = {}
_models_lock = threading.Lock()


def _models() -> dict[str, MaturityModel]:
    """The models, re-read only when a YAML file changes (get_model parses every file)."""
    directory = models_module.MODELS_DIR
    try:
        stamp = tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in directory.glob("*.yaml")))
    except OSError:
        stamp = None
    with _models_lock:
        if _models_cache.get("stamp") != (str(directory), stamp):
            _models_cache["models"] = models_module.load_models(directory)
            _models_cache["stamp"] = (str(directory), stamp)
        return _models_cache["models"]


def _model(model: ModelRef) -> MaturityModel:
    if isinstance(model, MaturityModel):
        return model
    try:
        return _models()[model]
    except KeyError:
        known = ", ".join(_models()) or "none"
        raise InvalidInput(f"unknown model '{model}' (known: {known})") from None


def _model_id(model: ModelRef | None) -> str | None:
    return model.id if isinstance(model, MaturityModel) else model


def _org_name(org: Any) -> str:
    if isinstance(org, dict):
        org = org.get("name")
    if not isinstance(org, str):
        raise InvalidInput(f"organisation must be given by its name, not {type(org).__name__}")
    return org


def _org_id(conn: Connection, org: Any, user: User | None = None) -> int:
    """The organisation's id, after checking ``user`` may read it (AccessDenied otherwise,
    before the database is asked, so the answer never depends on whether it exists)."""
    name = _org_name(org)
    auth.check_read(user, name)
    org_id = conn.execute(select(organisations.c.id).where(organisations.c.name == name)).scalar_one_or_none()
    if org_id is None:
        raise UnknownOrganisation(f"unknown organisation '{name}'")
    return org_id


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes; everything is stored in UTC
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _as_date(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidInput(f"'{value}' is not a date in the form YYYY-MM-DD") from None


def _clean_json(value: Any) -> Any:
    """JSON-safe copy: NaN/inf become null (PostgreSQL rejects NaN in json), numpy to Python."""
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dict):
        return {str(k): _clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean_json(v) for v in value]
    if isinstance(value, np.generic):
        return _clean_json(value.item())
    return value


def _cell(value: Any) -> Any:
    """A respondent attribute as stored: None for missing, ISO text for times, else as is."""
    if value is None:
        return None
    if isinstance(value, float | np.floating) and math.isnan(value):
        return None
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _text(value: Any) -> str | None:
    value = _cell(value)
    return None if value is None else str(value)


def _insert_ignore(conn: Connection, table, values: dict, conflict: list[str]):
    """INSERT ... ON CONFLICT DO NOTHING for the two databases we support."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(table).values(**values).on_conflict_do_nothing(index_elements=conflict)


def _upsert(conn: Connection, table, values: dict, conflict: list[str], update_cols: list[str]):
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    stmt = dialect_insert(table).values(**values)
    return stmt.on_conflict_do_update(index_elements=conflict, set_={c: stmt.excluded[c] for c in update_cols})


# --- organisations -------------------------------------------------------------------------

ORG_ATTRIBUTES = ("industry", "size_band", "region", "is_demo")


def _org_dict(row) -> dict:
    return {
        "name": row.name,
        "industry": row.industry,
        "size_band": row.size_band,
        "region": row.region,
        "is_demo": bool(row.is_demo),
    }


def _check_org_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput("organisation name must not be empty")
    if len(name) > MAX_NAME:
        raise InvalidInput(f"organisation name is longer than {MAX_NAME} characters")
    if "\x00" in name:
        raise InvalidInput("organisation name must not contain a NUL character")
    return name


def _org_values(attributes: dict | None) -> dict:
    attributes = dict(attributes or {})
    if "size" in attributes and "size_band" not in attributes:
        attributes["size_band"] = attributes.pop("size")
    unknown = set(attributes) - set(ORG_ATTRIBUTES) - {"size"}
    if unknown:
        raise InvalidInput(f"unknown organisation attribute(s): {', '.join(sorted(unknown))}")
    values = {}
    for key in ("industry", "size_band", "region"):
        if attributes.get(key) is not None:
            values[key] = str(attributes[key])
    if attributes.get("is_demo") is not None:
        values["is_demo"] = bool(attributes["is_demo"])
    return values


def _ensure_org(conn: Connection, name: str, attributes: dict | None) -> int:
    """The organisation's id, creating it (race-safe) or filling in the given attributes."""
    values = _org_values(attributes)
    conn.execute(
        _insert_ignore(
            conn,
            organisations,
            {"name": name, "is_demo": False, "created_at": _now(), **values},
            ["name"],
        )
    )
    org_id = conn.execute(select(organisations.c.id).where(organisations.c.name == name)).scalar_one()
    if values:
        conn.execute(update(organisations).where(organisations.c.id == org_id).values(**values))
    return org_id


def create_organisation(
    name: str,
    industry: str | None = None,
    size_band: str | None = None,
    region: str | None = None,
    is_demo: bool | None = None,
    *,
    user: User | None = None,
    engine: EngineRef = None,
) -> dict:
    """Create the organisation (name stored exactly as given), or update the attributes given
    for an existing one. Returns it as a dict (name, industry, size_band, region, is_demo).
    A new organisation can only be created by an administrator (others are refused: it is not
    one of theirs); an analyst may update their organisations' attributes."""
    name = _check_org_name(name)
    user = auth.check_write(user, name)
    attrs = {"industry": industry, "size_band": size_band, "region": region, "is_demo": is_demo}
    eng = _engine(engine)
    with db.write_transaction(eng) as conn:
        org_id = _ensure_org(conn, name, attrs)
        row = conn.execute(select(organisations).where(organisations.c.id == org_id)).one()
        given = {k: v for k, v in attrs.items() if v is not None}
        auth.write_audit(conn, user, auth.SAVE_ORGANISATION, name, json.dumps(given, ensure_ascii=False) if given else None)
    return _org_dict(row)


def get_organisation(name: str, *, user: User | None = None, engine: EngineRef = None) -> dict | None:
    """The organisation as a dict, or None when unknown (AccessDenied for one the user may not
    see, existing or not)."""
    name = _org_name(name)
    auth.check_read(user, name)
    with db.read_transaction(_engine(engine)) as conn:
        row = conn.execute(select(organisations).where(organisations.c.name == name)).one_or_none()
    return _org_dict(row) if row is not None else None


def list_organisations(include_demo: bool = True, *, user: User | None = None, engine: EngineRef = None) -> list[dict]:
    """The organisations ``user`` may see (all for an admin): real ones first, then demo
    ones, each by name."""
    user = auth.acting(user)
    query = select(organisations).order_by(organisations.c.is_demo, organisations.c.name)
    if not include_demo:
        query = query.where(organisations.c.is_demo.is_(False))
    if user.organisations is not None:
        if not user.organisations:
            return []
        query = query.where(organisations.c.name.in_(sorted(user.organisations)))
    with db.read_transaction(_engine(engine)) as conn:
        return [_org_dict(r) for r in conn.execute(query)]


def has_organisations(*, user: User | None = None, engine: EngineRef = None) -> bool:
    """Whether any organisation exists that ``user`` may see (any at all for an admin)."""
    user = auth.acting(user)
    query = select(exists().select_from(organisations))
    if user.organisations is not None:
        if not user.organisations:
            return False
        query = select(exists().where(organisations.c.name.in_(sorted(user.organisations))))
    with db.read_transaction(_engine(engine)) as conn:
        return conn.execute(query).scalar_one()


def delete_organisation(org: str, *, user: User | None = None, engine: EngineRef = None) -> bool:
    """Delete the organisation with all its assessments and targets; False if unknown.
    Administrators only."""
    name = _org_name(org)
    user = auth.check_admin(user, name)
    with db.write_transaction(_engine(engine)) as conn:
        result = conn.execute(delete(organisations).where(organisations.c.name == name))
        if result.rowcount > 0:
            auth.write_audit(conn, user, auth.DELETE_ORGANISATION, name, "with all its assessments and targets")
    return result.rowcount > 0


# --- assessments -------------------------------------------------------------------------


def _assessment_dict(row) -> dict:
    return {
        "id": row.id,
        "model": row.model_id,
        "model_version": row.model_version,
        "date": row.assessment_date,
        "label": row.label,
        "respondents": row.respondent_count,
        "source_file": row.source_file,
        "content_hash": row.content_hash,
        "imported_by": row.imported_by,
        "imported_at": _aware(row.imported_at),
        "overall_score": row.overall_score,
        "overall_level": row.overall_level,
    }


def _assessment_query(org_id: int, model_id: str | None = None):
    query = (
        select(
            assessments.c.id,
            assessments.c.model_id,
            assessments.c.model_version,
            assessments.c.assessment_date,
            assessments.c.label,
            assessments.c.respondent_count,
            assessments.c.source_file,
            assessments.c.content_hash,
            assessments.c.imported_by,
            assessments.c.imported_at,
            assessment_scores.c.overall_score,
            assessment_scores.c.overall_level,
        )
        .select_from(assessments.outerjoin(assessment_scores))
        .where(assessments.c.organisation_id == org_id)
        .order_by(assessments.c.assessment_date, assessments.c.id)
    )
    if model_id is not None:
        query = query.where(assessments.c.model_id == model_id)
    return query


def list_assessments(
    org: str, model: ModelRef | None = None, *, user: User | None = None, engine: EngineRef = None
) -> list[dict]:
    """The organisation's assessments, oldest first (date, then id).

    Each: id, model, model_version, date (datetime.date), label, respondents, source_file,
    content_hash, imported_by, imported_at (aware UTC datetime), overall_score, overall_level.
    """
    with db.read_transaction(_engine(engine)) as conn:
        org_id = _org_id(conn, org, user)
        return [_assessment_dict(r) for r in conn.execute(_assessment_query(org_id, _model_id(model)))]


def get_assessment(org: str, assessment_id: int, *, user: User | None = None, engine: EngineRef = None) -> dict:
    with db.read_transaction(_engine(engine)) as conn:
        org_id = _org_id(conn, org, user)
        row = conn.execute(_assessment_query(org_id).where(assessments.c.id == int(assessment_id))).one_or_none()
    if row is None:
        raise UnknownAssessment(f"organisation '{_org_name(org)}' has no assessment #{assessment_id}")
    return _assessment_dict(row)


def _owned_assessment(conn: Connection, org_id: int, org: str, assessment_id: int):
    row = conn.execute(
        select(assessments.c.id, assessments.c.model_id, assessments.c.item_ids).where(
            assessments.c.id == int(assessment_id), assessments.c.organisation_id == org_id
        )
    ).one_or_none()
    if row is None:
        raise UnknownAssessment(f"organisation '{_org_name(org)}' has no assessment #{assessment_id}")
    return row


def _answers_frames(conn: Connection, items_by_assessment: dict[int, list[str]]) -> dict[int, pd.DataFrame]:
    """Answers of several assessments in one query: {assessment id: DataFrame}."""
    ids = list(items_by_assessment)
    rows = conn.execute(
        # the JSON as text, parsed in one json.loads below: ~5x faster than one per row
        select(respondents.c.assessment_id, respondents.c.respondent_key, cast(respondents.c.answers, Text))
        .where(respondents.c.assessment_id.in_(ids))
        .order_by(respondents.c.assessment_id, respondents.c.position)
    ).all()
    frames = {}
    for aid in ids:
        part = [r for r in rows if r[0] == aid] if len(ids) > 1 else rows
        items = list(items_by_assessment[aid])
        lists = json.loads("[" + ",".join(r[2] for r in part) + "]")
        # None -> NaN in one vectorised step (pd.DataFrame(list of lists) is ~10x slower)
        values = np.array(lists, dtype=float).reshape(len(part), len(items))
        index = pd.Index([r[1] for r in part], name="respondent_id", dtype=object)
        frames[aid] = pd.DataFrame(values, index=index, columns=pd.Index(items, dtype=object))
    return frames


def _respondents_frame(conn: Connection, assessment_id: int) -> pd.DataFrame:
    rows = conn.execute(
        select(
            respondents.c.respondent_key,
            respondents.c.department,
            respondents.c.role,
            respondents.c.submitted_at,
            respondents.c.attributes,
        )
        .where(respondents.c.assessment_id == assessment_id)
        .order_by(respondents.c.position)
    ).all()
    extra_cols: dict[str, None] = {}
    for r in rows:
        for key in r.attributes or {}:
            extra_cols.setdefault(key)
    data: dict[str, list] = {
        "department": [r.department for r in rows],
        "role": [r.role for r in rows],
        "submitted_at": [r.submitted_at for r in rows],
    }
    for col in extra_cols:
        data[col] = [(r.attributes or {}).get(col) for r in rows]
    index = pd.Index([r.respondent_key for r in rows], name="respondent_id", dtype=object)
    return pd.DataFrame({k: pd.Series(v, index=index, dtype=object) for k, v in data.items()}, index=index)


def get_assessment_answers(
    org: str, assessment_id: int, *, user: User | None = None, engine: EngineRef = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(answers, respondents) as read_survey gives them: both indexed by respondent id in file
    order; answers has one float column per stored item id (NaN = not answered); respondents
    has department, role, submitted_at and any extra attribute columns."""
    with db.read_transaction(_engine(engine)) as conn:
        org_id = _org_id(conn, org, user)
        row = _owned_assessment(conn, org_id, org, assessment_id)
        answers = _answers_frames(conn, {row.id: row.item_ids})[row.id]
        people = _respondents_frame(conn, row.id)
    return answers, people


def get_scores(org: str, assessment_id: int, *, user: User | None = None, engine: EngineRef = None) -> dict:
    """The stored ``AssessmentScore.to_dict()`` (groups = the department breakdown), plus
    ``group_by``, ``min_group_size``, ``model_version`` and ``scored_at``."""
    with db.read_transaction(_engine(engine)) as conn:
        org_id = _org_id(conn, org, user)
        _owned_assessment(conn, org_id, org, assessment_id)
        row = conn.execute(
            select(assessment_scores).where(assessment_scores.c.assessment_id == int(assessment_id))
        ).one_or_none()
    if row is None:  # only possible if scoring was removed by hand; rescore fixes it
        raise UnknownAssessment(f"assessment #{assessment_id} has no stored scores; run 'cxmaturity rescore'")
    result = dict(row.result)
    result.update(
        group_by=row.group_by,
        min_group_size=row.min_group_size,
        model_version=row.model_version,
        scored_at=_aware(row.scored_at).isoformat(),
    )
    return result


def delete_assessment(org: str, assessment_id: int, *, user: User | None = None, engine: EngineRef = None) -> bool:
    """Delete one assessment of the organisation (respondents, answers and scores go with it).
    False when the organisation has no such assessment. Analysts and admins only."""
    name = _org_name(org)
    user = auth.check_write(user, name)
    with db.write_transaction(_engine(engine)) as conn:
        org_id = _org_id(conn, org, user)
        row = conn.execute(
            select(assessments.c.model_id, assessments.c.assessment_date, assessments.c.label).where(
                assessments.c.id == int(assessment_id), assessments.c.organisation_id == org_id
            )
        ).one_or_none()
        result = conn.execute(
            delete(assessments).where(assessments.c.id == int(assessment_id), assessments.c.organisation_id == org_id)
        )
        if result.rowcount > 0:
            label = f" '{row.label}'" if row.label else ""
            detail = f"assessment #{int(assessment_id)} ({row.model_id}, {row.assessment_date.isoformat()}{label})"
            auth.write_audit(conn, user, auth.DELETE_ASSESSMENT, name, detail)
    return result.rowcount > 0


# --- import ------------------------------------------------------------------------------


def _validate_survey(survey) -> list[Problem]:
    model: MaturityModel = survey.model
    answers: pd.DataFrame = survey.answers
    problems: list[Problem] = []
    if not isinstance(model, MaturityModel):
        return [Problem(None, None, "the survey has no maturity model")]
    if not isinstance(survey.content_hash, str) or not survey.content_hash:
        problems.append(Problem(None, None, "the survey has no content hash"))
    if len(answers) == 0:
        problems.append(Problem(None, None, "the file holds no responses"))
    known = set(model.item_ids)
    for col in answers.columns:
        if col not in known:
            problems.append(Problem(None, str(col), f"is not an item of the {model.name}"))
    if not set(answers.columns) & known:
        problems.append(Problem(None, None, f"the file has no item of the {model.name}"))
    keys = pd.Index([str(k) for k in answers.index])
    for key in keys[keys.duplicated()].unique()[:MAX_PROBLEMS]:
        problems.append(Problem(None, "respondent_id", f"respondent id '{key}' appears more than once"))
    for key in keys[(keys.str.strip() == "") | (keys.str.len() > MAX_RESPONDENT_ID)][:MAX_PROBLEMS]:
        problems.append(Problem(None, "respondent_id", f"respondent id '{key[:40]}' is empty or too long"))
    if problems:
        return problems
    try:
        values = answers.to_numpy(dtype=float)
    except (TypeError, ValueError):
        return [Problem(None, None, "answers must be numbers")]
    lo, hi = model.scale.min, model.scale.max
    bad = ~np.isnan(values) & ((values < lo) | (values > hi) | np.isinf(values))
    rows, cols = np.nonzero(bad)
    for r, c in list(zip(rows, cols, strict=True))[:MAX_PROBLEMS]:
        problems.append(
            Problem(
                None,
                str(answers.columns[c]),
                f"respondent '{keys[r]}': {values[r, c]:g} is not an answer on the {lo}–{hi} scale",
            )
        )
    if len(rows) > MAX_PROBLEMS:
        problems.append(Problem(None, None, f"… and {len(rows) - MAX_PROBLEMS} more answers outside the scale"))
    return problems


def _respondent_rows(answers: pd.DataFrame, people: pd.DataFrame | None, assessment_id: int) -> list[dict]:
    keys = [str(k) for k in answers.index]
    values = answers.to_numpy(dtype=float).tolist()
    # NaN -> None: JSON null (NaN is not JSON, and PostgreSQL refuses it)
    answer_lists = [[None if v != v else v for v in row] for row in values]
    n = len(keys)
    if people is None:
        people = pd.DataFrame(index=answers.index)
    people = people.reindex(answers.index) if not people.index.equals(answers.index) else people

    def column(name: str) -> list:
        if name not in people.columns:
            return [None] * n
        return [_text(v) for v in people[name].tolist()]

    department, role, submitted = column("department"), column("role"), column("submitted_at")
    extras = [c for c in people.columns if c not in METADATA_COLUMNS]
    extra_values = {c: [_cell(v) for v in people[c].tolist()] for c in extras}
    rows = []
    for i in range(n):
        attrs = {str(c): extra_values[c][i] for c in extras if extra_values[c][i] is not None}
        rows.append(
            {
                "assessment_id": assessment_id,
                "position": i,
                "respondent_key": keys[i],
                "department": department[i],
                "role": role[i],
                "submitted_at": submitted[i],
                "attributes": attrs or None,
                "answers": answer_lists[i],
            }
        )
    return rows


def _score(model: MaturityModel, answers: pd.DataFrame, people: pd.DataFrame | None, extra_warnings: Iterable[str] = ()):
    from cxmaturity.scoring import score_assessment

    group_by = GROUP_BY if people is not None and GROUP_BY in people.columns else None
    result = score_assessment(
        model,
        answers,
        people.reindex(answers.index) if people is not None else None,
        group_by=group_by,
        min_group_size=MIN_GROUP_SIZE,
    )
    result.warnings = list(extra_warnings) + list(result.warnings)
    return result, group_by


def _write_scores(conn: Connection, assessment_id: int, model: MaturityModel, result, group_by: str | None) -> None:
    data = _clean_json(result.to_dict())
    conn.execute(delete(assessment_scores).where(assessment_scores.c.assessment_id == assessment_id))
    conn.execute(delete(competency_scores).where(competency_scores.c.assessment_id == assessment_id))
    conn.execute(
        insert(assessment_scores).values(
            assessment_id=assessment_id,
            model_version=model.version,
            scored_at=_now(),
            group_by=group_by,
            min_group_size=MIN_GROUP_SIZE,
            overall_score=data["overall"]["score"],
            overall_level=data["overall"]["level"],
            result=data,
        )
    )
    conn.execute(
        insert(competency_scores),
        [
            {"assessment_id": assessment_id, "competency_id": c["id"], "score": c["score"], "level": c["level"], "n": c["n"]}
            for c in data["competencies"]
        ],
    )


def _existing_assessment(conn: Connection, name: str, model_id: str, content_hash: str) -> int | None:
    return conn.execute(
        select(assessments.c.id)
        .join(organisations, organisations.c.id == assessments.c.organisation_id)
        .where(
            organisations.c.name == name,
            assessments.c.model_id == model_id,
            assessments.c.content_hash == content_hash,
        )
    ).scalar_one_or_none()


def find_assessment_by_hash(
    org: str, model: ModelRef, content_hash: str, *, user: User | None = None, engine: EngineRef = None
) -> int | None:
    """The id of the organisation's assessment of ``model`` stored from a file with this
    content hash (the upload page warns before a duplicate), or None (also for a new org)."""
    name = _org_name(org)
    auth.check_read(user, name)
    with db.read_transaction(_engine(engine)) as conn:
        return _existing_assessment(conn, name, _model_id(model), content_hash)


def import_assessment(
    survey,
    org: str,
    date: dt.date | str,
    label: str | None = None,
    imported_by: str | None = None,
    org_attributes: dict | None = None,
    source_file: str | None = None,
    *,
    user: User | None = None,
    engine: EngineRef = None,
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
    name = _check_org_name(_org_name(org))
    user = auth.check_write(user, name)
    if imported_by is None and not user.is_local:
        imported_by = user.email
    when = _as_date(date)
    if label is not None:
        label = str(label)
        if len(label) > MAX_LABEL:
            raise InvalidInput(f"label is longer than {MAX_LABEL} characters")
        if "\x00" in label:  # PostgreSQL text cannot hold NUL
            raise InvalidInput("label must not contain a NUL character")
    _org_values(org_attributes)  # fail early on unknown attributes
    problems = _validate_survey(survey)
    if problems:
        raise SurveyValidationError(problems)
    model: MaturityModel = survey.model
    eng = _engine(engine)

    # the cheap check first: re-importing a known file costs one query, not a scoring run
    with db.read_transaction(eng) as conn:
        existing = _existing_assessment(conn, name, model.id, survey.content_hash)
    if existing is not None:
        return ImportResult(existing, False)

    # scoring is CPU work: done before the write transaction so the write lock is held briefly
    people = getattr(survey, "respondents", None)
    result, group_by = _score(model, survey.answers, people, getattr(survey, "warnings", ()))
    source = source_file or getattr(survey, "filename", None)

    try:
        with db.write_transaction(eng) as conn:
            org_id = _ensure_org(conn, name, org_attributes)
            stmt = _insert_ignore(
                conn,
                assessments,
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
                    "imported_at": _now(),
                },
                ["organisation_id", "model_id", "content_hash"],
            ).returning(assessments.c.id)
            assessment_id = conn.execute(stmt).scalar_one_or_none()
            if assessment_id is None:  # a concurrent import of the same file won the race
                existing = _existing_assessment(conn, name, model.id, survey.content_hash)
                return ImportResult(existing, False)
            conn.execute(insert(respondents), _respondent_rows(survey.answers, people, assessment_id))
            _write_scores(conn, assessment_id, model, result, group_by)
            detail = (
                f"assessment #{assessment_id} ({model.id}, {when.isoformat()}, {len(survey.answers)} respondents"
                + (f", file '{source}'" if source else "")
                + ")"
            )
            auth.write_audit(conn, user, auth.IMPORT, name, detail)
    except IntegrityError:
        with db.read_transaction(eng) as conn:
            existing = _existing_assessment(conn, name, model.id, survey.content_hash)
        if existing is None:
            raise
        return ImportResult(existing, False)
    return ImportResult(assessment_id, True)


def rescore(org: str | None = None, *, user: User | None = None, engine: EngineRef = None) -> dict:
    """Recompute the stored scores with the current models (all organisations, or one).

    Returns {"rescored": [ids], "skipped": [{"id", "model", "reason"}]}; an assessment whose
    model no longer exists keeps its old scores and is listed as skipped. All organisations:
    administrators only; one: whoever may write to it.
    """
    user = auth.check_admin(user) if org is None else auth.check_write(user, _org_name(org))
    eng = _engine(engine)
    with db.read_transaction(eng) as conn:
        query = select(assessments.c.id, assessments.c.model_id, assessments.c.item_ids, assessments.c.organisation_id)
        if org is not None:
            query = query.where(assessments.c.organisation_id == _org_id(conn, org, user))
        todo = conn.execute(query.order_by(assessments.c.id)).all()
    done, skipped = [], []
    models = _models()
    for row in todo:
        model = models.get(row.model_id)
        if model is None:
            skipped.append({"id": row.id, "model": row.model_id, "reason": "model no longer exists"})
            continue
        with db.read_transaction(eng) as conn:
            answers = _answers_frames(conn, {row.id: row.item_ids})[row.id]
            people = _respondents_frame(conn, row.id)
        result, group_by = _score(model, answers, people)
        with db.write_transaction(eng) as conn:
            # the assessment may have been deleted meanwhile; then there is nothing to update
            if conn.execute(select(assessments.c.id).where(assessments.c.id == row.id)).scalar_one_or_none():
                _write_scores(conn, row.id, model, result, group_by)
                conn.execute(update(assessments).where(assessments.c.id == row.id).values(model_version=model.version))
                done.append(row.id)
    if done:
        with db.write_transaction(eng) as conn:
            auth.write_audit(conn, user, auth.RESCORE, org, f"{len(done)} assessment(s) re-scored")
    return {"rescored": done, "skipped": skipped}


# --- history and comparison -------------------------------------------------------------------


def _history_entry(row) -> dict:
    result = row.result or {}
    overall = result.get("overall") or {}
    return {
        "id": row.id,
        "date": row.assessment_date.isoformat(),
        "label": row.label,
        "model": row.model_id,
        "model_version": row.model_version,
        "respondents": row.respondent_count,
        "overall": {k: overall.get(k) for k in ("score", "level", "level_name", "ci95", "points")},
        "competencies": [
            {k: c.get(k) for k in ("id", "name", "score", "level", "level_name", "n", "ci95")}
            for c in result.get("competencies") or []
        ],
    }


def history(org: str, model: ModelRef | None = None, *, user: User | None = None, engine: EngineRef = None) -> list[dict]:
    """The ``cxmaturity history --json`` list: the organisation's assessments, oldest first,
    each {id, date (ISO), label, model, model_version, respondents, overall {score, level,
    level_name, ci95, points}, competencies [{id, name, score, level, level_name, n, ci95}]}."""
    with db.read_transaction(_engine(engine)) as conn:
        org_id = _org_id(conn, org, user)
        query = (
            select(
                assessments.c.id,
                assessments.c.assessment_date,
                assessments.c.label,
                assessments.c.model_id,
                assessments.c.model_version,
                assessments.c.respondent_count,
                assessment_scores.c.result,
            )
            .select_from(assessments.outerjoin(assessment_scores))
            .where(assessments.c.organisation_id == org_id)
            .order_by(assessments.c.assessment_date, assessments.c.id)
        )
        if model is not None:
            query = query.where(assessments.c.model_id == _model_id(model))
        return [_history_entry(r) for r in conn.execute(query)]


def comparison(
    org: str,
    model: ModelRef,
    from_id: int | None = None,
    to_id: int | None = None,
    *,
    user: User | None = None,
    engine: EngineRef = None,
):
    """compare_assessments over two stored assessments of the organisation and model.

    Default: the last two (by date). With only ``to_id``, from = the one before it; with only
    ``from_id``, to = the latest. Raises NotEnoughAssessments with fewer than two, and
    UnknownAssessment for an id that is not this organisation's assessment of this model.
    """
    from cxmaturity.compare import compare_assessments

    name = _org_name(org)
    auth.check_read(user, name)
    maturity_model = _model(model)
    eng = _engine(engine)
    with db.read_transaction(eng) as conn:
        org_id = _org_id(conn, org, user)
        waves = conn.execute(
            select(
                assessments.c.id,
                assessments.c.model_id,
                assessments.c.item_ids,
                assessments.c.content_hash,
                assessments.c.imported_at,
            )
            .where(assessments.c.organisation_id == org_id, assessments.c.model_id == maturity_model.id)
            .order_by(assessments.c.assessment_date, assessments.c.id)
        ).all()
        order = [w.id for w in waves]
        for given in (from_id, to_id):
            if given is not None and int(given) not in order:
                other = conn.execute(
                    select(assessments.c.model_id).where(
                        assessments.c.id == int(given), assessments.c.organisation_id == org_id
                    )
                ).scalar_one_or_none()
                if other is not None:
                    raise UnknownAssessment(
                        f"assessment #{given} is a {other} assessment, not {maturity_model.id}"
                    )
                raise UnknownAssessment(f"organisation '{name}' has no assessment #{given}")
        if from_id is None and to_id is None:
            if len(order) < 2:
                raise NotEnoughAssessments(
                    f"organisation '{name}' has {len(order)} {maturity_model.id} assessment(s); "
                    "a comparison needs at least two"
                )
            from_id, to_id = order[-2], order[-1]
        elif from_id is None:
            position = order.index(int(to_id))
            if position == 0:
                raise NotEnoughAssessments(f"assessment #{to_id} is the first {maturity_model.id} assessment; nothing before it")
            from_id = order[position - 1]
        elif to_id is None:
            to_id = order[-1]
        from_id, to_id = int(from_id), int(to_id)
        if from_id == to_id:
            raise InvalidInput(f"cannot compare assessment #{from_id} with itself")
        by_id = {w.id: w for w in waves}
        # stored answers never change: (id, content hash, import time) identifies them for good
        key = (
            eng.url.render_as_string(hide_password=False),
            id(maturity_model),
            *((i, by_id[i].content_hash, str(by_id[i].imported_at)) for i in (from_id, to_id)),
        )
        cached = _cached_comparison(key, maturity_model)
        if cached is not None:
            return cached
        frames = _answers_frames(conn, {i: by_id[i].item_ids for i in (from_id, to_id)})
    result = compare_assessments(maturity_model, frames[from_id], frames[to_id], from_id=from_id, to_id=to_id)
    _remember_comparison(key, maturity_model, result)
    return copy.deepcopy(result)


# Comparisons are pure functions of two immutable answer sets and the model, and cost ~15 ms
# (a Welch test per competency); a small in-process memo makes repeated page views cheap.
COMPARISON_MEMO_SIZE = 256
_comparison_memo: OrderedDict[tuple, tuple[MaturityModel, Any]] = OrderedDict()
_comparison_lock = threading.Lock()


def _cached_comparison(key: tuple, model: MaturityModel):
    with _comparison_lock:
        hit = _comparison_memo.get(key)
        # the memo holds the model object, so id(model) in the key cannot be reused meanwhile
        if hit is None or hit[0] is not model:
            return None
        _comparison_memo.move_to_end(key)
        return copy.deepcopy(hit[1])


def _remember_comparison(key: tuple, model: MaturityModel, result) -> None:
    with _comparison_lock:
        _comparison_memo[key] = (model, copy.deepcopy(result))
        while len(_comparison_memo) > COMPARISON_MEMO_SIZE:
            _comparison_memo.popitem(last=False)


def clear_caches(models: bool = True) -> None:
    """Forget memoised comparisons and (``models``) the loaded models."""
    with _comparison_lock:
        _comparison_memo.clear()
    if models:
        with _models_lock:
            _models_cache.clear()


# --- targets -----------------------------------------------------------------------------


def set_target(
    org: str,
    model: ModelRef,
    competency_id: str,
    horizon_months: int,
    level: int,
    *,
    user: User | None = None,
    engine: EngineRef = None,
) -> dict:
    """Set (or replace) the target level for a competency at 6, 12 or 24 months."""
    name = _org_name(org)
    user = auth.check_write(user, name)
    maturity_model = _model(model)
    try:
        maturity_model.competency(competency_id)
    except KeyError:
        raise InvalidInput(f"'{competency_id}' is not a competency of the {maturity_model.name}") from None
    if horizon_months not in TARGET_HORIZONS or isinstance(horizon_months, bool):
        raise InvalidInput(f"horizon must be 6, 12 or 24 months, not {horizon_months!r}")
    if isinstance(level, bool) or not isinstance(level, int | np.integer) or not 1 <= level <= len(maturity_model.levels):
        raise InvalidInput(f"level must be 1..{len(maturity_model.levels)} for the {maturity_model.name}, not {level!r}")
    values = {
        "model_id": maturity_model.id,
        "competency_id": competency_id,
        "horizon_months": int(horizon_months),
        "level": int(level),
        "set_at": _now(),
    }
    with db.write_transaction(_engine(engine)) as conn:
        values["organisation_id"] = _org_id(conn, org, user)
        conn.execute(
            _upsert(
                conn,
                targets,
                values,
                ["organisation_id", "model_id", "competency_id", "horizon_months"],
                ["level", "set_at"],
            )
        )
        detail = f"{maturity_model.id} {competency_id}, {int(horizon_months)} months: level {int(level)}"
        auth.write_audit(conn, user, auth.SET_TARGET, name, detail)
    return _target_dict(values)


def _target_dict(row) -> dict:
    get = row.get if isinstance(row, dict) else row._mapping.get
    return {
        "model": get("model_id"),
        "competency": get("competency_id"),
        "horizon_months": get("horizon_months"),
        "level": get("level"),
        "set_at": _aware(get("set_at")),
    }


def list_targets(
    org: str, model: ModelRef | None = None, *, user: User | None = None, engine: EngineRef = None
) -> list[dict]:
    """Targets: [{model, competency, horizon_months, level, set_at}], by model, horizon, competency."""
    with db.read_transaction(_engine(engine)) as conn:
        query = select(targets).where(targets.c.organisation_id == _org_id(conn, org, user))
        if model is not None:
            query = query.where(targets.c.model_id == _model_id(model))
        rows = conn.execute(query.order_by(targets.c.model_id, targets.c.horizon_months, targets.c.id)).all()
    return [_target_dict(r) for r in rows]


def delete_target(
    org: str,
    model: ModelRef,
    competency_id: str,
    horizon_months: int,
    *,
    user: User | None = None,
    engine: EngineRef = None,
) -> bool:
    name = _org_name(org)
    user = auth.check_write(user, name)
    with db.write_transaction(_engine(engine)) as conn:
        result = conn.execute(
            delete(targets).where(
                targets.c.organisation_id == _org_id(conn, org, user),
                targets.c.model_id == _model_id(model),
                targets.c.competency_id == competency_id,
                targets.c.horizon_months == int(horizon_months),
            )
        )
        if result.rowcount > 0:
            detail = f"{_model_id(model)} {competency_id}, {int(horizon_months)} months"
            auth.write_audit(conn, user, auth.DELETE_TARGET, name, detail)
    return result.rowcount > 0


# --- peers -------------------------------------------------------------------------------


def _peer_orgs_query(model_id: str, exclude_id: int | None, include_demo: bool):
    """Latest assessment of ``model_id`` per organisation (other than ``exclude_id``)."""
    later = assessments.alias("later")
    newer_exists = exists().where(
        later.c.organisation_id == assessments.c.organisation_id,
        later.c.model_id == assessments.c.model_id,
        or_(
            later.c.assessment_date > assessments.c.assessment_date,
            and_(later.c.assessment_date == assessments.c.assessment_date, later.c.id > assessments.c.id),
        ),
    )
    query = (
        select(assessments.c.id)
        .join(organisations, organisations.c.id == assessments.c.organisation_id)
        .where(assessments.c.model_id == model_id, ~newer_exists)
    )
    if exclude_id is not None:
        query = query.where(assessments.c.organisation_id != exclude_id)
    if not include_demo:
        query = query.where(organisations.c.is_demo.is_(False))
    return query


def _peer_scope(
    conn: Connection, exclude_org: str | None, include_demo: bool | None, user: User | None
) -> tuple[int | None, bool]:
    exclude_id = None
    own_is_demo = False
    if exclude_org is not None:
        # the user's own organisation only: whether another one exists must not show
        auth.check_read(user, _org_name(exclude_org))
        row = conn.execute(
            select(organisations.c.id, organisations.c.is_demo).where(organisations.c.name == _org_name(exclude_org))
        ).one_or_none()
        if row is not None:
            exclude_id, own_is_demo = row.id, bool(row.is_demo)
    if include_demo is None:
        # demo peers are made up: they only ever stand beside demo organisations
        include_demo = own_is_demo
    return exclude_id, include_demo


def peer_competency_scores(
    model: ModelRef,
    exclude_org: str | None = None,
    industry: str | None = None,
    size: str | None = None,
    region: str | None = None,
    include_demo: bool | None = None,
    *,
    user: User | None = None,
    engine: EngineRef = None,
) -> list[dict]:
    """Competency scores of each OTHER organisation's latest assessment of ``model``.

    One dict per organisation, {competency id: score}, with no name or id: anonymity is by
    construction, and aggregation happens in cxmaturity.peers. Returns [] unless at least
    ``MIN_PEER_ORGANISATIONS`` organisations match, so a narrow filter never singles one out.
    Open to every user; ``exclude_org`` must be one the user may see.
    ``include_demo`` None: demo peers are included only when ``exclude_org`` is a demo one.
    """
    model_id = _model_id(model)
    with db.read_transaction(_engine(engine)) as conn:
        exclude_id, demo = _peer_scope(conn, exclude_org, include_demo, user)
        latest = _peer_orgs_query(model_id, exclude_id, demo)
        for column, value in ((organisations.c.industry, industry), (organisations.c.size_band, size), (organisations.c.region, region)):
            if value is not None:
                latest = latest.where(column == value)
        rows = conn.execute(
            select(competency_scores.c.assessment_id, competency_scores.c.competency_id, competency_scores.c.score)
            .where(competency_scores.c.assessment_id.in_(latest.scalar_subquery()))
            .order_by(competency_scores.c.assessment_id)
        ).all()
    by_assessment: dict[int, dict] = {}
    for r in rows:
        by_assessment.setdefault(r.assessment_id, {})[r.competency_id] = r.score
    if len(by_assessment) < MIN_PEER_ORGANISATIONS:
        return []
    # id-free, and ordered by scores rather than by id, so no row can be tied to an import
    return sorted(
        (dict(sorted(scores.items())) for scores in by_assessment.values()),
        key=lambda row: [(v is None, v if v is not None else 0.0) for v in row.values()],
    )


def peer_filter_options(
    model: ModelRef,
    exclude_org: str | None = None,
    include_demo: bool | None = None,
    *,
    user: User | None = None,
    engine: EngineRef = None,
) -> dict[str, list[str]]:
    """Filter values among the peers of ``model``: {"industry": [...], "size": [...],
    "region": [...]}, each value only when at least ``MIN_PEER_ORGANISATIONS`` peers have it
    (a value held by one or two organisations would point at them). Never organisation names.
    """
    model_id = _model_id(model)
    with db.read_transaction(_engine(engine)) as conn:
        exclude_id, demo = _peer_scope(conn, exclude_org, include_demo, user)
        latest = _peer_orgs_query(model_id, exclude_id, demo).subquery()
        rows = conn.execute(
            select(organisations.c.industry, organisations.c.size_band, organisations.c.region)
            .join(assessments, assessments.c.organisation_id == organisations.c.id)
            .where(assessments.c.id.in_(select(latest.c.id)))
        ).all()

    def common(values: list[str | None]) -> set[str]:
        counted: dict[str, int] = {}
        for v in values:
            if v:
                counted[v] = counted.get(v, 0) + 1
        return {v for v, n in counted.items() if n >= MIN_PEER_ORGANISATIONS}

    # one row per peer organisation (its latest assessment), so a count is a count of organisations
    return {
        "industry": sorted(common([r.industry for r in rows])),
        "size": sorted(common([r.size_band for r in rows]), key=_size_key),
        "region": sorted(common([r.region for r in rows])),
    }


def _size_key(band: str) -> tuple[int, str]:
    """Order size bands by their first number ("250–999" < "1,000–4,999" < "5,000+")."""
    digits = ""
    for ch in band.replace(",", ""):
        if ch.isdigit():
            digits += ch
        elif digits:
            break
    return (int(digits) if digits else 0, band)


# --- app support -------------------------------------------------------------------------


def data_version(*, engine: EngineRef = None) -> str:
    """A token that changes whenever stored data changes (the UI keys its caches on it).
    Opaque (a digest), so it tells a signed-in user nothing about other organisations."""
    with db.read_transaction(_engine(engine)) as conn:
        row = conn.execute(
            select(
                select(func.count()).select_from(organisations).scalar_subquery(),
                select(func.max(organisations.c.id)).scalar_subquery(),
                select(func.count()).select_from(assessments).scalar_subquery(),
                select(func.max(assessments.c.id)).scalar_subquery(),
                select(func.max(assessment_scores.c.scored_at)).scalar_subquery(),
                select(func.count()).select_from(targets).scalar_subquery(),
                select(func.max(targets.c.set_at)).scalar_subquery(),
            )
        ).one()
    raw = "|".join("" if v is None else str(v) for v in row)
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


def prepare(url: EngineRef = None) -> bool:
    """Migrate the schema; load the demo into an empty database unless CXMATURITY_DEMO=0.
    True when the demo was loaded now."""
    from cxmaturity.demo import ensure_demo_if_empty

    engine = _engine(url)
    return ensure_demo_if_empty(engine)
