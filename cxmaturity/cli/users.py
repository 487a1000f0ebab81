"""Account commands: ``cxmaturity user add|list|remove|passwd``.

Whoever runs the CLI has the database in hand, so it acts as ``access.LOCAL_USER`` (an
administrator; audit entries name the actor "local"). Passwords come from stdin
(``--password-stdin``, the first line) or an interactive prompt, never from the command line,
where other users could read them in the process list and the shell history.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from cxmaturity import access, services
from cxmaturity.cli.common import CliError, print_json
from cxmaturity.cli.database import store_errors


def _read_password(args: argparse.Namespace, *, confirm: bool) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        password = password[:-1] if password.endswith("\r") else password
        if not password:
            raise CliError("--password-stdin: no password on stdin (write it as the first line)")
        return password
    if not sys.stdin.isatty():
        raise CliError("give the password on stdin with --password-stdin (never on the command line)")
    password = getpass.getpass("Password: ")
    if confirm and getpass.getpass("Repeat the password: ") != password:
        raise CliError("the two passwords differ; nothing was changed")
    return password


def _scope(organisations) -> str:
    if organisations is None:
        return "all organisations"
    return ", ".join(sorted(organisations)) if organisations else "no organisation yet"


def _mode_note() -> None:
    try:
        mode = access.auth_mode()
    except access.AuthConfigError as exc:
        print(f"warning: {exc}", file=sys.stderr)
        return
    if mode == "none":
        print(
            f"note: accounts apply once {access.ENV_AUTH}=local (or oidc) is set; until then the app runs in single-user mode",
            file=sys.stderr,
        )


@store_errors
def cmd_user_add(args: argparse.Namespace) -> int:
    if args.no_password and args.password_stdin:
        raise CliError("--no-password and --password-stdin exclude each other")
    email = access.check_email(args.email)  # a bad email fails before a password is asked for
    password = None if args.no_password else _read_password(args, confirm=True)
    user = services.add_user(email, args.role, args.org, password)
    print(f"Added {user.email} ({user.role}; {_scope(user.organisations)}).")
    if not user.is_admin and not user.organisations:
        print(f"warning: {user.email} sees no organisation until one is given", file=sys.stderr)
    _mode_note()
    return 0


@store_errors
def cmd_user_list(args: argparse.Namespace) -> int:
    accounts = services.list_users()
    if args.json:
        print_json(
            [
                {
                    "email": a.email,
                    "role": a.role,
                    "organisations": None if a.organisations is None else sorted(a.organisations),
                    "has_password": a.has_password,
                    "created_at": a.created_at.isoformat() if a.created_at else None,
                    "locked_until": a.locked_until.isoformat() if a.locked_until else None,
                }
                for a in accounts
            ]
        )
        return 0
    if not accounts:
        print("No accounts.")
        return 0
    for a in accounts:
        flags = [] if a.has_password else ["identity provider only"]
        if a.locked_until:
            flags.append(f"locked until {a.locked_until:%Y-%m-%d %H:%M} UTC")
        extra = f"  [{'; '.join(flags)}]" if flags else ""
        print(f"{a.email}  {a.role}  {_scope(a.organisations)}{extra}")
    return 0


@store_errors
def cmd_user_update(args: argparse.Namespace) -> int:
    if args.org is not None and args.no_org:
        raise CliError("--org and --no-org exclude each other")
    if args.role is None and args.org is None and not args.no_org:
        raise CliError("nothing to change: give --role, --org or --no-org")
    organisations = [] if args.no_org else args.org
    user = services.update_user(args.email, args.role, organisations)
    print(f"Updated {user.email} ({user.role}; {_scope(user.organisations)}).")
    return 0


@store_errors
def cmd_user_remove(args: argparse.Namespace) -> int:
    if not services.remove_user(args.email):
        raise CliError(f"no account for {access.normalise_email(args.email)}")
    print(f"Removed {access.normalise_email(args.email)}.")
    return 0


@store_errors
def cmd_user_passwd(args: argparse.Namespace) -> int:
    email = access.normalise_email(args.email)
    if services.get_user(email) is None:  # before asking for a password
        raise CliError(f"no account for {email}")
    services.set_password(email, _read_password(args, confirm=True))
    print(f"Password changed for {email}.")
    return 0
