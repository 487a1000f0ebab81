"""The board report (issue 13): a real PDF made from the demo database, read back with pypdf and
rendered with poppler's pdftoppm; its numbers checked against the scoring engine's stored scores."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess

import pytest

from cxmaturity import services
from cxmaturity.models import get_model
from cxmaturity.store import engine as db
from tests.surveys import all_threes as _survey

pypdf = pytest.importorskip("pypdf")
pytest.importorskip("weasyprint")
pytest.importorskip("kaleido")

DEMO = "Demo Company (sample data)"
TODAY = dt.date(2026, 6, 1)


def _text_pages(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    # pypdf may break a line anywhere: compare with runs of whitespace made single spaces
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in reader.pages]


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory, demo_template):
    """The demo's Gartner report, made once for this module, with the scores it must show."""
    from tests.databases import copy_sqlite

    path = tmp_path_factory.mktemp("report") / "demo.db"
    copy_sqlite(demo_template, path)
    url = f"sqlite:///{path}"
    mp = pytest.MonkeyPatch()
    mp.setenv("CXMATURITY_DATABASE_URL", url)
    try:
        from cxmaturity.report import board_report

        waves = services.list_assessments(DEMO, "gartner")
        latest = services.get_scores(DEMO, waves[-1].id)
        previous = services.get_scores(DEMO, waves[-2].id)
        pdf = board_report(DEMO, "gartner", today=TODAY)
        others = [o.name for o in services.list_organisations() if o.name != DEMO]
    finally:
        mp.undo()
        db.dispose_engines()
    return {"pdf": pdf, "pages": _text_pages(pdf), "latest": latest, "previous": previous, "others": others}


def test_the_report_is_a_3_to_6_page_a4_pdf_with_organisation_date_and_page_number_on_every_page(demo_report):
    pdf = demo_report["pdf"]
    assert pdf.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    pages = demo_report["pages"]
    assert 3 <= len(pages) <= 6
    for page in reader.pages:  # A4 is 595 x 842 points
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    for number, text in enumerate(pages, start=1):
        assert DEMO in text, f"page {number} lacks the organisation"
        assert "15 May 2026" in text, f"page {number} lacks the assessment date"
        assert f"Page {number} of {len(pages)}" in text


def test_the_headline_numbers_are_the_scoring_engines(demo_report):
    first = demo_report["pages"][0]
    latest, previous = demo_report["latest"], demo_report["previous"]
    level, name = latest["overall"]["level"], latest["overall"]["level_name"]
    assert f"Level {level} of 5 · {name}" in first
    # the overall change, both ends, to two decimals as the engine stored them
    assert f"{previous['overall']['score']:.2f} → {latest['overall']['score']:.2f}" in first
    assert f"{latest['respondents']} respondents" in first
    # the published benchmark with its source (frameworks.md: 95% at Gartner levels 1-3)
    assert "95% of companies are at levels 1–3" in first
    assert "How mature is your customer experience program?" in first


def test_the_competency_table_shows_every_competency_with_its_engine_score_and_change(demo_report):
    text = " ".join(demo_report["pages"])
    previous = {c["id"]: c["score"] for c in demo_report["previous"]["competencies"]}
    for comp in demo_report["latest"]["competencies"]:
        change = comp["score"] - previous[comp["id"]]
        row = f"{comp['name']} {comp['score']:.2f} {comp['level']} {comp['level_name']} {change:+.2f}"
        assert row.replace("+-", "-") in text, row


def test_the_three_priorities_are_the_three_weakest_competencies_with_their_next_level(demo_report):
    first = demo_report["pages"][0]
    model = get_model("gartner")
    weakest = sorted(demo_report["latest"]["competencies"], key=lambda c: c["score"])[:3]
    for comp in weakest:
        assert f"{comp['name']} — {comp['score']:.2f}, level {comp['level']}" in first
        next_text = model.competency(comp["id"]).descriptors.get(comp["level"] + 1)
        if next_text:  # the first words of the next level's description from the model file
            assert " ".join(next_text.split()[:6]) in first


def test_method_and_sources_cite_the_model_and_say_what_the_project_wrote(demo_report):
    last = demo_report["pages"][-1]
    assert "Method and sources" in last
    assert "Gartner" in last and "Behzadifar" in last  # the model's source document and its author
    assert "fewer than 5 respondents are hidden" in last
    assert "Written by this project, not by the sources" in last


def test_no_other_organisations_name_appears(demo_report):
    text = " ".join(demo_report["pages"])
    assert demo_report["others"], "the demo has peers: the check must have names to look for"
    for name in demo_report["others"]:
        assert name not in text


def test_hidden_departments_are_shown_as_hidden_with_the_reason(demo_report):
    hidden = [g for g in demo_report["latest"]["groups"] if g.get("suppressed")]
    text = " ".join(demo_report["pages"])
    assert hidden, "the demo has a department below the anonymity threshold"
    assert f"{len(hidden)} of {len(demo_report['latest']['groups'])} departments are hidden" in text


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_every_page_renders_to_an_image(demo_report, tmp_path):
    source = tmp_path / "report.pdf"
    source.write_bytes(demo_report["pdf"])
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(source), str(tmp_path / "page")], check=True, timeout=60)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == len(demo_report["pages"])
    assert all(p.stat().st_size > 2_000 for p in images)  # not blank: text and charts drawn


def test_user_text_is_printed_as_text_never_as_markup(engine, db_url, tmp_path, monkeypatch):
    if not db_url.startswith("sqlite"):
        pytest.skip("one database is enough: the report reads through the same services")
    org = '<b>Acme</b> & "Sons" <img src=x>'
    services.import_assessment(_survey(tmp_path), org, "2026-01-15", engine=engine)
    services.add_initiative(org, "gartner", "metrics", "<script>alert(1)</script>", "<i>COO</i>", "2026-03-01", engine=engine)
    monkeypatch.setenv("CXMATURITY_DATABASE_URL", db_url)
    from cxmaturity.report import board_report

    text = " ".join(_text_pages(board_report(org, "gartner", today=TODAY)))
    assert org in text
    assert "<script>alert(1)</script>" in text and "<i>COO</i>" in text
    # a single assessment: no change yet, and the report says so instead of inventing one
    assert "first assessment" in text.lower()


def test_a_report_that_cannot_be_made_says_why(engine, db_url, tmp_path, monkeypatch):
    if not db_url.startswith("sqlite"):
        pytest.skip("one database is enough")
    from cxmaturity.report import ReportError, board_report

    monkeypatch.setenv("CXMATURITY_DATABASE_URL", db_url)
    services.create_organisation("Empty Ltd", engine=engine)
    with pytest.raises(ReportError, match="has no gartner assessment"):
        board_report("Empty Ltd", "gartner")
    with pytest.raises(ReportError, match="not 'xx'"):
        board_report("Empty Ltd", "gartner", lang="xx")


def test_cli_report_writes_the_pdf_and_refuses_a_folder(run_cli, engine, db_url, tmp_path):
    if not db_url.startswith("sqlite"):
        pytest.skip("one database is enough")
    services.import_assessment(_survey(tmp_path), "Acme", "2026-01-15", engine=engine)
    out = tmp_path / "board.pdf"
    result = run_cli("report", "--org", "Acme", "--model", "gartner", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF-")
    assert "Acme" in " ".join(_text_pages(out.read_bytes()))
    refused = run_cli("report", "--org", "Acme", "--model", "gartner", "-o", str(tmp_path))
    assert refused.returncode != 0 and "is a folder" in refused.stderr
    unknown = run_cli("report", "--org", "Nobody", "--model", "gartner", "-o", str(out))
    assert unknown.returncode != 0 and "unknown organisation 'Nobody'" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_a_machine_without_pango_is_told_what_to_install(monkeypatch):
    import ctypes.util

    from cxmaturity.report import ReportError, board_report, missing_requirements

    real = ctypes.util.find_library
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None if name == "pango-1.0" else real(name))
    assert any("apt-get install libpango-1.0-0" in line for line in missing_requirements())
    with pytest.raises(ReportError, match="cannot be made on this machine: it needs the pango library"):
        board_report("Anyone", "gartner")


def test_the_report_file_name_keeps_any_script_and_drops_path_characters():
    from cxmaturity.views.overview import report_file_name

    assert report_file_name("Demo Company (sample data)", dt.date(2026, 5, 15)) == "cx-maturity-Demo-Company-sample-data-2026-05-15.pdf"
    assert report_file_name("شرکت نمونه/../x", dt.date(2026, 1, 2)) == "cx-maturity-شرکت-نمونه-x-2026-01-02.pdf"
    assert report_file_name("***", dt.date(2026, 1, 2)) == "cx-maturity-organisation-2026-01-02.pdf"
