"""``cxmaturity report``: the board report as a PDF file, the same document as the Overview's button."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from cxmaturity.cli.common import CliError, resolve_model
from cxmaturity.cli.database import store_errors


@store_errors
def cmd_report(args: argparse.Namespace) -> int:
    model = resolve_model(args.model)
    target = Path(args.output)
    if target.is_dir():
        raise CliError(f"-o: '{target}' is a folder; give a file name such as report.pdf")
    if not target.parent.exists():
        raise CliError(f"-o: the folder '{target.parent}' does not exist")
    # the report module loads WeasyPrint and kaleido: only this command pays for them
    from cxmaturity.report import board_report

    pdf = board_report(args.org, model.id, args.assessment, args.lang)
    # written whole or not at all: a half-written PDF never replaces a good one
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(pdf)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    print(f"Wrote {target} ({len(pdf) // 1024} KB).")
    return 0
