"""Storage commands of the CLI (design.md §4): import, history, compare, demo, rescore.

``cxmaturity.cli`` calls :func:`register`. Problems end as one line per problem on stderr and a
non-zero exit (2 for invalid input or an unknown organisation, 1 for a database failure),
never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import getpass
import re
import sys
from pathlib import Path

from cxmaturity.cli import (
    EXIT_INVALID_INPUT,
    CliError,
    print_json,
    read_survey_or_fail,
    resolve_model,
)
from cxmaturity.errors import SurveyValidationError

EXIT_DATABASE = 1
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _p(value: float | None) -> str:
    if value is None:
        return "p –"
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _store_errors(func):
    """Turn store and database exceptions into CliError lines."""

    @functools.wraps(func)
    def wrapper(args: argparse.Namespace) -> int:
        # imported here, not at the top: `cxmaturity score` never touches the database
        from sqlalchemy.exc import SQLAlchemyError

        from cxmaturity.repository import StoreError

        try:
            return func(args)
        except StoreError as exc:
            raise CliError(str(exc), EXIT_INVALID_INPUT) from None
        except SurveyValidationError as exc:
            prefix = f"{Path(args.file).name}: " if getattr(args, "file", None) else ""
            raise CliError([f"{prefix}{p}" for p in exc.problems], EXIT_INVALID_INPUT) from None
        except SQLAlchemyError as exc:
            raise CliError(f"database error: {_first_line(exc)}", EXIT_DATABASE) from None

    return wrapper


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


@_store_errors
def cmd_import(args: argparse.Namespace) -> int:
    from cxmaturity import repository

    if not args.org.strip():
        raise CliError("--org: the organisation name must not be empty")
    date = _parse_date(args.date)
    resolve_model(args.model)  # unknown model: one clear line before the file is read
    survey = read_survey_or_fail(args.file, args.model)
    attributes = {"industry": args.industry, "size_band": args.size, "region": args.region}
    result = repository.import_assessment(
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


@_store_errors
def cmd_history(args: argparse.Namespace) -> int:
    from cxmaturity import repository

    if args.model:
        resolve_model(args.model)
    items = repository.history(args.org, args.model)
    if args.json:
        print_json(items)
        return 0
    if not items:
        print(f"{args.org}: no assessments" + (f" of model {args.model}" if args.model else ""))
        return 0
    for a in items:
        o = a["overall"]
        level = f"level {o['level']} {o['level_name']}" if o.get("level") else "no level"
        label = f"  {a['label']}" if a.get("label") else ""
        print(f"#{a['id']}  {a['date']}  {a['model']}{label}  {a['respondents']} respondents  overall {_fmt(o['score'])} ({level})")
    return 0


@_store_errors
def cmd_compare(args: argparse.Namespace) -> int:
    from cxmaturity import repository

    model = resolve_model(args.model)
    result = repository.comparison(args.org, model, args.from_id, args.to_id)
    if args.json:
        print_json(result.to_dict())
        return 0
    print(f"{model.name}: assessment #{result.from_id} → #{result.to_id}")
    for c in [result.overall, *result.competencies]:
        delta = "–" if c.delta is None else f"{c.delta:+.2f}"
        print(f"  {c.name:30} {_fmt(c.from_score)} → {_fmt(c.to_score)}  {delta:>6}  {_p(c.p_value):11} {c.verdict}")
    return 0


@_store_errors
def cmd_demo(args: argparse.Namespace) -> int:
    from cxmaturity import demo

    if demo.load_demo():
        print(f"Demo data loaded: '{demo.DEMO_ORG}' and {len(demo.PEERS)} demo peer organisations.")
    else:
        print("Demo data is already loaded; nothing was changed.")
    return 0


@_store_errors
def cmd_rescore(args: argparse.Namespace) -> int:
    from cxmaturity import repository

    result = repository.rescore(args.org)
    if args.json:
        print_json(result)
        return 0
    scope = f" of {args.org}" if args.org else ""
    print(f"Re-scored {len(result['rescored'])} assessment(s){scope} with the current models.")
    for s in result["skipped"]:
        print(f"warning: assessment #{s['id']} kept its scores: model '{s['model']}' {s['reason']}", file=sys.stderr)
    return 0


def register(sub) -> None:
    """Add the storage subcommands to the ``cxmaturity`` parser's subparsers."""
    p = sub.add_parser("import", help="validate, score and store a survey file as an assessment")
    p.add_argument("file")
    p.add_argument("--org", required=True, help="organisation name (created on first import)")
    p.add_argument("--model", required=True)
    p.add_argument("--date", required=True, help="assessment date, YYYY-MM-DD")
    p.add_argument("--label")
    p.add_argument("--industry", help="organisation's industry (for peer groups)")
    p.add_argument("--size", help="organisation's size band, e.g. '1,000–4,999'")
    p.add_argument("--region")
    p.add_argument("--imported-by", help="who imports (default: the login name)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("history", help="an organisation's assessments, oldest first")
    p.add_argument("--org", required=True)
    p.add_argument("--model")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("compare", help="change between two assessments (default: the last two)")
    p.add_argument("--org", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--from", dest="from_id", type=int, metavar="ID")
    p.add_argument("--to", dest="to_id", type=int, metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("demo", help="load the demo data set (idempotent)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("rescore", help="recompute stored scores with the current models")
    p.add_argument("--org")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_rescore)
