"""SQL for survey waves: the wave, its single-use codes (hashes only) and its responses."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import Connection, func, insert, select, update

from cxmaturity.store.records import Wave, WaveDepartment
from cxmaturity.store.schema import organisations, survey_waves, wave_codes, wave_responses
from cxmaturity.store.sql import now

_COLUMNS = (
    survey_waves.c.id,
    organisations.c.name.label("organisation"),
    survey_waves.c.model_id,
    survey_waves.c.title,
    survey_waves.c.token,
    survey_waves.c.opens_on,
    survey_waves.c.closes_on,
    survey_waves.c.departments,
    survey_waves.c.roles,
    survey_waves.c.min_group_size,
    survey_waves.c.codes_required,
    survey_waves.c.status,
    survey_waves.c.assessment_id,
    survey_waves.c.language,
)


def _wave(row) -> Wave:
    return Wave(
        id=row.id,
        organisation=row.organisation,
        model=row.model_id,
        title=row.title,
        token=row.token,
        opens_on=row.opens_on,
        closes_on=row.closes_on,
        departments=tuple(WaveDepartment(d["name"], d.get("headcount")) for d in json.loads(row.departments)),
        roles=tuple(json.loads(row.roles)),
        min_group_size=row.min_group_size,
        codes_required=bool(row.codes_required),
        status=row.status,
        assessment_id=row.assessment_id,
        language=row.language,
    )


def _select():
    return select(*_COLUMNS).join(organisations, organisations.c.id == survey_waves.c.organisation_id).where(
        organisations.c.deleted_at.is_(None)
    )


def add(conn: Connection, org_id: int, values: dict, code_hashes: list[str]) -> int:
    values = dict(values)
    values["departments"] = json.dumps([{"name": d.name, "headcount": d.headcount} for d in values["departments"]])
    values["roles"] = json.dumps(list(values["roles"]))
    wave_id = conn.execute(
        insert(survey_waves)
        .values(organisation_id=org_id, status="open", created_at=now(), codes_required=bool(code_hashes), **values)
        .returning(survey_waves.c.id)
    ).scalar_one()
    if code_hashes:
        conn.execute(insert(wave_codes), [{"wave_id": wave_id, "code_hash": h, "used": False} for h in code_hashes])
    return wave_id


def by_id(conn: Connection, wave_id: int) -> Wave | None:
    row = conn.execute(_select().where(survey_waves.c.id == int(wave_id))).one_or_none()
    return _wave(row) if row else None


def by_token(conn: Connection, token: str) -> Wave | None:
    row = conn.execute(_select().where(survey_waves.c.token == token)).one_or_none()
    return _wave(row) if row else None


def list_for(conn: Connection, org_id: int) -> list[Wave]:
    rows = conn.execute(_select().where(survey_waves.c.organisation_id == org_id).order_by(survey_waves.c.id)).all()
    return [_wave(r) for r in rows]


def use_code(conn: Connection, wave_id: int, code_hash: str) -> bool:
    """Mark an unused code used; False when it is unknown or used already (one statement: two
    submissions with the same code cannot both pass)."""
    result = conn.execute(
        update(wave_codes)
        .where(wave_codes.c.wave_id == wave_id, wave_codes.c.code_hash == code_hash, wave_codes.c.used.is_(False))
        .values(used=True)
    )
    return result.rowcount == 1


def add_response(conn: Connection, wave_id: int, department: str | None, role: str | None, answers: dict) -> None:
    conn.execute(
        insert(wave_responses).values(
            wave_id=wave_id,
            submitted_on=dt.date.today(),
            department=department,
            role=role,
            answers=json.dumps(answers, sort_keys=True),
        )
    )


def responses(conn: Connection, wave_id: int) -> list[tuple[str | None, str | None, dict]]:
    """(department, role, answers) of every response, in the order they came."""
    rows = conn.execute(
        select(wave_responses.c.department, wave_responses.c.role, wave_responses.c.answers)
        .where(wave_responses.c.wave_id == wave_id)
        .order_by(wave_responses.c.id)
    ).all()
    return [(r.department, r.role, json.loads(r.answers)) for r in rows]


def counts(conn: Connection, wave_id: int) -> dict[str | None, int]:
    rows = conn.execute(
        select(wave_responses.c.department, func.count())
        .where(wave_responses.c.wave_id == wave_id)
        .group_by(wave_responses.c.department)
    ).all()
    return {r[0]: r[1] for r in rows}


def set_status(conn: Connection, wave_id: int, status: str, assessment_id: int | None = None) -> None:
    values: dict = {"status": status}
    if assessment_id is not None:
        values["assessment_id"] = assessment_id
    if status == "closed":
        values["closed_at"] = now()
    conn.execute(update(survey_waves).where(survey_waves.c.id == wave_id).values(**values))


def organisation_of(conn: Connection, wave_id: int) -> str | None:
    wave = by_id(conn, wave_id)
    return wave.organisation if wave else None
