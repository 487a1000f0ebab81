"""Deleting into the trash, restoring, purging and renaming (issue 9).

The CLI acts as the local administrator. Something that does not exist is one clear line and
exit status 2, worded the same whether it does not exist or may not be touched.
"""

from __future__ import annotations

import argparse

from cxmaturity import services
from cxmaturity.cli.common import CliError, print_json
from cxmaturity.cli.database import store_errors
from cxmaturity.errors import AccessDenied, UnknownAssessment, UnknownOrganisation
from cxmaturity.views import format as fmt


def _no_such(args: argparse.Namespace) -> CliError:
    if args.assessment is not None:
        return CliError(f"there is no assessment #{args.assessment} you can change")
    if getattr(args, "target", None) is not None:
        return CliError(f"there is no target #{args.target} you can change")
    return CliError(f"there is no organisation called '{args.org}' you can change")


@store_errors
def cmd_delete(args: argparse.Namespace) -> int:
    try:
        if args.assessment is not None:
            deleted = services.delete_assessment_by_id(args.assessment)
            what = f"assessment #{args.assessment}"
        else:
            deleted = services.delete_organisation(args.org)
            what = f"organisation '{args.org}' with all its assessments and targets"
    except (AccessDenied, UnknownAssessment, UnknownOrganisation):
        raise _no_such(args) from None
    if not deleted:
        raise _no_such(args)
    if args.json:
        print_json({"deleted": True, "assessment": args.assessment, "organisation": args.org})
    else:
        print(f"Moved {what} into the trash; 'cxmaturity restore' brings it back.")
    return 0


@store_errors
def cmd_restore(args: argparse.Namespace) -> int:
    try:
        if args.assessment is not None:
            org = services.restore_assessment(args.assessment)
            what = f"assessment #{args.assessment} of '{org}'"
        elif args.target is not None:
            org = services.restore_target(args.target)
            what = f"target #{args.target} of '{org}'"
        else:
            services.restore_organisation(args.org)
            what = f"organisation '{args.org}'"
    except (AccessDenied, UnknownAssessment, UnknownOrganisation):
        raise _no_such(args) from None
    if args.json:
        print_json({"restored": True, "assessment": args.assessment, "organisation": args.org, "target": args.target})
    else:
        print(f"Restored {what}.")
    return 0


@store_errors
def cmd_trash(args: argparse.Namespace) -> int:
    items = services.list_trash()
    if args.json:
        print_json([i.to_dict() for i in items])
        return 0
    if not items:
        print("The trash is empty.")
        return 0
    for i in items:
        print(
            f"{i.kind} #{i.id}  {i.organisation}: {i.description}  (deleted {fmt.short_day(i.deleted_at.date())}"
            + (f" by {i.deleted_by}" if i.deleted_by else "")
            + f"; purged after {fmt.short_day(i.purge_after.date())})"
        )
    return 0


@store_errors
def cmd_purge(args: argparse.Namespace) -> int:
    gone = services.purge(args.older_than)
    if args.json:
        print_json(gone)
        return 0
    print(
        f"Purged for good: {len(gone['organisations'])} organisation(s), {len(gone['assessments'])} assessment(s), "
        f"{gone['targets']} target(s), {gone['initiatives']} initiative(s)."
    )
    return 0


@store_errors
def cmd_org_rename(args: argparse.Namespace) -> int:
    try:
        services.rename_organisation(args.old, args.new)
    except (AccessDenied, UnknownOrganisation):
        raise CliError(f"there is no organisation called '{args.old}' you can change") from None
    print(f"Renamed '{args.old}' to '{args.new}'.")
    return 0
