"""The action plan from the command line: ``cxmaturity plan show|add|update|remove``."""

from __future__ import annotations

import argparse
import datetime as dt
import re

from cxmaturity import services
from cxmaturity.cli.common import CliError, print_json, resolve_model
from cxmaturity.cli.database import store_errors
from cxmaturity.views import format as fmt

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(text: str | None, flag: str = "--due") -> dt.date | None:
    if text is None:
        return None
    try:
        if not DATE_RE.match(text.strip()):
            raise ValueError
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CliError(f"{flag}: '{text}' is not a date in the form YYYY-MM-DD") from None


def _line(i) -> str:
    return f"#{i.id}  {i.competency}: {i.title}  — {i.owner}, due {fmt.short_day(i.due)}, {i.status.replace('_', ' ')}"


@store_errors
def cmd_show(args: argparse.Namespace) -> int:
    resolve_model(args.model)
    result = services.plan(args.org, args.model)
    if args.json:
        print_json(result.to_dict())
        return 0
    for t in result.targets:
        mark = " (default: one level up)" if t.is_default else ""
        met = " — already met" if t.met else ""
        print(f"target  {t.competency:20} {t.horizon_months:>2} months: level {t.level}{mark}{met}")
    for i in result.initiatives:
        print(_line(i) + ("  OVERDUE" if result.overdue(i) else ""))
    return 0


@store_errors
def cmd_add(args: argparse.Namespace) -> int:
    resolve_model(args.model)
    initiative = services.add_initiative(
        args.org, args.model, args.competency, args.title, args.owner, _date(args.due), args.status, args.note
    )
    if args.json:
        print_json(initiative.to_dict())
    else:
        print(f"Added {_line(initiative)}")
    return 0


@store_errors
def cmd_update(args: argparse.Namespace) -> int:
    initiative = services.update_initiative(
        args.id, status=args.status, owner=args.owner, due=_date(args.due), title=args.title, note=args.note
    )
    if args.json:
        print_json(initiative.to_dict())
    else:
        print(f"Updated {_line(initiative)}")
    return 0


@store_errors
def cmd_remove(args: argparse.Namespace) -> int:
    services.remove_initiative(args.id)
    print(f"Moved initiative #{args.id} into the trash.")
    return 0
