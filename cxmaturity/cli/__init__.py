"""Command line: every computation reachable without a browser (design.md §4).

Invalid input exits non-zero with one line per problem on stderr and never a traceback.
Each command's module is imported only when that command runs (handlers are named, not
imported, while the parser is built), so ``cxmaturity score`` loads no database code.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

import pyarrow as pa  # loaded by pandas in every command anyway

from cxmaturity.cli.common import EXIT_INVALID_INPUT, CliError
from cxmaturity.models import ModelFileError
from cxmaturity.rules import INITIATIVE_STATUSES, MIN_GROUP_SIZE

ROLES = ("admin", "analyst", "viewer")  # checked again by access.check_role
MIN_PASSWORD_LENGTH = 8  # access.MIN_PASSWORD_LENGTH (a test keeps them equal)


def _handler(name: str):
    return {"handler": name}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cxmaturity", description="CX maturity scoring, storage and comparison")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("models", help="list the maturity models")
    p.add_argument("--json", action="store_true")
    p.set_defaults(**_handler("score:cmd_models"))

    p = sub.add_parser("template", help="write a CSV template for a model")
    p.add_argument("model")
    p.add_argument("-o", "--output")
    p.set_defaults(**_handler("score:cmd_template"))

    p = sub.add_parser("score", help="score a survey file")
    p.add_argument("file")
    p.add_argument("--model", help="model id (recognised from the columns when omitted)")
    p.add_argument("--group-by")
    p.add_argument("--min-group-size", type=int, default=MIN_GROUP_SIZE)
    p.add_argument("--json", action="store_true")
    p.set_defaults(**_handler("score:cmd_score"))

    p = sub.add_parser("translations", help="start or refresh a language's model, benchmark and advice texts")
    p.add_argument("lang", help="fa, tr or ru")
    p.set_defaults(**_handler("translations:cmd_translations"))

    _register_store(sub)
    _register_users(sub)
    return parser


def _register_store(sub) -> None:
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
    p.set_defaults(**_handler("store:cmd_import"))

    p = sub.add_parser("history", help="an organisation's assessments, oldest first")
    p.add_argument("--org", required=True)
    p.add_argument("--model")
    p.add_argument("--json", action="store_true")
    p.set_defaults(**_handler("store:cmd_history"))

    p = sub.add_parser("compare", help="change between two assessments (default: the last two)")
    p.add_argument("--org", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--from", dest="from_id", type=int, metavar="ID")
    p.add_argument("--to", dest="to_id", type=int, metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(**_handler("store:cmd_compare"))

    p = sub.add_parser("demo", help="load the demo data set (idempotent), or remove it")
    p.add_argument("--remove", action="store_true", help="move every demo organisation into the trash")
    p.set_defaults(**_handler("store:cmd_demo"))

    p = sub.add_parser("delete", help="move an assessment or an organisation into the trash")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--assessment", type=int, metavar="ID")
    what.add_argument("--org", metavar="NAME")
    p.add_argument("--json", action="store_true")
    p.set_defaults(**_handler("trash:cmd_delete"))

    p = sub.add_parser("restore", help="bring an assessment or an organisation back from the trash")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--assessment", type=int, metavar="ID")
    what.add_argument("--org", metavar="NAME")
    what.add_argument("--target", type=int, metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(**_handler("trash:cmd_restore"))

    p = sub.add_parser("trash", help="what is in the trash, and when it will be purged")
    p.add_argument("--json", action="store_true")
    p.set_defaults(**_handler("trash:cmd_trash"))

    p = sub.add_parser("purge", help="delete what is in the trash for good")
    p.add_argument("--older-than", type=int, metavar="DAYS", help="only what was deleted more than DAYS days ago")
    p.add_argument("--json", action="store_true")
    p.set_defaults(**_handler("trash:cmd_purge"))

    p = sub.add_parser("check", help="check that the database is whole (integrity and every assessment's data)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(**_handler("store:cmd_check"))

    p = sub.add_parser("plan", help="the action plan: targets and initiatives")
    plans = p.add_subparsers(dest="plan_command", required=True, metavar="{show,add,update,remove}")
    q = plans.add_parser("show", help="targets at 6, 12 and 24 months and the initiatives")
    q.add_argument("--org", required=True)
    q.add_argument("--model", required=True)
    q.add_argument("--json", action="store_true")
    q.set_defaults(**_handler("plan:cmd_show"))
    q = plans.add_parser("add", help="add an initiative")
    q.add_argument("--org", required=True)
    q.add_argument("--model", required=True)
    q.add_argument("--competency", required=True, metavar="ID")
    q.add_argument("--title", required=True)
    q.add_argument("--owner", required=True, help="a name or a role")
    q.add_argument("--due", required=True, metavar="YYYY-MM-DD")
    q.add_argument("--status", choices=INITIATIVE_STATUSES, default="planned")
    q.add_argument("--note")
    q.add_argument("--json", action="store_true")
    q.set_defaults(**_handler("plan:cmd_add"))
    q = plans.add_parser("update", help="change an initiative")
    q.add_argument("id", type=int)
    q.add_argument("--status", choices=INITIATIVE_STATUSES)
    q.add_argument("--owner")
    q.add_argument("--due", metavar="YYYY-MM-DD")
    q.add_argument("--title")
    q.add_argument("--note")
    q.add_argument("--json", action="store_true")
    q.set_defaults(**_handler("plan:cmd_update"))
    q = plans.add_parser("remove", help="move an initiative into the trash")
    q.add_argument("id", type=int)
    q.set_defaults(**_handler("plan:cmd_remove"))

    p = sub.add_parser("report", help="the board report: an A4 PDF of one assessment")
    p.add_argument("--org", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--assessment", type=int, metavar="ID", help="default: the latest of the model")
    p.add_argument("--lang", default="en", metavar="CODE", help="the report's language (default: en)")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="where to write the PDF")
    p.set_defaults(**_handler("report:cmd_report"))

    p = sub.add_parser("wave", help="survey waves answered in the app: open, status, close")
    waves = p.add_subparsers(dest="wave_command", required=True, metavar="{open,status,close}")
    q = waves.add_parser("open", help="open a wave and print its link")
    q.add_argument("--org", required=True)
    q.add_argument("--model", required=True)
    q.add_argument("--title", required=True)
    q.add_argument("--opens", metavar="YYYY-MM-DD", help="default: today")
    q.add_argument("--closes", metavar="YYYY-MM-DD")
    q.add_argument("--departments", metavar='"A,B:40,C"', help="the departments respondents choose from; ':N' adds a head count")
    q.add_argument("--roles", metavar='"A,B"', help="the roles respondents choose from")
    q.add_argument("--min-group-size", type=int, default=MIN_GROUP_SIZE, help="the anonymity threshold (at least the default)")
    q.add_argument("--codes", type=int, default=0, metavar="N", help="also make N single-use codes (printed once)")
    q.add_argument("--lang", default="en", metavar="CODE", help="the questionnaire's language: en, fa, tr or ru")
    q.add_argument("--json", action="store_true")
    q.set_defaults(**_handler("waves:cmd_open"))
    q = waves.add_parser("status", help="responses so far, per department under the anonymity threshold")
    q.add_argument("id", type=int)
    q.add_argument("--json", action="store_true")
    q.set_defaults(**_handler("waves:cmd_status"))
    q = waves.add_parser("close", help="close a wave and store its responses as an assessment")
    q.add_argument("id", type=int)
    q.add_argument("--date", metavar="YYYY-MM-DD", help="the assessment's date (default: today)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(**_handler("waves:cmd_close"))

    p = sub.add_parser("org", help="organisations")
    orgs = p.add_subparsers(dest="org_command", required=True, metavar="{rename}")
    q = orgs.add_parser("rename", help="rename an organisation")
    q.add_argument("old")
    q.add_argument("new")
    q.set_defaults(**_handler("trash:cmd_org_rename"))

    p = sub.add_parser("rescore", help="recompute stored scores with the current models")
    p.add_argument("--org")
    p.add_argument("--json", action="store_true")
    p.set_defaults(**_handler("store:cmd_rescore"))


def _register_users(sub) -> None:
    """Add ``user`` with its subcommands to the ``cxmaturity`` parser's subparsers."""
    p = sub.add_parser("user", help="manage accounts (used when CXMATURITY_AUTH=local or oidc)")
    users = p.add_subparsers(dest="user_command", required=True, metavar="{add,list,update,remove,passwd}")

    q = users.add_parser("add", help="create an account")
    q.add_argument("email")
    q.add_argument("--role", required=True, choices=ROLES)
    q.add_argument(
        "--org", action="append", default=[], metavar="NAME", help="an organisation the analyst or viewer may see (repeatable)"
    )
    q.add_argument(
        "--password-stdin",
        action="store_true",
        help=f"read the password (at least {MIN_PASSWORD_LENGTH} characters) from the first line of stdin",
    )
    q.add_argument("--no-password", action="store_true", help="no password: signs in through the identity provider (OIDC) only")
    q.set_defaults(**_handler("users:cmd_user_add"))

    q = users.add_parser("list", help="list the accounts")
    q.add_argument("--json", action="store_true")
    q.set_defaults(**_handler("users:cmd_user_list"))

    q = users.add_parser("remove", help="delete an account")
    q.add_argument("email")
    q.set_defaults(**_handler("users:cmd_user_remove"))

    q = users.add_parser("update", help="change an account's role and/or organisations")
    q.add_argument("email")
    q.add_argument("--role", choices=ROLES)
    q.add_argument(
        "--org", action="append", default=None, metavar="NAME", help="replaces the account's organisations (repeatable)"
    )
    q.add_argument("--no-org", action="store_true", help="take every organisation away (analysts and viewers)")
    q.set_defaults(**_handler("users:cmd_user_update"))

    q = users.add_parser("passwd", help="set an account's password (also lifts a lockout)")
    q.add_argument("email")
    q.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    q.set_defaults(**_handler("users:cmd_user_passwd"))


# Command modules that finish with nothing to close: no database connection, no temporary file.
# Their process may end without the interpreter's teardown (see run()).
_NOTHING_TO_CLOSE = {"score"}


def _run(args: argparse.Namespace) -> int:
    module, function = args.handler.split(":")
    return int(getattr(importlib.import_module(f"cxmaturity.cli.{module}"), function)(args) or 0)


def main(argv: list[str] | None = None) -> int:
    return _main(argv)[0]


def _main(argv: list[str] | None) -> tuple[int, str | None]:
    """-> (exit status, the command's module, or None when it did not run to its end)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = _run(args)
        return code, args.handler.split(":")[0]
    except CliError as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return exc.code, None
    except ModelFileError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID_INPUT, None
    except BrokenPipeError:
        return 0, None
    except KeyboardInterrupt:
        return 130, None
    except Exception as exc:  # the last guard: a person sees one line, never a traceback
        print(f"internal error ({type(exc).__name__}): {exc}; please report it", file=sys.stderr)
        return 1, None


def run() -> None:
    """The process: ``python -m cxmaturity`` and the ``cxmaturity`` command (tests call main()).

    A command that had nothing to close ends the process without the interpreter's teardown,
    as mypy does: freeing every object of pandas, pyarrow and a 100,000-row survey one by one
    took about 0.12 s of a 0.9 s ``score`` (bench/ingest.py). Output is flushed first.
    """
    # pyarrow's own allocator (mimalloc) keeps what it frees for reuse; the C library's gives large
    # blocks back, and a 100,000-row score peaked 24 MB lower with it (bench/ingest.py)
    pa.set_memory_pool(pa.system_memory_pool())
    code, module = _main(None)
    if module not in _NOTHING_TO_CLOSE:
        raise SystemExit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # a reader that stopped early (| head) is not an error
        pass
    os._exit(code)


if __name__ == "__main__":
    run()
