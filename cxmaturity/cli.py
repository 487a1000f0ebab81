"""Command line: every computation reachable without a browser (design.md §4).

Invalid input exits non-zero with one line per problem on stderr and never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from cxmaturity.errors import SurveyValidationError
from cxmaturity.models import ModelFileError, get_model, load_models

EXIT_INVALID_INPUT = 2


class CliError(Exception):
    """A problem to report on stderr as one or more lines, with a non-zero exit."""

    def __init__(self, lines: list[str] | str, code: int = EXIT_INVALID_INPUT):
        self.lines = [lines] if isinstance(lines, str) else list(lines)
        self.code = code
        super().__init__("\n".join(self.lines))


def print_json(data: object) -> None:
    """JSON on stdout; NaN never leaks out (it is not JSON), it becomes null."""
    print(json.dumps(_clean(data), ensure_ascii=False, indent=2))


def _clean(value: object) -> object:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def resolve_model(model_id: str):
    try:
        return get_model(model_id)
    except KeyError as exc:
        raise CliError(str(exc.args[0])) from None


def _fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


# --- commands ----------------------------------------------------------------------------


def cmd_models(args: argparse.Namespace) -> int:
    models = load_models()
    if args.json:
        print_json([m.to_contract() for m in models.values()])
        return 0
    for m in models.values():
        levels = ", ".join(f"{lv.number} {lv.name}" for lv in m.levels)
        print(f"{m.id:18} {m.name} — {len(m.competencies)} competencies, {m.item_count} items; levels: {levels}")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from cxmaturity.survey import template_csv

    text = template_csv(resolve_model(args.model))
    if args.output:
        # utf-8-sig so Excel opens non-ASCII item text correctly
        Path(args.output).write_text(text, encoding="utf-8-sig", newline="")
        print(f"Template written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def read_survey_or_fail(path: str, model_id: str | None):
    from cxmaturity.survey import read_survey

    model = resolve_model(model_id) if model_id else None
    if not Path(path).is_file():
        raise CliError(f"{path}: no such file")
    try:
        return read_survey(Path(path), model=model, filename=Path(path).name)
    except SurveyValidationError as exc:
        raise CliError([f"{Path(path).name}: {p}" for p in exc.problems]) from None


def cmd_score(args: argparse.Namespace) -> int:
    from cxmaturity.scoring import score_assessment

    survey = read_survey_or_fail(args.file, args.model)
    if args.group_by and args.group_by not in survey.respondents.columns:
        available = ", ".join(survey.respondents.columns) or "none"
        raise CliError(f"--group-by: no column '{args.group_by}' in the file (available: {available})")
    result = score_assessment(
        survey.model,
        survey.answers,
        survey.respondents,
        group_by=args.group_by,
        min_group_size=args.min_group_size,
    )
    result.warnings = list(survey.warnings) + result.warnings
    if args.json:
        print_json(result.to_dict())
        return 0
    o = result.overall
    level = f"level {o.level} {o.level_name}" if o.level else "no level"
    points = f", {o.points} of {survey.model.points_max} points" if o.points is not None else ""
    ci = f" (95% CI {_fmt(o.ci95[0])}–{_fmt(o.ci95[1])})" if o.ci95 else ""
    print(f"{survey.model.name}: {result.respondents} respondents")
    print(f"Overall {_fmt(o.score)}{ci}{points}: {level}")
    for c in result.competencies:
        print(f"  {c.name:40} {_fmt(c.score)}  level {c.level or '–'} {c.level_name or ''}  n={c.n}")
    for g in result.groups:
        if g.suppressed:
            print(f"  [{args.group_by}] {g.name}: n={g.n}, suppressed (too few respondents to stay anonymous)")
        else:
            print(f"  [{args.group_by}] {g.name}: n={g.n}, overall {_fmt(g.overall.score)} level {g.overall.level}")
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cxmaturity", description="CX maturity scoring, storage and comparison")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("models", help="list the maturity models")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_models)

    p = sub.add_parser("template", help="write a CSV template for a model")
    p.add_argument("model")
    p.add_argument("-o", "--output")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("score", help="score a survey file")
    p.add_argument("file")
    p.add_argument("--model", help="model id (recognised from the columns when omitted)")
    p.add_argument("--group-by")
    p.add_argument("--min-group-size", type=int, default=5)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_score)

    from cxmaturity import cli_store  # storage commands: import, history, compare, demo, rescore

    cli_store.register(sub)
    from cxmaturity import cli_users  # account commands: user add, list, remove, passwd

    cli_users.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CliError as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return exc.code
    except ModelFileError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID_INPUT
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
