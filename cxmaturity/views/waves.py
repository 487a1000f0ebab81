"""The Survey waves page: each wave's link, its answers so far and its provisional result."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pandas as pd

from cxmaturity import services, translations
from cxmaturity.access import User
from cxmaturity.errors import InvalidInput
from cxmaturity.exports import to_safe_csv
from cxmaturity.i18n import N_, _, ngettext
from cxmaturity.services.waves import WaveStatus
from cxmaturity.views import format as fmt

STATES = {"open": N_("open: taking answers"), "closing": N_("closing"), "closed": N_("closed")}


def state_word(state: str) -> str:
    """A wave's state (a machine value of the store) in words of the current language."""
    return _(STATES[state]) if state in STATES else state


@dataclass
class WaveItem:
    status: WaveStatus
    model_name: str
    state: str
    summary: str
    departments: pd.DataFrame | None
    provisional: str | None


@dataclass
class WavesView:
    headline: str
    waves: list[WaveItem]


def base_address(url: str | None) -> str:
    """The dashboard's own address (scheme and host) from the page's URL: links are shared whole."""
    if not url:
        return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def parse_departments(text: str) -> list[tuple[str, int | None]]:
    """'Sales: 40' lines -> [("Sales", 40)]; raises InvalidInput naming the line."""
    result = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                result.append(services.department_entry(line))
            except InvalidInput as exc:
                raise InvalidInput(f"departments, line {number}: {exc}") from None
    return result


def codes_csv(codes: list[str]) -> bytes:
    return to_safe_csv(pd.DataFrame({"code": codes})).encode("utf-8-sig")


def wave_item(status: WaveStatus) -> WaveItem:
    wave = status.wave
    model = services.model(wave.model)
    responses = fmt.integer(status.responses)
    if wave.status == "closed" and wave.assessment_id:
        summary = ngettext(
            "{n} response, stored as assessment #{id}.",
            "{n} responses, stored as assessment #{id}.",
            status.responses,
        ).format(n=responses, id=fmt.digits(wave.assessment_id))
    elif wave.closes_on:
        summary = ngettext(
            "{n} response so far, closes {day}.",
            "{n} responses so far, closes {day}.",
            status.responses,
        ).format(n=responses, day=fmt.day(wave.closes_on))
    else:
        summary = ngettext(
            "{n} response so far.", "{n} responses so far.", status.responses
        ).format(n=responses)
    fewer = _("fewer than {count}").format(count=fmt.integer(wave.min_group_size))
    rows = [
        {
            _("Department"): d.name,
            _("Responses"): fmt.integer(d.responses) if d.responses is not None else fewer,
            _("Head count"): fmt.integer(d.headcount) if d.headcount else fmt.MISSING,
            _("Response rate"): fmt.percent(d.rate) if d.rate is not None else fmt.MISSING,
        }
        for d in status.departments
    ]
    provisional = None
    if status.provisional is not None and status.provisional.overall.level:
        o = status.provisional.overall
        provisional = _(
            "Provisional result: level {level} {name} (overall {score}), from the answers so far."
        ).format(
            level=fmt.integer(o.level),
            name=translations.level_name(model.id, o.level, o.level_name),
            score=fmt.number(o.score),
        )
    elif wave.status == "open":
        provisional = _("A provisional result shows once {count} people have answered.").format(
            count=fmt.integer(wave.min_group_size)
        )
    return WaveItem(
        status,
        translations.translated(None, model.id, "name", model.name),
        state_word(wave.status),
        summary,
        pd.DataFrame(rows) if rows else None,
        provisional,
    )


def waves_view(org: str, *, user: User | None = None) -> WavesView:
    items = [
        wave_item(services.wave_status(w.id, user=user))
        for w in reversed(services.list_waves(org, user=user))
    ]
    open_count = sum(1 for i in items if i.status.wave.status == "open")
    if not items:
        headline = _(
            "No survey wave yet: open one to collect answers here instead of uploading a file."
        )
    else:
        answers = sum(i.status.responses for i in items if i.status.wave.status == "open")
        waves = ngettext("{n} open wave", "{n} open waves", open_count).format(
            n=fmt.integer(open_count)
        )
        answered = ngettext("{n} answer", "{n} answers", answers).format(n=fmt.integer(answers))
        headline = _("{waves} with {answers} so far; {closed} closed.").format(
            waves=waves, answers=answered, closed=fmt.integer(len(items) - open_count)
        )
    return WavesView(headline, items)
