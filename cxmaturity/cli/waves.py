"""Survey waves from the command line: ``cxmaturity wave open|status|close``."""

from __future__ import annotations

import argparse

from cxmaturity import services
from cxmaturity.cli.common import CliError, print_json, resolve_model
from cxmaturity.cli.database import store_errors
from cxmaturity.cli.plan import _date
from cxmaturity.errors import InvalidInput


def _departments(text: str | None) -> list:
    """'Sales,IT:40,Ops' -> [("Sales", None), ("IT", 40), ("Ops", None)] (":N" is a head count)."""
    try:
        return [services.department_entry(part) for part in text.split(",")] if text else []
    except InvalidInput as exc:
        raise CliError(f"--departments: {exc}") from None


@store_errors
def cmd_open(args: argparse.Namespace) -> int:
    resolve_model(args.model)
    roles = [r.strip() for r in args.roles.split(",")] if args.roles else []
    wave, codes = services.open_wave(
        args.org, args.model, args.title,
        closes=_date(args.closes, "--closes"), opens=_date(args.opens, "--opens"),
        departments=_departments(args.departments), roles=roles,
        min_group_size=args.min_group_size, codes=args.codes, language=args.lang,
    )  # fmt: skip
    if args.json:
        print_json({**wave.to_dict(), "codes": codes})
    else:
        print(f"Opened wave #{wave.id} '{wave.title}' for {wave.organisation} ({wave.model}).")
        print(f"Link: {wave.link()}   (append it to the dashboard's address)")
        for code in codes:
            print(f"code  {code}")
    return 0


@store_errors
def cmd_status(args: argparse.Namespace) -> int:
    status = services.wave_status(args.id)
    if args.json:
        print_json(status.to_dict())
        return 0
    data = status.to_dict()
    print(f"Wave #{args.id} ({data['status']}): {data['responses']} responses")
    for d in data["departments"]:
        rate = f", {d['response_rate']:.0%} of {d['headcount']}" if d["response_rate"] is not None else ""
        print(f"  {d['name']}: {d['responses']}{rate}")
    return 0


@store_errors
def cmd_close(args: argparse.Namespace) -> int:
    result = services.close_wave(args.id, date=_date(args.date, "--date"))
    if args.json:
        print_json(result.to_dict())
    else:
        print(f"Closed wave #{args.id}: assessment #{result.assessment_id} with {result.respondents} respondents.")
    return 0
