"""Benchmarks: the YAML, its validation, and the statements built from it.

The expected statement texts below were worked out by hand from frameworks.md §1(b) and §1(c):
Gartner 1% at level 5, 4% at level 4, 95% in levels 1–3; Temkin 10% in stages 5–6, 70% in
stages 1–3. Nothing is stated about a single Gartner level 1–3 or about Temkin stage 4.
"""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path

import pytest
import yaml

from cxmaturity.benchmarks import (
    BENCHMARKS_FILE,
    Benchmark,
    BenchmarkFileError,
    BenchmarkStatement,
    benchmark_statements,
    benchmarks_for_model,
    figure_display,
    level_distribution,
    load_benchmarks,
    parse_benchmarks,
)
from cxmaturity.models import DATA_DIR

SEED_FILES = {
    "000_75926a742b302770.txt",
    "001_d6d083cf62590651.txt",
    "002_0ff33ef738c524f2.txt",
    "003_13cda68ffa918f34.txt",
    "004_54c6ee1b2e26fac7.txt",
}


@pytest.fixture(scope="module")
def benchmarks() -> list[Benchmark]:
    return load_benchmarks()


def _raw() -> dict:
    return yaml.safe_load(BENCHMARKS_FILE.read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "benchmarks.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --- the file ----------------------------------------------------------------------------


def test_default_file_is_data_benchmarks_yaml():
    assert BENCHMARKS_FILE == DATA_DIR / "benchmarks.yaml"


def test_yaml_loads(benchmarks):
    assert len(benchmarks) >= 18
    assert len({b.id for b in benchmarks}) == len(benchmarks)
    kinds = {b.kind for b in benchmarks}
    assert kinds == {"level_distribution", "programme_statistic"}


def test_every_source_document_is_a_known_seed_file(benchmarks):
    for b in benchmarks:
        assert b.source_document in SEED_FILES, b.id
        assert b.publisher.strip(), b.id
        assert b.source_text.strip(), b.id
        assert b.organisation.strip(), b.id


def test_unattributed_figures_say_so(benchmarks):
    for b in benchmarks:
        if b.organisation == "unattributed":
            assert b.attribution_note, b.id


def test_published_level_distributions_exactly(benchmarks):
    got = {
        (b.model, b.levels, b.value, b.comparator)
        for b in benchmarks
        if b.kind == "level_distribution"
    }
    assert got == {
        ("gartner", (5,), 0.01, "="),
        ("gartner", (4,), 0.04, "="),
        ("gartner", (1, 2, 3), 0.95, "="),
        ("temkin", (5, 6), 0.10, "="),
        ("temkin", (1, 2, 3), 0.70, "="),
    }
    for b in benchmarks:
        if b.kind == "level_distribution":
            assert b.source_document == "000_75926a742b302770.txt"
            assert b.publisher == "Rah-e Pardakht (Behnam Behzadifar)"


def test_no_figure_for_a_single_gartner_level_below_4_or_temkin_stage_4(benchmarks):
    for b in benchmarks:
        if b.model == "gartner" and b.kind == "level_distribution":
            assert b.level_set not in ({1}, {2}, {3}, {1, 2}, {2, 3})
        if b.model == "temkin" and b.kind == "level_distribution":
            assert 4 not in b.level_set


def test_level_distribution_of_a_model_never_exceeds_100_percent_over_disjoint_levels(benchmarks):
    models = {b.model for b in benchmarks if b.kind == "level_distribution"}
    assert {"gartner", "temkin"} <= models
    for model_id in models:
        figs = level_distribution(model_id, benchmarks)
        for r in range(1, len(figs) + 1):
            for group in combinations(figs, r):
                sets = [f.level_set for f in group]
                disjoint = all(not (a & b) for a, b in combinations(sets, 2))
                if disjoint:
                    assert sum(f.value for f in group) <= 1 + 1e-9, [f.id for f in group]


def test_programme_statistics(benchmarks):
    by_id = {b.id: b for b in benchmarks}
    stats = [b for b in benchmarks if b.kind == "programme_statistic"]
    assert all(b.levels is None for b in stats)
    shown = {figure_display(b) for b in stats}
    for expected in (
        "fewer than 1 in 5",
        "84%",
        "~90%",
        "79% vs 49%",
        "39%",
        "72%",
        "55%",
        ">90%",
        "60% higher",
        "53%",
        "45%",
        "90%",
        "half",
    ):
        assert expected in shown
    assert by_id["suitable_cx_program"].model == "forrester"
    assert by_id["suitable_cx_program"].comparator == "<"
    assert by_id["suitable_cx_program"].value == 0.2
    assert by_id["aspire_cx_leaders"].model == "forrester"
    for key in ("suitable_cx_program", "aspire_cx_leaders"):
        assert by_id[key].organisation == "unattributed"
        assert "Forrester section" in by_id[key].attribution_note
    assert by_id["expect_compete_on_cx"].organisation == "Gartner"
    assert by_id["expect_compete_on_cx"].comparator == "~"
    assert by_id["no_regular_feedback"].organisation == "Forrester"
    assert by_id["no_regular_feedback"].year == 2016
    assert by_id["organisational_silos"].organisation == "Lumoa"
    assert by_id["unaware_hr_impact"].comparator == ">"
    assert by_id["engagement_higher_at_cx_leaders"].unit == "relative_increase"
    for key in ("hbr_competitive_advantage", "hbr_top_strategic_imperative"):
        assert by_id[key].sample_size == 400
        assert by_id[key].sample_size_comparator == ">"
        assert by_id[key].organisation == "Harvard Business Review"
    for key in ("cx_strategic_mandate", "cx_budget_identified"):
        assert by_id[key].year == 2015
        assert by_id[key].organisation == "People Metrics"
    years = {b.year for b in benchmarks}
    assert years <= {2015, 2016, None}
    assert {b.sample_size for b in benchmarks} <= {400, None}


def test_benchmarks_for_model(benchmarks):
    ids = {b.id for b in benchmarks_for_model("forrester", benchmarks)}
    assert ids == {"suitable_cx_program", "aspire_cx_leaders"}
    gartner = {b.id for b in benchmarks_for_model("gartner")}
    assert {
        "gartner_level_5",
        "gartner_level_4",
        "gartner_levels_1_3",
        "expect_compete_on_cx",
    } <= gartner
    assert [b.levels for b in level_distribution("gartner")] == [(1, 2, 3), (4,), (5,)]
    assert benchmarks_for_model("no_such_model") == []


def test_figures_fit_the_model_files_when_present(benchmarks):
    """Cross-check against data/models/<id>.yaml (maintained elsewhere; skipped if absent)."""
    from cxmaturity.models import MODELS_DIR, ModelFileError, load_model

    checked = 0
    for model_id in {b.model for b in benchmarks if b.kind == "level_distribution"}:
        path = MODELS_DIR / f"{model_id}.yaml"
        if not path.exists():
            continue
        try:
            model = load_model(path)
        except ModelFileError:
            continue  # reported by the model tests
        for b in level_distribution(model_id, benchmarks):
            assert max(b.level_set) <= len(model.levels), b.id
        checked += 1
    if not checked:
        pytest.skip("no model file for gartner/temkin yet")


# --- statements --------------------------------------------------------------------------

GARTNER = {
    1: ["95% of companies are at levels 1–3."],
    2: ["95% of companies are at levels 1–3."],
    3: ["95% of companies are at levels 1–3."],
    4: ["4% of companies are at level 4 and 1% above it: the top 5%."],
    5: ["Only 1% of companies have reached level 5."],
}
TEMKIN = {
    1: ["70% of companies are in the bottom three stages (1–3)."],
    2: ["70% of companies are in the bottom three stages (1–3)."],
    3: ["70% of companies are in the bottom three stages (1–3)."],
    4: ["70% of companies are in stages 1–3 and 10% in stages 5–6."],
    5: ["Only 10% of companies have reached the top two stages (5–6)."],
    6: ["Only 10% of companies have reached the top two stages (5–6)."],
}


@pytest.mark.parametrize("level", sorted(GARTNER))
def test_gartner_statements(level):
    statements = benchmark_statements("gartner", level, 5)
    assert [s.text for s in statements] == GARTNER[level]


@pytest.mark.parametrize("level", sorted(TEMKIN))
def test_temkin_statements(level):
    statements = benchmark_statements("temkin", level, 6)
    assert [s.text for s in statements] == TEMKIN[level]


def test_statement_sources_and_ids():
    (s,) = benchmark_statements("gartner", 4, 5)
    assert isinstance(s, BenchmarkStatement)
    assert s.benchmark_ids == ("gartner_level_4", "gartner_level_5")
    # issue 10: reported in the article's section on the model, not published by Gartner; a title
    # people can follow and no internal file id
    assert s.source.startswith("Reported in the article's section on Gartner's model (no study or year is named)")
    assert "How mature is your customer experience program?" in s.source and ".txt" not in s.source
    (s,) = benchmark_statements("temkin", 4, 6)
    assert set(s.benchmark_ids) == {"temkin_stages_1_3", "temkin_stages_5_6"}
    assert s.source.startswith("Reported in the article's section on Temkin Group's model")
    assert '"statistics show"' in s.source


def test_no_derived_figure_in_any_statement():
    """The gaps (Temkin 100 - 10 - 70 = 20%) never appear, nor any Gartner level 1/2/3 alone."""
    for model_id, count in (("gartner", 5), ("temkin", 6)):
        for level in range(1, count + 1):
            for s in benchmark_statements(model_id, level, count):
                assert "20%" not in s.text
                assert not re.search(r"level [123]\b(?!–)", s.text), s.text


def test_model_without_figures_gives_no_statements():
    assert benchmark_statements("forrester", 2, 4) == []
    assert benchmark_statements("no_such_model", 1, 5) == []


def test_level_outside_the_model_is_an_error():
    with pytest.raises(ValueError):
        benchmark_statements("gartner", 6, 5)
    with pytest.raises(ValueError):
        benchmark_statements("gartner", 0, 5)
    with pytest.raises(ValueError, match="levels"):
        benchmark_statements("temkin", 1, 4)  # figures mention stages 5-6


def _dist(id: str, levels: list[int], value: float, **extra) -> dict:
    return {
        "id": id,
        "kind": "level_distribution",
        "model": "toy",
        "levels": levels,
        "value": value,
        "measures": "m",
        "organisation": "Org",
        "source_text": "t",
        "source_document": "000_75926a742b302770.txt",
        "publisher": "P",
        "year": None,
        "sample_size": None,
        **extra,
    }


def test_statements_are_generic_not_per_model():
    """A made-up 6-level model: the same rules apply, driven by the level sets only."""
    bs = parse_benchmarks(
        {
            "benchmarks": [
                _dist("toy_3", [3], 0.2),
                _dist("toy_4", [4], 0.05),
                _dist("toy_5_6", [5, 6], 0.03),
                _dist("toy_1", [1], 0.4, comparator="~"),
            ]
        }
    )

    def texts(level):
        return [s.text for s in benchmark_statements("toy", level, 6, benchmarks=bs)]

    assert texts(1) == ["About 40% of companies are at level 1."]
    assert texts(2) == [
        "About 40% of companies are at level 1, 20% at level 3, 5% at level 4 and 3% at levels 5–6."
    ]
    assert texts(3) == [
        "20% of companies are at level 3, 5% at level 4 and 3% at levels 5–6: the top 28%."
    ]
    assert texts(4) == ["5% of companies are at level 4 and 3% above it: the top 8%."]
    assert texts(6) == ["Only 3% of companies have reached levels 5–6."]


def test_no_sum_with_an_approximate_figure():
    bs = parse_benchmarks(
        {
            "benchmarks": [
                _dist("toy_4", [4], 0.05),
                _dist("toy_5", [5], 0.01, comparator="~"),
            ]
        }
    )
    assert [s.text for s in benchmark_statements("toy", 4, 5, benchmarks=bs)] == [
        "5% of companies are at level 4."
    ]


# --- broken files ------------------------------------------------------------------------


def _broken(tmp_path: Path, mutate) -> BenchmarkFileError:
    data = _raw()
    mutate(data["benchmarks"])
    path = _write(tmp_path, data)
    with pytest.raises(BenchmarkFileError) as info:
        load_benchmarks(path)
    assert info.value.path == path
    assert str(info.value).startswith("benchmarks.yaml: ")
    return info.value


def test_missing_key_names_file_and_key(tmp_path):
    err = _broken(tmp_path, lambda bs: bs[0].pop("measures"))
    assert "benchmarks.yaml: benchmarks.0.measures: Field required" in str(err)


def test_missing_source_document_names_key(tmp_path):
    err = _broken(tmp_path, lambda bs: bs[2].pop("source_document"))
    assert "benchmarks.2.source_document" in str(err)


def test_wrong_type_names_file_and_key(tmp_path):
    def mutate(bs):
        bs[1]["value"] = "four percent"

    err = _broken(tmp_path, mutate)
    assert "benchmarks.yaml: benchmarks.1.value:" in str(err)
    assert "gartner_level_4" in str(err)


def test_unknown_kind_names_file_and_key(tmp_path):
    def mutate(bs):
        bs[3]["kind"] = "league_table"

    err = _broken(tmp_path, mutate)
    assert "benchmarks.yaml: benchmarks.3.kind:" in str(err)


def test_percent_written_as_whole_number_is_rejected(tmp_path):
    def mutate(bs):
        bs[1]["value"] = 4  # meant 4%, written as a whole number

    err = _broken(tmp_path, mutate)
    assert "benchmarks.1.value" in str(err) and "0.01" in str(err)


def test_distribution_needs_levels_and_model(tmp_path):
    def mutate(bs):
        bs[0].pop("levels")
        bs[1]["model"] = None

    err = _broken(tmp_path, mutate)
    assert "benchmarks.0.levels" in str(err)
    assert "benchmarks.1.model" in str(err)


def test_programme_statistic_cannot_have_levels(tmp_path):
    def mutate(bs):
        stat = next(b for b in bs if b["kind"] == "programme_statistic")
        stat["levels"] = [1]

    err = _broken(tmp_path, mutate)
    assert re.search(r"benchmarks\.\d+\.levels: only level_distribution", str(err))


def test_non_consecutive_levels_rejected(tmp_path):
    def mutate(bs):
        bs[2]["levels"] = [1, 3]

    err = _broken(tmp_path, mutate)
    assert "benchmarks.2.levels" in str(err)


def test_unknown_key_rejected(tmp_path):
    def mutate(bs):
        bs[0]["valeu"] = 0.01

    err = _broken(tmp_path, mutate)
    assert "benchmarks.0.valeu" in str(err)


def test_unattributed_without_note_rejected(tmp_path):
    def mutate(bs):
        stat = next(b for b in bs if b["organisation"] == "unattributed")
        stat["attribution_note"] = None

    err = _broken(tmp_path, mutate)
    assert re.search(r"benchmarks\.\d+\.attribution_note", str(err))


def test_bad_source_document_name_rejected(tmp_path):
    def mutate(bs):
        bs[0]["source_document"] = "gartner.pdf"

    err = _broken(tmp_path, mutate)
    assert "benchmarks.0.source_document" in str(err)


def test_duplicate_id_rejected(tmp_path):
    def mutate(bs):
        bs[1]["id"] = bs[0]["id"]

    err = _broken(tmp_path, mutate)
    assert "benchmarks.1.id: duplicate id 'gartner_level_5'" in str(err)


def test_disjoint_figures_over_100_percent_rejected(tmp_path):
    def mutate(bs):
        bs[1]["value"] = 0.10  # 1% + 10% + 95% > 100%

    err = _broken(tmp_path, mutate)
    assert "over disjoint levels add up to 106%" in str(err)
    assert "gartner" in str(err)


def test_not_a_mapping_and_not_yaml(tmp_path):
    path = tmp_path / "benchmarks.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(BenchmarkFileError, match="benchmarks.yaml: the file must hold a mapping"):
        load_benchmarks(path)
    path.write_text("benchmarks: [\n", encoding="utf-8")
    with pytest.raises(BenchmarkFileError, match="benchmarks.yaml: is not valid YAML"):
        load_benchmarks(path)
    with pytest.raises(BenchmarkFileError, match="missing.yaml: cannot be read"):
        load_benchmarks(tmp_path / "missing.yaml")


def test_every_original_passage_is_verbatim_in_its_source_document():
    """The original-language passage shown beside each figure is copied from the seed file, and it
    carries the figure (its digits, or the source's words where the figure is written out)."""
    seeds = Path(__file__).resolve().parents[3] / "shared" / "seeds"
    if not seeds.exists():
        pytest.skip("the source documents are not beside the project")
    benchmarks = load_benchmarks()
    assert all(b.source_original for b in benchmarks)  # every figure has its passage
    for b in benchmarks:
        text = (seeds / b.source_document).read_text(encoding="utf-8")
        assert b.source_original in text, b.id
        if b.unit == "share" and b.comparator == "=" and b.value >= 0.05:
            assert str(round(b.value * 100)) in b.source_original, b.id
