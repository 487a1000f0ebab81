"""Survey waves: answers collected in the app (issue 12).

An analyst opens a wave for an organisation and a model; it gets a link with an unguessable
token (and optionally single-use codes). Respondents answer without an account: a response
holds the department, the role, the answers and the day, nothing else, and codes are kept
apart (a code is only marked used), so no answer can be traced to a code or a person.
Closing a wave turns its responses into an assessment through the same validation, scoring and
one-transaction store path as an upload, once: a wave first stops taking answers ("closing"),
then its assessment is stored (the same content is stored once), then it is "closed".
"""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
import io
import secrets
import threading
import time
from dataclasses import dataclass

import pandas as pd

from cxmaturity import i18n, rules, store
from cxmaturity.access import CLOSE_WAVE, OPEN_WAVE, User, acting, check_write
from cxmaturity.errors import InvalidInput
from cxmaturity.formatting import digits, grouped
from cxmaturity.i18n import N_, _, isolate
from cxmaturity.scoring import AssessmentScore
from cxmaturity.services.assessments import as_date, import_assessment, score_answers
from cxmaturity.services.audit import actor_of
from cxmaturity.services.catalogue import ModelRef, org_name
from cxmaturity.services.catalogue import model as resolve_model
from cxmaturity.services.plan import checked_text
from cxmaturity.store import audit as audit_sql
from cxmaturity.store import organisations as orgs_sql
from cxmaturity.store import waves as waves_sql
from cxmaturity.store.records import Wave, WaveDepartment
from cxmaturity.survey import read_survey
from cxmaturity.survey.problems import METADATA_COLUMNS


class UnknownWave(InvalidInput, LookupError):
    pass


class WaveNotOpen(InvalidInput):
    """The wave takes no answers (closed, not open yet, past its closing date, or full)."""


CLOSED_MESSAGE = N_(
    "This survey is closed: it no longer takes answers. Thank you for your interest."
)


def _not_on_scale(item: str, value: object, model) -> str:
    return _("question '{item}': {value} is not an answer on the {low}–{high} scale").format(
        item=item, value=repr(value), low=digits(model.scale.min), high=digits(model.scale.max)
    )


def not_open_message(wave: Wave, today: dt.date, day=lambda d: f"{d:%d %B %Y}") -> str:
    """Why a wave takes no answers today (for a wave where ``accepts_answers`` is False), in the
    respondent's language; ``day`` writes the date (views pass the formatter of the language)."""
    if wave.status == "open" and today < wave.opens_on:
        return _("This survey has not opened yet: it opens on {date}.").format(
            date=day(wave.opens_on)
        )
    return _(CLOSED_MESSAGE)


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().lower().encode()).hexdigest()


def department_entry(text: str) -> tuple[str, int | None]:
    """'Sales: 40' -> ("Sales", 40), 'IT' -> ("IT", None): how the page and the CLI write a department
    with its head count."""
    name, sep, count = text.rpartition(":") if ":" in text else (text, "", "")
    name = name.strip()
    if not name:
        raise InvalidInput(
            _("department '{department}' has no name").format(department=isolate(text.strip()))
        )
    if sep and not count.strip().isdigit():
        raise InvalidInput(
            _("'{count}' after '{department}:' is not a head count").format(
                count=isolate(count.strip()), department=isolate(name)
            )
        )
    return name, int(count) if sep else None


def _departments(departments) -> tuple[WaveDepartment, ...]:
    result, seen = [], set()
    for entry in departments or ():
        name, headcount = (entry, None) if isinstance(entry, str) else (entry[0], entry[1])
        name = checked_text(name, N_("department"), 200)
        if name.casefold() in seen:
            raise InvalidInput(
                _("department '{department}' is listed twice").format(department=isolate(name))
            )
        seen.add(name.casefold())
        if headcount is not None and (
            isinstance(headcount, bool) or not isinstance(headcount, int) or headcount < 1
        ):
            raise InvalidInput(
                _("the head count of '{department}' must be a whole number of at least 1").format(
                    department=isolate(name)
                )
            )
        result.append(WaveDepartment(name, headcount))
    if len(result) > rules.WAVE_MAX_DEPARTMENTS:
        raise InvalidInput(
            _("a wave takes at most {limit} departments").format(
                limit=digits(rules.WAVE_MAX_DEPARTMENTS)
            )
        )
    return tuple(result)


def open_wave(
    org: str,
    model: ModelRef,
    title: str,
    *,
    closes: dt.date | str | None = None,
    opens: dt.date | str | None = None,
    departments=(),
    roles=(),
    min_group_size: int = rules.MIN_GROUP_SIZE,
    codes: int = 0,
    language: str = i18n.SOURCE_LANGUAGE,
    user: User | None = None,
    engine: store.EngineRef = None,
) -> tuple[Wave, list[str]]:
    """Open a wave; returns it and its single-use codes (shown once: only their hashes are kept)."""
    name = org_name(org)
    user = check_write(user, name)
    maturity_model = resolve_model(model)
    opens_on = as_date(opens) if opens else dt.date.today()
    closes_on = as_date(closes) if closes else None
    if closes_on is not None and closes_on < opens_on:
        raise InvalidInput(
            _("the closing date {closes} is before the opening date {opens}").format(
                closes=digits(closes_on.isoformat()), opens=digits(opens_on.isoformat())
            )
        )
    if (
        isinstance(min_group_size, bool)
        or not isinstance(min_group_size, int)
        or min_group_size < rules.MIN_GROUP_SIZE
    ):
        raise InvalidInput(
            _("the anonymity threshold must be a whole number of at least {minimum}").format(
                minimum=digits(rules.MIN_GROUP_SIZE)
            )
        )
    if (
        isinstance(codes, bool)
        or not isinstance(codes, int)
        or not 0 <= codes <= rules.WAVE_MAX_CODES
    ):
        raise InvalidInput(
            _("the number of codes must be 0 to {limit}").format(
                limit=grouped(rules.WAVE_MAX_CODES)
            )
        )
    role_list = tuple(checked_text(r, N_("role"), 200) for r in roles or ())
    if len(role_list) > rules.WAVE_MAX_ROLES:
        raise InvalidInput(
            _("a wave takes at most {limit} roles").format(limit=digits(rules.WAVE_MAX_ROLES))
        )
    if i18n.supported(language) != language:
        raise InvalidInput(
            _("unknown language '{language}' (one of: {languages})").format(
                language=language, languages=", ".join(i18n.LANGUAGES)
            )
        )
    plain_codes = [secrets.token_hex(rules.WAVE_CODE_BYTES) for _ in range(codes)]
    values = {
        "model_id": maturity_model.id,
        "title": checked_text(title, N_("title"), 200),
        "token": secrets.token_urlsafe(rules.WAVE_TOKEN_BYTES),
        "opens_on": opens_on,
        "closes_on": closes_on,
        "departments": _departments(departments),
        "roles": role_list,
        "min_group_size": min_group_size,
        "created_by": actor_of(user),
        "language": language,
    }
    with store.writing(engine) as conn:
        wave_id = waves_sql.add(
            conn, orgs_sql.require_id(conn, name), values, [_hash(c) for c in plain_codes]
        )
        audit_sql.write(
            conn,
            actor_of(user),
            OPEN_WAVE,
            name,
            f"wave #{wave_id} ({maturity_model.id}, {len(plain_codes)} codes)",
        )
        wave = waves_sql.by_id(conn, wave_id)
    return wave, plain_codes


def list_waves(org: str, *, user: User | None = None, engine: store.EngineRef = None) -> list[Wave]:
    name = org_name(org)
    check_write(user, name)  # the links are for those who run waves
    with store.reading(engine) as conn:
        return waves_sql.list_for(conn, orgs_sql.require_id(conn, name))


def _owned(conn, wave_id: int, user: User | None) -> Wave:
    wave = waves_sql.by_id(conn, wave_id)
    if wave is None or not acting(user).can_write(wave.organisation):
        raise UnknownWave(
            _("there is no wave #{wave_id} you can see").format(wave_id=digits(wave_id))
        )
    return wave


def get_wave(wave_id: int, *, user: User | None = None, engine: store.EngineRef = None) -> Wave:
    with store.reading(engine) as conn:
        return _owned(conn, wave_id, user)


# --- the respondent's side: a token, no account -------------------------------------------------


def wave_for_respondent(token: str, *, engine: store.EngineRef = None) -> Wave | None:
    """The wave a link opens, or None for a token that opens nothing (no hint which)."""
    if not isinstance(token, str) or not 8 <= len(token) <= 64:
        return None
    with store.reading(engine) as conn:
        return waves_sql.by_token(conn, token)


class _RateLimit:
    """Submissions per wave per minute in this process: a script posting thousands of answers
    is refused long before it fills anything, a room of people answering at once is not."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._times: dict[int, collections.deque] = collections.defaultdict(collections.deque)

    def allow(self, wave_id: int, limit: int) -> bool:
        now = time.monotonic()
        with self._lock:
            times = self._times[wave_id]
            while times and now - times[0] > 60:
                times.popleft()
            if len(times) >= limit:
                return False
            times.append(now)
            return True


_RATE = _RateLimit()


def _checked_answers(model, answers: dict) -> dict[str, float | None]:
    if not isinstance(answers, dict):
        raise InvalidInput(_("answers must be a mapping of item ids to answers"))
    known = set(model.item_ids)
    unknown = sorted(str(k) for k in answers if k not in known)
    if unknown:
        raise InvalidInput(
            _("unknown question(s): {questions}").format(questions=", ".join(unknown[:5]))
        )
    clean: dict[str, float | None] = {}
    for item in model.item_ids:
        value = answers.get(item)
        if value is None:
            clean[item] = None  # not answered, or "don't know / not applicable"
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            raise InvalidInput(_not_on_scale(item, value, model))
        if not model.scale.min <= value <= model.scale.max:
            raise InvalidInput(_not_on_scale(item, value, model))
        clean[item] = int(value)
    if all(v is None for v in clean.values()):
        raise InvalidInput(_("no question was answered"))
    return clean


def submit_response(
    token: str,
    answers: dict,
    department: str | None = None,
    role: str | None = None,
    code: str | None = None,
    *,
    today: dt.date | None = None,
    engine: store.EngineRef = None,
) -> None:
    """Store one respondent's answers, validated like an uploaded row; raises WaveNotOpen when the
    wave takes no answers and InvalidInput for anything else wrong (nothing is stored then)."""
    wave = wave_for_respondent(token, engine=engine)
    if wave is None:
        raise UnknownWave(_("this survey link is not valid"))
    today = today or dt.date.today()
    if not wave.accepts_answers(today):
        raise WaveNotOpen(not_open_message(wave, today))
    model = resolve_model(wave.model)
    clean = _checked_answers(model, answers)
    names = [d.name for d in wave.departments]
    if names and department not in names:
        raise InvalidInput(_("choose your department from the list"))
    if not names:
        department = None
    if wave.roles and role is not None and role not in wave.roles:
        raise InvalidInput(_("choose your role from the list"))
    if not wave.roles:
        role = None
    if not _RATE.allow(wave.id, rules.WAVE_SUBMISSIONS_PER_MINUTE):
        raise WaveNotOpen(_("Too many answers are arriving at once. Please try again in a minute."))
    with store.writing(engine) as conn:
        current = waves_sql.by_id(conn, wave.id)  # closed meanwhile? (the close marks it first)
        if current is None or current.status != "open":
            raise WaveNotOpen(_(CLOSED_MESSAGE))
        if sum(waves_sql.counts(conn, wave.id).values()) >= rules.WAVE_MAX_RESPONSES:
            raise WaveNotOpen(_("This survey has reached its maximum number of answers."))
        if wave.codes_required and not (code and waves_sql.use_code(conn, wave.id, _hash(code))):
            raise InvalidInput(_("this code is not valid, or it has been used already"))
        waves_sql.add_response(conn, wave.id, department, role, clean)


# --- tracking and closing ------------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentCount:
    name: str
    responses: int | None  # None: fewer than the threshold (shown as "fewer than N")
    headcount: int | None
    rate: float | None  # responses / headcount, when both may be shown


@dataclass(frozen=True)
class WaveStatus:
    wave: Wave
    responses: int
    departments: list[DepartmentCount]
    provisional: AssessmentScore | None  # once enough people have answered

    def to_dict(self) -> dict:
        return {
            "id": self.wave.id,
            "status": self.wave.status,
            "responses": self.responses,
            "min_group_size": self.wave.min_group_size,
            "departments": [
                {
                    "name": d.name,
                    "responses": d.responses
                    if d.responses is not None
                    else f"fewer than {self.wave.min_group_size}",
                    "headcount": d.headcount,
                    "response_rate": round(d.rate, 3) if d.rate is not None else None,
                }
                for d in self.departments
            ],
            "provisional_overall": self.provisional.overall.score if self.provisional else None,
            "provisional_level": self.provisional.overall.level if self.provisional else None,
        }


def _survey(model, records: list[dict], filename: str):
    """Answers given in the app as a CSV in the template layout, read back through read_survey:
    validated exactly like an upload."""
    metadata = [c for c in METADATA_COLUMNS if any(c in r for r in records)]
    frame = pd.DataFrame(records, columns=[*metadata, *model.item_ids])
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, float_format="%.0f")
    return read_survey(buffer.getvalue().encode("utf-8"), model=model, filename=filename)


def _wave_survey(wave: Wave, model, rows):
    records = [
        {
            "respondent_id": f"w{wave.id}-{n}",
            "department": department or "",
            "role": role or "",
            **answers,
        }
        for n, (department, role, answers) in enumerate(rows, start=1)
    ]
    return _survey(model, records, f"wave-{wave.id}.csv")


def wave_status(
    wave_id: int, *, user: User | None = None, engine: store.EngineRef = None
) -> WaveStatus:
    """Responses so far, per department under the wave's threshold, and a provisional result once
    at least the threshold has answered."""
    with store.reading(engine) as conn:
        wave = _owned(conn, wave_id, user)
        counts = waves_sql.counts(conn, wave.id)
        rows = waves_sql.responses(conn, wave.id)
    threshold = wave.min_group_size
    total = sum(counts.values())
    shown = []
    for d in wave.departments:
        n = counts.get(d.name, 0)
        visible = n >= threshold or n == 0
        shown.append(
            DepartmentCount(
                d.name,
                n if visible else None,
                d.headcount,
                n / d.headcount if visible and d.headcount else None,
            )
        )
    provisional = None
    if total >= threshold:
        survey = _wave_survey(wave, resolve_model(wave.model), rows)
        provisional, _warnings = score_answers(
            survey.model, survey.answers, survey.respondents, min_group_size=threshold
        )
    return WaveStatus(wave, total, shown, provisional)


@dataclass(frozen=True)
class CloseResult:
    assessment_id: int
    respondents: int
    created: bool

    def to_dict(self) -> dict:
        return {
            "assessment_id": self.assessment_id,
            "respondents": self.respondents,
            "created": self.created,
        }


def close_wave(
    wave_id: int,
    *,
    date: dt.date | str | None = None,
    user: User | None = None,
    engine: store.EngineRef = None,
) -> CloseResult:
    """Stop the wave taking answers and store its responses as an assessment (once)."""
    eng = store.get_engine(engine)
    with store.writing(eng) as conn:
        wave = _owned(conn, wave_id, user)  # only who may change the organisation
        if wave.status == "closed" and wave.assessment_id is not None:
            n = len(waves_sql.responses(conn, wave.id))
            return CloseResult(wave.assessment_id, n, False)
        waves_sql.set_status(conn, wave.id, "closing")  # no answer arrives after this commit
    with store.reading(eng) as conn:
        rows = waves_sql.responses(conn, wave.id)
    if not rows:
        with store.writing(eng) as conn:
            waves_sql.set_status(conn, wave.id, "open")
        raise InvalidInput(
            _("wave #{wave_id} has no answers yet: nothing to store (it stays open)").format(
                wave_id=digits(wave.id)
            )
        )
    survey = _wave_survey(wave, resolve_model(wave.model), rows)
    result = import_assessment(
        survey,
        wave.organisation,
        as_date(date) if date else dt.date.today(),
        label=wave.title,
        source_file=f"survey wave #{wave.id}",
        min_group_size=wave.min_group_size,
        user=user,
        engine=eng,
    )
    with store.writing(eng) as conn:
        waves_sql.set_status(conn, wave.id, "closed", result.assessment_id)
        audit_sql.write(
            conn,
            actor_of(user),
            CLOSE_WAVE,
            wave.organisation,
            f"wave #{wave.id} into assessment #{result.assessment_id} ({len(rows)} respondents)",
        )
    return CloseResult(result.assessment_id, len(rows), result.created)


def save_self_test(
    model: ModelRef,
    answers: dict,
    org: str,
    date: dt.date | str,
    *,
    user: User | None = None,
    engine: store.EngineRef = None,
):
    """Keep a self-test as a one-respondent assessment of an organisation (validated and stored
    like an upload; the same answers saved twice are stored once)."""
    maturity_model = resolve_model(model)
    clean = _checked_answers(maturity_model, answers)
    survey = _survey(maturity_model, [{"respondent_id": "self-test", **clean}], "self-test.csv")
    return import_assessment(
        survey, org, date, label="Self-test", source_file="self-test", user=user, engine=engine
    )
