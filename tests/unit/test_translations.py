"""The models', benchmarks' and recommendations' texts in Persian, Turkish and Russian: complete,
current with the English they translate, and where a text claims to be the source's own words,
found verbatim in that source document."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from cxmaturity import translations
from cxmaturity.cli.translations import benchmark_texts, recommendation_texts
from cxmaturity.models import load_models

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
LANGUAGES = ("fa", "tr", "ru")
FILES = [*sorted(load_models()), "benchmarks", "recommendations"]


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u200c", " ")).strip()


def _seed(number: str) -> str:
    (path,) = SEEDS.glob(f"{number}_*.txt")
    return _collapse(path.read_text(encoding="utf-8"))


def _english(name: str) -> dict[str, str]:
    if name == "benchmarks":
        return benchmark_texts()
    if name == "recommendations":
        return recommendation_texts()
    return translations.model_texts(load_models()[name])


def _entries(lang: str, name: str) -> dict:
    path = translations.TRANSLATIONS_DIR / lang / f"{name}.yaml"
    assert path.exists(), f"{path} is missing (make it with: cxmaturity translations {lang})"
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("texts") or {}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", FILES)
def test_every_text_is_translated_from_the_current_english(lang, name):
    english = _english(name)
    entries = _entries(lang, name)
    missing = [k for k in english if not (entries.get(k) or {}).get("text")]
    stale = [k for k in english if k in entries and _collapse(str(entries[k].get("en", ""))) != _collapse(english[k])]
    unknown = [k for k in entries if k not in english]
    assert not missing, f"{lang}/{name}: {len(missing)} texts without a translation, e.g. {missing[:5]}"
    assert not stale, f"{lang}/{name}: the English changed since these were translated: {stale[:5]}"
    assert not unknown, f"{lang}/{name}: keys the English no longer has: {unknown[:5]}"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", FILES)
def test_a_text_given_as_the_sources_own_words_is_in_that_source(lang, name):
    if not SEEDS.exists():
        pytest.skip("the source documents are not beside the project")
    for key, entry in _entries(lang, name).items():
        origin = str(entry.get("origin", ""))
        assert origin == translations.TRANSLATION or translations.SOURCE_ORIGIN.match(origin), (
            f"{lang}/{name} {key}: origin must be 'translation' or 'source NNN', not {origin!r}"
        )
        match = translations.SOURCE_ORIGIN.match(origin)
        if match and entry.get("text"):
            assert _collapse(str(entry["text"])) in _seed(match.group(1)), (
                f"{lang}/{name} {key}: said to be source {match.group(1)}'s own words but not found there"
            )
