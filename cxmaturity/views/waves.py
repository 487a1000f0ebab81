"""The Survey waves page: each wave's link, its answers so far and its provisional result."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pandas as pd

from cxmaturity import services
from cxmaturity.access import User
from cxmaturity.errors import InvalidInput
from cxmaturity.exports import to_safe_csv
from cxmaturity.services.waves import WaveStatus
from cxmaturity.views import format as fmt

STATES = {"open": "open: taking answers", "closing": "closing", "closed": "closed"}


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
    closes = f", closes {fmt.day(wave.closes_on)}" if wave.closes_on else ""
    summary = f"{status.responses} response{'s' if status.responses != 1 else ''} so far{closes}."
    if wave.status == "closed" and wave.assessment_id:
        summary = f"{status.responses} responses, stored as assessment #{wave.assessment_id}."
    rows = [
        {
            "Department": d.name,
            "Responses": str(d.responses) if d.responses is not None else f"fewer than {wave.min_group_size}",
            "Head count": d.headcount if d.headcount else fmt.MISSING,
            "Response rate": f"{d.rate:.0%}" if d.rate is not None else fmt.MISSING,
        }
        for d in status.departments
    ]
    provisional = None
    if status.provisional is not None and status.provisional.overall.level:
        o = status.provisional.overall
        provisional = f"Provisional result: level {o.level} {o.level_name} (overall {fmt.number(o.score)}), from the answers so far."
    elif wave.status == "open":
        provisional = f"A provisional result shows once {wave.min_group_size} people have answered."
    return WaveItem(
        status, model.name, STATES.get(wave.status, wave.status), summary, pd.DataFrame(rows) if rows else None, provisional
    )


def waves_view(org: str, *, user: User | None = None) -> WavesView:
    items = [wave_item(services.wave_status(w.id, user=user)) for w in reversed(services.list_waves(org, user=user))]
    open_count = sum(1 for i in items if i.status.wave.status == "open")
    if not items:
        headline = "No survey wave yet: open one to collect answers here instead of uploading a file."
    else:
        answers = sum(i.status.responses for i in items if i.status.wave.status == "open")
        headline = f"{open_count} open wave{'s' if open_count != 1 else ''} with {answers} answer{'s' if answers != 1 else ''} so far; {len(items) - open_count} closed."
    return WavesView(headline, items)
