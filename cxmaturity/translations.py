"""The models' texts in Persian, Turkish and Russian, each with where it comes from.

The model files (data/models/*.yaml) hold the English reference text. A language's texts live in
``data/translations/<lang>/<model_id>.yaml``::

    texts:
      levels.1.name:
        en: Initial                  # the English it stands for (a test flags it when that changes)
        text: ابتدایی
        origin: source 000           # verbatim from shared/seeds/000_*.txt  -- or: translation

``origin: source NNN`` means the text is the source document's own words (a test finds it there);
``translation`` means this project translated the English reference, and the interface marks it so.
A text without a translation stays English (and the completeness test fails).

Keys: ``name``, ``description``, ``scale.labels.N``, ``levels.N.name``, ``levels.N.description``,
``levels.N.practices.I``, ``competencies.ID.name``, ``competencies.ID.description``,
``competencies.ID.guiding_question``, ``competencies.ID.descriptors.N``, ``items.ITEM.text``,
``items.ITEM.note``, ``notes`` (the analyst's notes on the source).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from cxmaturity import i18n
from cxmaturity.models import MaturityModel, read_yaml

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "data" / "translations"
TRANSLATION = "translation"
SOURCE_ORIGIN = re.compile(r"^source (\d{3})$")


@dataclass(frozen=True)
class TranslatedText:
    key: str
    en: str
    text: str
    origin: str  # "source NNN" or "translation"

    @property
    def is_translation(self) -> bool:
        return self.origin == TRANSLATION

    @property
    def source_document(self) -> str | None:
        match = SOURCE_ORIGIN.match(self.origin)
        return match.group(1) if match else None


def model_texts(model: MaturityModel) -> dict[str, str]:
    """Every translatable text of a model, by key, in English (the reference)."""
    texts: dict[str, str] = {"name": model.name}
    if model.description:
        texts["description"] = model.description
    for value, label in model.scale.labels.items():
        texts[f"scale.labels.{value}"] = label
    for level in model.levels:
        texts[f"levels.{level.number}.name"] = level.name
        texts[f"levels.{level.number}.description"] = level.description
        for i, practice in enumerate(level.practices):
            texts[f"levels.{level.number}.practices.{i}"] = practice
    for c in model.competencies:
        texts[f"competencies.{c.id}.name"] = c.name
        texts[f"competencies.{c.id}.description"] = c.description
        if c.guiding_question:
            texts[f"competencies.{c.id}.guiding_question"] = c.guiding_question
        for number, text in c.descriptors.items():
            texts[f"competencies.{c.id}.descriptors.{number}"] = text
        for item in c.items:
            texts[f"items.{item.id}.text"] = item.text
            if item.note:
                texts[f"items.{item.id}.note"] = item.note
    if model.notes:
        texts["notes"] = model.notes
    return texts


def _file(lang: str, name: str) -> Path:
    return TRANSLATIONS_DIR / lang / f"{name}.yaml"


@functools.lru_cache(maxsize=64)
def _read(path: Path, mtime: float) -> dict[str, TranslatedText]:
    data = read_yaml(path.read_text(encoding="utf-8")) or {}
    out: dict[str, TranslatedText] = {}
    for key, entry in (data.get("texts") or {}).items():
        if isinstance(entry, dict) and entry.get("text"):
            out[str(key)] = TranslatedText(
                str(key),
                str(entry.get("en", "")),
                str(entry["text"]).strip(),
                str(entry.get("origin", TRANSLATION)),
            )
    return out


def texts(lang: str, name: str) -> dict[str, TranslatedText]:
    """The translated texts of one file (a model id, 'benchmarks' or 'recommendations')."""
    path = _file(lang, name)
    if lang == i18n.SOURCE_LANGUAGE or not path.exists():
        return {}
    return _read(path, path.stat().st_mtime)


def translated(lang: str | None, name: str, key: str, english: str) -> str:
    """One text in a language, or the English when it has no translation there."""
    lang = lang or i18n.current()
    entry = texts(lang, name).get(key)
    return entry.text if entry else english


def origin(lang: str | None, name: str, key: str) -> TranslatedText | None:
    lang = lang or i18n.current()
    return texts(lang, name).get(key)


def is_translation(name: str, key: str, lang: str | None = None) -> bool:
    """True when the text shown in this language is the project's translation (mark it so)."""
    entry = origin(lang, name, key)
    return entry is not None and entry.is_translation


def localised(model: MaturityModel, lang: str | None = None) -> MaturityModel:
    """The model with every text in the language (English where a text has no translation)."""
    lang = lang or i18n.current()
    if lang == i18n.SOURCE_LANGUAGE:
        return model
    table = texts(lang, model.id)
    if not table:
        return model
    key = (id(model), lang, id(table))  # a changed file is a new table object: a new entry
    cached = _LOCALISED.get(key)
    if cached is None or cached[0] is not model:
        if len(_LOCALISED) > 256:
            _LOCALISED.clear()
        cached = _LOCALISED[key] = (model, _localised(model, lang))
    return cached[1]


_LOCALISED: dict[tuple, tuple[MaturityModel, MaturityModel]] = {}


def _localised(model: MaturityModel, lang: str) -> MaturityModel:
    def t(key: str, english: str | None) -> str | None:
        if english is None:
            return None
        return translated(lang, model.id, key, english)

    levels = [
        level.model_copy(
            update={
                "name": t(f"levels.{level.number}.name", level.name),
                "description": t(f"levels.{level.number}.description", level.description),
                "practices": [
                    t(f"levels.{level.number}.practices.{i}", p)
                    for i, p in enumerate(level.practices)
                ],
            }
        )
        for level in model.levels
    ]
    competencies = [
        c.model_copy(
            update={
                "name": t(f"competencies.{c.id}.name", c.name),
                "description": t(f"competencies.{c.id}.description", c.description),
                "guiding_question": t(f"competencies.{c.id}.guiding_question", c.guiding_question),
                "descriptors": {
                    n: t(f"competencies.{c.id}.descriptors.{n}", d)
                    for n, d in c.descriptors.items()
                },
                "items": [
                    i.model_copy(
                        update={"text": t(f"items.{i.id}.text", i.text), "note": t(f"items.{i.id}.note", i.note)}
                    )
                    for i in c.items
                ],
            }
        )
        for c in model.competencies
    ]
    scale = model.scale.model_copy(
        update={"labels": {v: t(f"scale.labels.{v}", lbl) for v, lbl in model.scale.labels.items()}}
    )
    return model.model_copy(
        update={
            "name": t("name", model.name),
            "description": t("description", model.description),
            "notes": t("notes", model.notes),
            "scale": scale,
            "levels": levels,
            "competencies": competencies,
        }
    )


def competency_name(model_id: str, competency_id: str, english: str) -> str:
    return translated(None, model_id, f"competencies.{competency_id}.name", english)


def level_name(model_id: str, number: int | None, english: str | None) -> str | None:
    if number is None or english is None:
        return english
    return translated(None, model_id, f"levels.{number}.name", english)


def skeleton(name: str, english: dict[str, str], lang: str) -> dict:
    """The texts of a language's file: every key with its current English, the translation made so
    far kept (used to start or refresh a translation: ``cxmaturity translations LANG``)."""
    existing = texts(lang, name)
    out = {}
    for key, value in english.items():
        old = existing.get(key)
        out[key] = {"en": value, "text": old.text if old else "", "origin": old.origin if old else TRANSLATION}
    return out


def template(model: MaturityModel, lang: str) -> dict:
    """A model's file for a language (see ``skeleton``)."""
    return {"model": model.id, "language": lang, "texts": skeleton(model.id, model_texts(model), lang)}


def in_every_language(model_id: str, key: str, english: str) -> list[str]:
    """A text in English and in every language it is translated into (reading files: a header or an
    answer label in any of the languages means the same item or value)."""
    out = [english]
    for lang in i18n.LANGUAGES:
        entry = texts(lang, model_id).get(key) if lang != i18n.SOURCE_LANGUAGE else None
        if entry and entry.text not in out:
            out.append(entry.text)
    return out
