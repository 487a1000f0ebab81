"""Languages: complete catalogs, no interface text around them, the formatter per locale, plural
forms by the catalog, and the language helpers.

Expected values are worked out by hand: 16 February 2026 is 27 Bahman 1404 (1 Farvardin 1404 was
21 March 2025; Farvardin..Mehr have 31 days, Aban..Bahman 30: 1 Bahman 1404 = 21 January 2026).
"""

from __future__ import annotations

import ast
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from cxmaturity import i18n
from cxmaturity.views import format as fmt

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = [code for code in i18n.LANGUAGES if code != i18n.SOURCE_LANGUAGE]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "gettext": None}


def _extracted() -> dict[str | tuple, list[str]]:
    """Every message the code marks, with where it is (as pybabel extract -F babel.cfg finds it)."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found: dict = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.setdefault(message, []).append(f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def extracted():
    return _extracted()


def _catalog(lang: str):
    path = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    assert path.exists(), f"{path} is missing (README: Languages)"
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


def test_the_code_marks_a_real_number_of_messages(extracted):
    # a broken babel.cfg would extract nothing and make every catalog "complete"
    assert len(extracted) > 300
    assert "Overview" in extracted and ("{n} month", "{n} months") in extracted


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_has_a_translation(lang, extracted):
    catalog = _catalog(lang)
    missing, fuzzy = [], []
    for message, where in extracted.items():
        msgid = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(msgid)
        if (
            entry is None
            or not entry.string
            or (isinstance(entry.string, tuple) and not all(entry.string))
        ):
            missing.append(f"{msgid!r} ({where[0]})")
        elif entry.fuzzy:
            fuzzy.append(f"{msgid!r} ({where[0]})")
    assert not missing, (
        f"{lang}: {len(missing)} messages without a translation, e.g.\n" + "\n".join(missing[:15])
    )
    assert not fuzzy, f"{lang}: {len(fuzzy)} fuzzy (unchecked) translations, e.g.\n" + "\n".join(
        fuzzy[:15]
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_every_placeholder(lang, extracted):
    catalog = _catalog(lang)
    bad = []
    for message in extracted:
        ids = message if isinstance(message, tuple) else (message,)
        entry = catalog.get(ids[0])
        if entry is None or not entry.string:
            continue
        wanted = set(re.findall(r"\{(\w+)\}", " ".join(ids)))
        for text in entry.string if isinstance(entry.string, tuple) else (entry.string,):
            got = set(re.findall(r"\{(\w+)\}", text))
            # a plural form may leave {n} implicit only where the language says "one" with a word
            if got != wanted and not (got == wanted - {"n"} and isinstance(message, tuple)):
                bad.append(f"{ids[0]!r}: {sorted(got)} instead of {sorted(wanted)}")
    assert not bad, f"{lang}: placeholders changed:\n" + "\n".join(bad[:15])


# --- no interface text around the catalog --------------------------------------------------

# Streamlit calls whose first argument (or label/help/text/placeholder) is text a person reads
TEXT_CALLS = {
    "title",
    "header",
    "subheader",
    "markdown",
    "caption",
    "write",
    "text",
    "info",
    "warning",
    "error",
    "success",
    "toast",
    "button",
    "download_button",
    "form_submit_button",
    "link_button",
    "selectbox",
    "multiselect",
    "radio",
    "text_input",
    "text_area",
    "number_input",
    "date_input",
    "checkbox",
    "toggle",
    "expander",
    "metric",
    "page_link",
    "file_uploader",
    "spinner",
    "popover",
    "tabs",
    "Page",
    "dialog",
    "segmented_control",
    "pills",
    "slider",
    "select_slider",
    "status",
}
TEXT_KEYWORDS = {"label", "help", "text", "placeholder", "title"}
PATH_FIRST = {"Page", "page_link"}  # their first argument is a page file, not text
UI_FILES = [ROOT / "app.py", ROOT / "ui.py", *sorted((ROOT / "pages").glob("*.py"))]


def _is_bare_text(node: ast.AST) -> bool:
    """A literal (or f-string) with words in it, not passed through _()."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(re.search(r"[A-Za-z]{2,}", re.sub(r":material/\w+:", "", node.value)))
    if isinstance(node, ast.JoinedStr):
        return any(_is_bare_text(v) for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp):  # "**" + _("x") + "**": look at both sides
        return _is_bare_text(node.left) or _is_bare_text(node.right)
    return False


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: p.name)
def test_no_interface_text_bypasses_the_catalog(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bare = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = (
            node.func.attr
            if isinstance(node.func, ast.Attribute)
            else getattr(node.func, "id", None)
        )
        if name not in TEXT_CALLS:
            continue
        first = [] if name in PATH_FIRST else node.args[:1]
        candidates = first + [k.value for k in node.keywords if k.arg in TEXT_KEYWORDS]
        bare += [
            f"{path.name}:{node.lineno} {name}(...)" for arg in candidates if _is_bare_text(arg)
        ]
    assert not bare, "interface text outside the catalog (wrap it in _()):\n" + "\n".join(bare)


# The messages people read that the domain writes: survey problems and warnings, and the errors
# of the store and the services (the Upload, Manage, Plan and Survey waves pages show them).
MESSAGE_FILES = sorted(
    p
    for folder in ("survey", "services", "store")
    for p in (ROOT / "cxmaturity" / folder).glob("*.py")
)


def _bare_messages(tree: ast.AST, name: str) -> list[str]:
    bare = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            args = node.exc.args[:1]
            where = "raise"
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Problem":
            args = node.args[2:3] + [k.value for k in node.keywords if k.arg == "message"]
            where = "Problem"
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "append"
            and getattr(node.func.value, "id", None) == "warnings"
        ):
            args = node.args[:1]
            where = "warning"
        else:
            continue
        bare += [f"{name}:{node.lineno} {where}" for arg in args if _is_bare_text(arg)]
    return bare


@pytest.mark.parametrize("path", MESSAGE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_domain_message_bypasses_the_catalog(path):
    """A problem, warning or error written as a bare literal would stay English in every language."""
    bare = _bare_messages(ast.parse(path.read_text(encoding="utf-8")), path.name)
    assert not bare, "messages outside the catalog (wrap them in _()):\n" + "\n".join(bare)


def test_the_domain_message_check_sees_bare_messages():
    source = (
        "def f(x, problems, warnings):\n"
        "    problems.append(Problem(None, None, f'row {x} is bad'))\n"
        "    warnings.append('two sheets')\n"
        "    raise InvalidInput(f'no wave #{x}')\n"
        "    raise InvalidInput(_('no wave #{x}').format(x=x))\n"
    )
    assert sorted(_bare_messages(ast.parse(source), "f.py")) == ["f.py:2 Problem", "f.py:3 warning", "f.py:4 raise"]


def _functions(tree: ast.AST):
    return [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.Module)
    ]


SCOPES = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.Lambda,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)


def _own_nodes(func: ast.AST):
    """The nodes of a function's own scope (not of the functions and comprehensions inside it)."""
    stack = [n for n in func.body if not isinstance(n, SCOPES)]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(c for c in ast.iter_child_nodes(node) if not isinstance(c, SCOPES))


@pytest.mark.parametrize(
    "path",
    [*UI_FILES, *sorted((ROOT / "cxmaturity").rglob("*.py"))],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_function_hides_the_translation_function(path):
    """`answers, _ = ...` in a function that also calls _() makes _ a local: the call fails."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for func in _functions(tree):
        own = list(_own_nodes(func))
        assigns = any(
            isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store) for n in own
        )
        # a call anywhere inside (comprehensions and inner functions see this scope's _)
        calls = any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "_"
            for n in ast.walk(func)
        )
        assert not (assigns and calls), (
            f"{path.name}: {getattr(func, 'name', 'module')} assigns _ and calls _()"
        )


# --- the formatter per language -----------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "number", "signed", "percent"),
    [
        ("en", "2.71", "+0.21", "10%"),
        ("fa", "۲٫۷۱", "+۰٫۲۱", "۱۰٪"),
        ("tr", "2,71", "+0,21", "%10"),
        ("ru", "2,71", "+0,21", "10\xa0%"),
    ],
)
def test_numbers_are_written_the_languages_way(lang, number, signed, percent):
    with i18n.language(lang):
        assert fmt.number(2.714) == number
        assert fmt.number(0.21, signed=True) == signed
        assert fmt.percent(0.10) == percent
        assert fmt.number(None) == fmt.MISSING


def test_persian_dates_are_solar_hijri_with_the_gregorian_beside_them():
    day = dt.date(2026, 2, 16)
    with i18n.language("fa"):
        assert fmt.short_day(day) == "۲۷ بهمن ۱۴۰۴"
        long = fmt.day(day)
        assert (
            long.startswith("۲۷ بهمن ۱۴۰۴") and "۲۰۲۶" in long and "۱۶" in long
        )  # Gregorian in brackets
        assert (
            fmt.month_long(dt.date(2025, 3, 21)) == "فروردین ۱۴۰۴"
        )  # Nowruz: the year's first day
    with i18n.language("en"):
        assert fmt.day(day) == "16 February 2026"  # English exactly as before the languages came
    with i18n.language("ru"):
        assert fmt.day(day) == "16 февраля 2026"
    with i18n.language("tr"):
        assert fmt.day(day) == "16 Şubat 2026"


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, "1 месяц"), (2, "2 месяца"), (5, "5 месяцев"), (21, "21 месяц"), (24, "24 месяца")],
)
def test_russian_plurals_come_from_the_catalog(n, expected):
    with i18n.language("ru"):
        assert i18n.ngettext("{n} month", "{n} months", n).format(n=n) == expected


def test_language_codes_from_browsers_and_addresses():
    assert (
        i18n.supported("fa-IR") == "fa"
        and i18n.supported("tr_TR") == "tr"
        and i18n.supported("RU") == "ru"
    )
    assert (
        i18n.supported("de-DE") is None
        and i18n.supported("") is None
        and i18n.supported(None) is None
    )
    assert i18n.direction("fa") == "rtl" and i18n.direction("ru") == "ltr"


def test_isolation_only_in_right_to_left_text():
    with i18n.language("fa"):
        assert i18n.isolate("Acme (UK)") == "\u2068Acme (UK)\u2069"
    with i18n.language("tr"):
        assert i18n.isolate("Acme (UK)") == "Acme (UK)"


def test_a_language_is_used_for_a_block_and_restored_after():
    i18n.set_language("en")
    with i18n.language("ru"):
        assert i18n.current() == "ru"
    assert i18n.current() == "en"


def test_a_catalog_compiles_in_memory_when_there_is_no_mo(tmp_path, monkeypatch):
    folder = tmp_path / "fa" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Overview"\nmsgstr "نمای کلی"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.reload_catalogs()
    try:
        with i18n.language("fa"):
            assert i18n._("Overview") == "نمای کلی"
            assert i18n._("Not in the catalog") == "Not in the catalog"
    finally:
        monkeypatch.undo()
        i18n.reload_catalogs()


def test_compiled_catalogs_match_their_po(tmp_path):
    """What `pybabel compile` writes reads back as the .po says (the app uses either)."""
    from babel.messages.mofile import read_mo, write_mo

    for lang in LANGUAGES:
        catalog = _catalog(lang)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        back = read_mo(buffer)
        translated = [m for m in catalog if m.id and m.string and not m.fuzzy]
        assert translated, f"{lang}: nothing translated"
        for message in translated:
            got = back.get(message.id).string
            # plural translations come back from a .mo as a list, from a .po as a tuple
            assert (tuple(got) if isinstance(got, list) else got) == message.string


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogs_pass_babels_own_checks(lang):
    """What `pybabel compile` checks (the README's and CI's test command runs it first): a msgid
    that looks like %-formatting ("95% confidence" reads as '% c') would fail it in every language."""
    problems = [f"{m.id!r}: {errors}" for m, errors in _catalog(lang).check()]
    assert not problems, "\n".join(problems[:10])


@pytest.mark.parametrize(
    "path", [*UI_FILES, *sorted((ROOT / "cxmaturity").rglob("*.py"))], ids=lambda p: str(p.relative_to(ROOT))
)
def test_no_translation_call_hides_inside_an_f_string(path):
    """pybabel does not look inside f-strings: f"{_('Original')}" would never reach the catalog."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hidden = [
        f"{path.name}:{call.lineno}"
        for joined in ast.walk(tree)
        if isinstance(joined, ast.JoinedStr)
        for call in ast.walk(joined)
        if isinstance(call, ast.Call) and getattr(call.func, "id", None) in ("_", "ngettext", "N_")
        # a literal is what extraction would need to see; a marked constant is extracted where marked
        and call.args and isinstance(call.args[0], ast.Constant)
    ]
    assert not hidden, "translation calls inside f-strings (not extracted): " + ", ".join(hidden)
