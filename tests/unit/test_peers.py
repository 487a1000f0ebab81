import pandas as pd
import pytest

from cxmaturity.peers import percentile_rank, summarise_peers


def test_percentile_rank_mid_rank():
    peers = pd.Series([1.0, 2.0, 3.0, 4.0])
    assert percentile_rank(peers, 3.0) == pytest.approx(62.5)  # 2 below + half of 1 tie, of 4
    assert percentile_rank(peers, 5.0) == 100.0
    assert percentile_rank(peers, 0.5) == 0.0
    assert percentile_rank(peers, None) is None
    assert percentile_rank(pd.Series([float("nan")]), 3.0) is None


def test_too_few_peers_gives_nothing():
    peers = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0]})
    assert summarise_peers(peers, {"a": 2.0}, ["a"]) is None


def test_summary_median_and_percentile_without_names():
    peers = pd.DataFrame(
        {"a": [1.0, 2.0, 3.0, 4.0, 5.0], "b": [2.0, 2.0, 2.0, None, 4.0]},
        index=["Secret Org 1", "Secret Org 2", "Secret Org 3", "Secret Org 4", "Secret Org 5"],
    )
    s = summarise_peers(peers, {"a": 3.5, "b": 2.0}, ["a", "b"])
    assert s.organisations == 5
    assert s.median == {"a": 3.0, "b": 2.0}
    assert s.percentile["a"] == pytest.approx(60.0)  # 3 of 5 below
    assert s.percentile["b"] == pytest.approx(37.5)  # 0 below, 3 ties of 4 -> 1.5 / 4
    assert "Secret" not in s.scores.to_csv()
    assert len(s.scores) == 9  # one NaN dropped
