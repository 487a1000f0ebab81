"""Storage commands (design.md §4): import, history, compare, demo, rescore."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import re
import sys
from pathlib import Path

from cxmaturity import services
from cxmaturity.cli.common import CliError, print_json, read_survey_or_fail, resolve_model
from cxmaturity.cli.database import store_errors
from cxmaturity.services import demo
from cxmaturity.views.format import number as _fmt
from cxmaturity.views.format import p_value

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _p(value: float | None) -> str:
    text = p_value(value)
    return f"p {text}" if text.startswith("<") or text == "–" else f"p = {text}"


def _parse_date(text: str) -> dt.date:
    try:
        if not DATE_RE.match(text.strip()):
            raise ValueError
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CliError(f"--date: '{text}' is not a date in the form YYYY-MM-DD") from None


def _user() -> str | None:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers; the record just stays empty
        return None


# --- commands ----------------------------------------------------------------------------


@store_errors
def cmd_import(args: argparse.Namespace) -> int:
    if not args.org.strip():
        raise CliError("--org: the organisation name must not be empty")
    date = _parse_date(args.date)
    resolve_model(args.model)  # unknown model: one clear line before the file is read
    survey = read_survey_or_fail(args.file, args.model)
    attributes = {"industry": args.industry, "size_band": args.size, "region": args.region}
    result = services.import_assessment(
        survey,
        args.org,
        date,
        args.label,
        imported_by=args.imported_by or _user(),
        org_attributes={k: v for k, v in attributes.items() if v},
        source_file=Path(args.file).name,
    )
    if args.json:
        print_json({"assessment_id": result.assessment_id, "created": result.created})
    elif result.created:
        print(
            f"Stored as assessment #{result.assessment_id} "
            f"({args.org}, {survey.model.id}, {date.isoformat()}, {len(survey.answers)} respondents)"
        )
    else:
        print(f"This file is already stored as assessment #{result.assessment_id}; nothing was changed.")
    for warning in survey.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


@store_errors
def cmd_history(args: argparse.Namespace) -> int:
    if args.model:
        resolve_model(args.model)
    items = services.history(args.org, args.model)
    if args.json:
        print_json([a.to_dict() for a in items])
        return 0
    if not items:
        print(f"{args.org}: no assessments" + (f" of model {args.model}" if args.model else ""))
        return 0
    for a in items:
        o = a.overall
        level = f"level {o['level']} {o['level_name']}" if o.get("level") else "no level"
        label = f"  {a.label}" if a.label else ""
        print(f"#{a.id}  {a.date.isoformat()}  {a.model}{label}  {a.respondents} respondents  overall {_fmt(o['score'])} ({level})")
    return 0


@store_errors
def cmd_compare(args: argparse.Namespace) -> int:
    model = resolve_model(args.model)
    result = services.comparison(args.org, model, args.from_id, args.to_id)
    if args.json:
        print_json(result.to_dict())
        return 0
    print(f"{model.name}: assessment #{result.from_id} → #{result.to_id}")
    for c in [result.overall, *result.competencies]:
        delta = "–" if c.delta is None else f"{c.delta:+.2f}"
        print(f"  {c.name:30} {_fmt(c.from_score)} → {_fmt(c.to_score)}  {delta:>6}  {_p(c.p_value):11} {c.verdict}")
    return 0


@store_errors
def cmd_demo(args: argparse.Namespace) -> int:
    if args.remove:
        names = services.remove_demo()
        if names:
            print(f"Moved {len(names)} demo organisation(s) into the trash; 'cxmaturity restore --org NAME' brings one back.")
        else:
            print("There is no sample data to remove.")
        return 0
    if demo.load_demo():
        print(f"Demo data loaded: '{demo.DEMO_ORG}' and {len(demo.PEERS)} demo peer organisations.")
    else:
        print("Demo data is already loaded; nothing was changed.")
    return 0


@store_errors
def cmd_rescore(args: argparse.Namespace) -> int:
    result = services.rescore(args.org)
    if args.json:
        print_json(result)
        return 0
    scope = f" of {args.org}" if args.org else ""
    print(f"Re-scored {len(result['rescored'])} assessment(s){scope} with the current models.")
    for s in result["skipped"]:
        print(f"warning: assessment #{s['id']} kept its scores: model '{s['model']}' {s['reason']}", file=sys.stderr)
    return 0


@store_errors
def cmd_check(args: argparse.Namespace) -> int:
    report = services.check_database()
    if args.json:
        print_json({"ok": report.ok, "organisations": report.organisations, "assessments": report.assessments, "problems": report.problems})
    elif report.ok:
        print(f"The database is whole: {report.organisations} organisation(s), {report.assessments} assessment(s) checked.")
    else:
        for problem in report.problems:
            print(f"problem: {problem}", file=sys.stderr)
    return 0 if report.ok else 1

