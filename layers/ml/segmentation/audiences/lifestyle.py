"""An open lifestyle typology (the role PRIZM plays in the seed; PRIZM itself is proprietary), built
reproducibly from the real records, and the enrichment of audience segments with it.

Panel typology: lifestage x social group, the way PRIZM combines them (docs/audiences.md, "Lifestyle"):
  lifestage     Younger Years (under 35, no child under 18 at home), Family Life (a child under 18 at home:
                babies + preteen + teens > 0), Mature Years (35-64, none at home), Golden Years (65+, none)
  social group  urbanicity from `xnorcsiz` (1-2 central city: Urban; 3-6 suburb or unincorporated metro
                area: Suburban; 7-10 small city, town or open country: Town & Country) x affluence from
                `realinc` (family income in constant dollars) split at the weighted terciles:
                Upscale / Midscale / Downscale
  -> 4 x 9 = 36 groups; a respondent without age, income or place is unclassified.
Each group has a name, a pen portrait written from its own statistics and index scores (100 = the
weighted panel) on a fixed set of descriptors.

ZCTA typology: 12 geodemographic classes of the populated ZIP areas, clustered once when the record sets
are built (scripts/build_audience_records.py, `zcta_typology`: size-constrained K-medians, 5-12% of the
areas each, seed 0), named and portrayed from their index scores.

A segment's `lifestyle_segments` are its three commonest groups with their share of the segment and
their index (share in the segment / share in the whole x 100). `diversity_score` is the Shannon entropy
of the segment's distribution over the groups, natural log, divided by ln(G) for the G groups of the
typology: 0 = everyone in one group, 1 = spread evenly over all of them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

LIFESTAGES = {"Y": "Younger Years", "F": "Family Life", "M": "Mature Years", "G": "Golden Years"}
LIFESTAGE_NOUNS = {"Y": "Starters", "F": "Families", "M": "Midlifers", "G": "Seniors"}
URBANICITY = {"U": "Urban", "S": "Suburban", "T": "Town & Country"}
AFFLUENCE = {"1": "Upscale", "2": "Midscale", "3": "Downscale"}
# Descriptors indexed for every group: (label, column, codes counted as "yes").
DESCRIPTORS = [("bachelor's degree or higher", "degree", (3, 4)), ("married", "marital", (1,)),
               ("working full time", "wrkstat", (1,)), ("retired", "wrkstat", (5,)),
               ("attends religious services weekly or more", "attend", (7, 8)),
               ("identifies as Democrat or leans Democrat", "partyid", (0, 1, 2)),
               ("identifies as Republican or leans Republican", "partyid", (4, 5, 6)),
               ("thinks we spend too little on the environment", "natenvir", (1,))]


def _col(records, name: str) -> np.ndarray:
    return records.values[:, records.column_index[name]].astype(np.float64)


def _weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    ok = np.isfinite(x)
    order = np.argsort(x[ok])
    cum = np.cumsum(w[ok][order])
    return float(x[ok][order][np.searchsorted(cum, q * cum[-1])])


def panel_groups(records) -> tuple[np.ndarray, dict[str, dict[str, Any]]]:
    """(group code per respondent, "" if unclassified; the groups with name, portrait and indexes)."""
    age, inc, place = _col(records, "age"), _col(records, "realinc"), _col(records, "xnorcsiz")
    kids = np.nansum(np.column_stack([_col(records, c) for c in ("babies", "preteen", "teens")]), axis=1)
    w = records.weights
    stage = np.where(kids > 0, "F", np.where(age < 35, "Y", np.where(age < 65, "M", "G")))
    urban = np.where(place <= 2, "U", np.where(place <= 6, "S", "T"))
    low, high = _weighted_quantile(inc, w, 1 / 3), _weighted_quantile(inc, w, 2 / 3)
    rich = np.where(inc > high, "1", np.where(inc > low, "2", "3"))
    known = np.isfinite(age) & np.isfinite(inc) & np.isfinite(place)
    codes = np.where(known, np.char.add(np.char.add(np.char.add(stage, "-"), urban), rich), "")
    groups = {}
    total = w[known].sum()
    for code in sorted(set(codes[known].tolist())):
        mask = codes == code
        stats = _group_stats(records, mask)
        s, u, a = code[0], code[2], code[3]
        name = f"{AFFLUENCE[a]} {URBANICITY[u]} {LIFESTAGE_NOUNS[s]}"
        share = float(w[mask].sum() / total)
        groups[code] = {"code": code, "name": name, "lifestage": LIFESTAGES[s],
                        "social_group": f"{AFFLUENCE[a]} {URBANICITY[u]}", "respondents": int(mask.sum()),
                        "share": round(share, 4), "indexes": stats["indexes"],
                        "pen_portrait": _portrait(name, LIFESTAGES[s], share, stats)}
    return codes, groups


def _group_stats(records, mask: np.ndarray) -> dict[str, Any]:
    w = records.weights
    indexes = {}
    for label, column, yes in DESCRIPTORS:
        if column not in records.column_index:
            continue
        x = _col(records, column)
        ok = np.isfinite(x)
        hit = np.isin(x, yes)
        overall = w[ok & hit].sum() / w[ok].sum()
        inside = w[ok & hit & mask].sum() / max(w[ok & mask].sum(), 1e-12)
        indexes[label] = {"share": round(float(inside), 3), "index": round(float(100 * inside / overall))
                          if overall else None}
    age, inc = _col(records, "age"), _col(records, "realinc")
    return {"indexes": indexes, "median_age": _weighted_quantile(age[mask], w[mask], 0.5),
            "median_income": _weighted_quantile(inc[mask], w[mask], 0.5)}


def _portrait(name: str, lifestage: str, share: float, stats: dict[str, Any]) -> str:
    ranked = sorted(((v["index"], k) for k, v in stats["indexes"].items() if v["index"] is not None), reverse=True)
    over = ", ".join(f"{k} ({i})" for i, k in ranked[:2] if i > 105) or "no descriptor well above average"
    under = ", ".join(f"{k} ({i})" for i, k in ranked[-2:] if i < 95) or "none well below"
    return (f"{name}: {share:.1%} of US adults in the panel, {lifestage.lower()}, median age "
            f"{stats['median_age']:.0f}, median family income ${stats['median_income']:,.0f} (2016-2020 dollars). "
            f"Over-index on {over}; under-index on {under}.")


_CACHE: dict[int, tuple[np.ndarray, dict[str, dict[str, Any]]]] = {}


def typology_for(records) -> tuple[np.ndarray, dict[str, dict[str, Any]]] | None:
    """The group per record of a record set and the typology's groups (computed once per loaded set), or
    None where the set has none."""
    if records.kind not in ("panel", "zcta"):
        return None
    if id(records) not in _CACHE:
        _CACHE.clear()
        _CACHE[id(records)] = panel_groups(records) if records.kind == "panel" else zcta_groups(records)
    return _CACHE[id(records)]


def zcta_groups(records) -> tuple[np.ndarray, dict[str, dict[str, Any]]] | None:
    """The geodemographic classes built with the record set (scripts/build_audience_records.py)."""
    if records.typology is None:
        return None
    labels, typology = records.typology
    codes = np.array(["" if g < 0 else f"Z{g + 1:02d}" for g in labels.tolist()])
    return codes, typology["classes"]


def diversity(shares: np.ndarray, n_groups: int) -> float:
    """Shannon entropy (natural log) of the shares, divided by ln(n_groups): within [0, 1]."""
    p = shares[shares > 0]
    if n_groups < 2 or p.size == 0:
        return 0.0
    return float(-(p * np.log(p)).sum() / math.log(n_groups))


def enrich(codes: np.ndarray, groups: dict[str, dict[str, Any]], weights: np.ndarray, members: np.ndarray,
           top: int = 3) -> dict[str, Any]:
    """{lifestyle_segments: [{code, name, share, index}], diversity_score} for one segment."""
    known = codes != ""
    keys = list(groups)
    overall = np.array([weights[known & (codes == k)].sum() for k in keys]) / max(weights[known].sum(), 1e-12)
    seg = np.array([weights[known & members & (codes == k)].sum() for k in keys])
    seg = seg / seg.sum() if seg.sum() > 0 else seg
    order = np.argsort(-seg)[:top]
    dominant = [{"code": keys[i], "name": groups[keys[i]]["name"], "share": round(float(seg[i]), 4),
                 "index": round(float(100 * seg[i] / overall[i])) if overall[i] else None}
                for i in order if seg[i] > 0]
    return {"lifestyle_segments": dominant, "diversity_score": round(diversity(seg, len(keys)), 4)}
