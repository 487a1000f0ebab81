"""What every command shares: errors as lines on stderr, JSON on stdout, model and file lookup."""

from __future__ import annotations

import json
import math
from pathlib import Path

from cxmaturity.errors import SurveyValidationError
from cxmaturity.models import get_model
from cxmaturity.survey import read_survey

EXIT_INVALID_INPUT = 2
EXIT_DATABASE = 1


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


def read_survey_or_fail(path: str, model_id: str | None):
    model = resolve_model(model_id) if model_id else None
    if not Path(path).is_file():
        raise CliError(f"{path}: no such file")
    try:
        return read_survey(Path(path), model=model, filename=Path(path).name)
    except SurveyValidationError as exc:
        raise CliError([f"{Path(path).name}: {p}" for p in exc.problems]) from None
