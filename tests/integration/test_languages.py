"""Every page in Persian, Turkish and Russian (AppTest on the demo database): no exception, and no
English left in headings and labels. A language chosen once stays for the session and in the
address; the browser's language is the default."""

from __future__ import annotations

import re

import pytest
import yaml
from babel.messages.pofile import read_po
from streamlit.testing.v1 import AppTest
from test_pages import (  # noqa: F401  (fixtures: the demo database and Streamlit's isolation)
    ALL_PAGES,
    APP,
    DEMO_ORG,
    _streamlit_isolation,
    assert_no_exception,
    broken_csv,
    demo_db,
)

import ui
from cxmaturity import i18n

LANGUAGES = ("fa", "tr", "ru")
# words that stay Latin in every language: names of organisations, models and file formats
LATIN_NAMES = {"Gartner", "Forrester", "Temkin", "CX", "CXM", "PDF", "CSV", "XLSX", "Excel", "Demo", "Company",
               "sample", "data", "NPS", "CSAT", "CES", "ROI", "Google", "Forms", "Qualtrics", "SurveyMonkey", "Kobo"}


def _catalog(lang: str):
    with (i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def _english_segments(lang: str) -> set[str]:
    """Pieces of English interface text long enough to mean 'untranslated' when seen on a page:
    each msgid cut at its placeholders, only where the translation is not the same text."""
    segments = set()
    for message in _catalog(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if any(s == i for s in strings for i in ids):
            continue  # the same in this language (a name, an abbreviation)
        for text in ids:
            for part in re.split(r"\{\w+\}|[*_#`]", text):
                part = part.strip(" .,:;—–-·()")
                if len(part) >= 10 and len(part.split()) >= 2:
                    segments.add(part)
    return segments


def headings_and_labels(at: AppTest) -> list[str]:
    texts = [e.value for e in (*at.title, *at.header, *at.subheader)]
    texts += [m.value for m in at.markdown if m.value.lstrip().startswith("#")]
    for kind in ("button", "selectbox", "radio", "text_input", "text_area", "number_input", "date_input",
                 "checkbox", "multiselect", "toggle"):
        texts += [w.label for w in getattr(at, kind)]
    texts += [e.label for e in at.expander] + [m.label for m in at.metric] + [t.label for t in at.tabs]
    return [t for t in texts if t]


def open_in(lang: str, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert_no_exception(at)
    if page is not None:
        at.switch_page(page).run()
        assert_no_exception(at)
    return at


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", ALL_PAGES)
@pytest.mark.usefixtures("demo_db")
def test_every_page_renders_in_every_language_without_english_headings_or_labels(lang, page):
    at = open_in(lang, page)
    # data is never translated: the organisation's name (escaped or not) is taken out first
    shown = [t.replace(ui.md(DEMO_ORG), "").replace(DEMO_ORG, "") for t in headings_and_labels(at)]
    assert shown, "the page showed no heading or label at all"
    english = _english_segments(lang)
    left = sorted({f"{text!r} has {seg!r}" for text in shown for seg in english if seg in text})
    assert not left, f"{lang} {page}: English left:\n" + "\n".join(left[:10])
    if lang in ("fa", "ru"):  # another script: any Latin word that is not a name is English left
        latin = sorted({w for text in shown for w in re.findall(r"[A-Za-z]{4,}", text) if w not in LATIN_NAMES})
        assert not latin, f"{lang} {page}: Latin words in headings/labels: {latin[:15]}"


@pytest.mark.usefixtures("demo_db")
def test_the_language_stays_for_the_session_and_in_the_address():
    at = open_in("ru")
    assert at.query_params["lang"] == ["ru"] or at.query_params["lang"] == "ru"
    del at.query_params["lang"]  # a page switch may drop the parameter: the session keeps the choice
    at.switch_page("pages/progress.py").run()
    assert_no_exception(at)
    assert i18n.LANGUAGES["ru"] in [o for s in at.sidebar.selectbox for o in s.options]
    assert any("Прогресс" in t.value or "прогресс" in t.value.lower() for t in at.title), [t.value for t in at.title]


@pytest.mark.usefixtures("demo_db")
def test_the_picker_switches_the_language():
    at = open_in("en")
    picker = next(s for s in at.sidebar.selectbox if s.label == "Language")
    picker.set_value("tr").run()
    assert_no_exception(at)
    labels = [s.label for s in at.sidebar.selectbox]
    assert "Dil" in labels and "Language" not in labels
    assert DEMO_ORG in [o for s in at.sidebar.selectbox for o in s.options]  # data is never translated


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.usefixtures("demo_db")
def test_the_readers_problems_come_in_the_language(lang, broken_csv):  # noqa: F811 (a fixture)
    """What the survey reader says about a bad file is in the page's language: the sentence, the
    scale's labels (from the language's model file) and, in Persian, the digits."""
    data = broken_csv({(4, "metrics_level"): "7", (9, "vision_level"): "9"})
    at = open_in(lang, "pages/upload.py")
    # AppTest formats the select boxes' options again in this thread: in the page's language
    with i18n.language(lang):
        at.file_uploader(key="upload_file_0").set_value(("broken.csv", data, "text/csv")).run()
    assert_no_exception(at)
    problems = at.table[0].value  # row, column, problem (the headers are translated too)
    rows, columns, messages = (problems.iloc[:, i].tolist() for i in range(3))
    assert rows == (["۴", "۹"] if lang == "fa" else ["4", "9"])  # file lines, in the language's digits
    assert columns == ["metrics_level", "vision_level"]  # names of the file's columns
    model_file = i18n.LOCALE_DIR.parent.parent / "data" / "translations" / lang / "gartner.yaml"
    labels = yaml.safe_load(model_file.read_text(encoding="utf-8"))["texts"]
    first, last = labels["scale.labels.1"]["text"], labels["scale.labels.5"]["text"]
    english = _english_segments(lang)
    for message in messages:
        assert first in message and last in message, message
        assert not [seg for seg in english if seg in message], message
        if lang == "fa":
            assert "1" not in message and "۱" in message and "۵" in message, message
        if lang in ("fa", "ru"):
            assert not re.findall(r"[A-Za-z]{4,}", message), message
    assert "7" in messages[0] and "9" in messages[1]  # the answers as the file has them
