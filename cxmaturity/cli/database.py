"""Store and database failures as one CliError line (never a traceback)."""

from __future__ import annotations

import argparse
import functools
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from cxmaturity.cli.common import EXIT_DATABASE, EXIT_INVALID_INPUT, CliError
from cxmaturity.errors import StoreError, SurveyValidationError


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def store_errors(func):
    """Turn store and database exceptions into CliError lines."""

    @functools.wraps(func)
    def wrapper(args: argparse.Namespace) -> int:
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
