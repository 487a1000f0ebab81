"""The board pack: an A4 PDF of one assessment, built from the same views the pages show
(``cxmaturity.views``), so a page and its report never disagree. HTML from a Jinja2 template
(user text always escaped), charts as PNG at 2x through kaleido, PDF by WeasyPrint."""

from cxmaturity.report.builder import (
    REPORT_LANGUAGES,
    ReportError,
    board_report,
    missing_requirements,
    report_content,
)

__all__ = ["REPORT_LANGUAGES", "ReportError", "board_report", "missing_requirements", "report_content"]
