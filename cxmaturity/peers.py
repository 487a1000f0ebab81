"""Peer comparison over other organisations of the installation, kept anonymous.

Peer figures are only ever aggregates over at least ``MIN_PEER_ORGANISATIONS`` organisations;
no other organisation's name reaches this module's output.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cxmaturity import stats
from cxmaturity.rules import MIN_PEER_ORGANISATIONS


@dataclass
class PeerSummary:
    organisations: int
    median: dict[str, float | None]  # competency id -> peer median
    percentile: dict[str, float | None]  # competency id -> own position among peers, 0-100
    scores: pd.DataFrame  # long: competency, score (one row per peer organisation and competency; no names)


def percentile_rank(values: pd.Series, own: float | None) -> float | None:
    """Mid-rank percentile of ``own`` among the peers (cxmaturity.stats.percentile_rank)."""
    return stats.percentile_rank(values.to_numpy(dtype=float), own)


def summarise_peers(
    peer_scores: pd.DataFrame,
    own_scores: dict[str, float | None],
    competency_ids: list[str],
    min_organisations: int = MIN_PEER_ORGANISATIONS,
) -> PeerSummary | None:
    """Median and own percentile per competency, or None when the peer group is too small.

    ``peer_scores``: one row per peer organisation (its latest assessment), one column per
    competency id. Rows are anonymous by construction: the index is ignored.
    """
    if peer_scores is None or len(peer_scores) < min_organisations:
        return None
    frame = peer_scores.reindex(columns=competency_ids)
    median = {c: _none_if_nan(frame[c].median()) for c in competency_ids}
    percentile = {c: percentile_rank(frame[c], own_scores.get(c)) for c in competency_ids}
    long = frame.reset_index(drop=True).melt(var_name="competency", value_name="score").dropna()
    return PeerSummary(organisations=len(frame), median=median, percentile=percentile, scores=long)


def _none_if_nan(value: float) -> float | None:
    return None if pd.isna(value) else float(value)
