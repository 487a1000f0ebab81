"""`cxmaturity translations LANG`: start or refresh a language's model, benchmark and recommendation
files (data/translations/LANG/*.yaml) with every key and its current English; translations already
made are kept, so a changed English text shows up as a key whose `en` no longer matches."""

from __future__ import annotations

import yaml

from cxmaturity import i18n, translations
from cxmaturity.benchmarks import load_benchmarks
from cxmaturity.cli.common import CliError
from cxmaturity.models import load_models
from cxmaturity.recommendations import load_recommendations


def benchmark_texts() -> dict[str, str]:
    out: dict[str, str] = {}
    for b in load_benchmarks():
        for field in ("measures", "source_text", "display", "attribution_note"):
            value = getattr(b, field)
            if value:
                out[f"{b.id}.{field}"] = value
    return out


def recommendation_texts() -> dict[str, str]:
    out: dict[str, str] = {}
    for r in load_recommendations():
        out[f"{r.id}.topic"] = r.topic
        out[f"{r.id}.text"] = r.text
    return out


def cmd_translations(args) -> int:
    lang = i18n.supported(args.lang)
    if lang is None or lang == i18n.SOURCE_LANGUAGE:
        raise CliError(
            f"unknown language '{args.lang}' (one of: {', '.join(c for c in i18n.LANGUAGES if c != 'en')})"
        )
    folder = translations.TRANSLATIONS_DIR / lang
    folder.mkdir(parents=True, exist_ok=True)
    files = {m.id: translations.template(m, lang) for m in load_models().values()}
    for name, english in (("benchmarks", benchmark_texts()), ("recommendations", recommendation_texts())):
        files[name] = {"file": name, "language": lang, "texts": translations.skeleton(name, english, lang)}
    for name, data in files.items():
        text = yaml.dump(data, allow_unicode=True, sort_keys=False, width=100)
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
        print(f"{folder / f'{name}.yaml'}: {len(data['texts'])} texts")
    return 0
