"""Commands that need no database: models, template, score."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cxmaturity.cli.common import CliError, print_json, read_survey_or_fail, resolve_model
from cxmaturity.errors import SurveyValidationError
from cxmaturity.models import load_models
from cxmaturity.scoring import score_assessment
from cxmaturity.survey import resolve_group_column, template_csv
from cxmaturity.views.format import number as _fmt


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
    model = resolve_model(args.model)
    if args.output and args.output.lower().endswith(".xlsx"):
        # the questionnaire to hand out: statements, the scale as a dropdown, instructions
        from cxmaturity.survey.questionnaire import questionnaire_xlsx

        Path(args.output).write_bytes(questionnaire_xlsx(model))
        print(f"Questionnaire written to {args.output}", file=sys.stderr)
        return 0
    text = template_csv(model)
    if args.output:
        # utf-8-sig so Excel opens non-ASCII item text correctly
        Path(args.output).write_text(text, encoding="utf-8-sig", newline="")
        print(f"Template written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    survey = read_survey_or_fail(args.file, args.model)
    group_by = None
    if args.group_by:
        try:
            group_by = resolve_group_column(survey, args.group_by)
        except SurveyValidationError as exc:
            raise CliError([f"--group-by: {p.message}" for p in exc.problems]) from None
    result = score_assessment(
        survey.model,
        survey.answers,
        survey.respondents,
        group_by=group_by,
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
