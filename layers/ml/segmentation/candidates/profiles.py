"""Segment profiles and names, from the training candidates and their segment (pure, NumPy).

Profile of a segment: for years_experience and desired_salary the median, 10th and 90th percentile of
the candidates who gave one, and the share who did not; for location, education_level and primary_skill
the three most common values with their share in the segment, their share in the whole pool and the
lift (share / pool share); for skills the five skills held by at least 20% of the segment with the
highest lift (the five most held if none reaches 20%).

Name: "{seniority} {primary skill} ({distinctive skill}), {location}, {salary band}", e.g. "Senior
Back-end (Python), Germany, 90-120k":
  seniority    from the median years of experience: < 2 Entry-level, < 5 Mid-level, < 10 Senior, else Veteran
  primary      the most common primary_skill if at least 35% of the segment share it, else "Mixed-skill"
  distinctive  the skill with the highest lift among those at least 40% of the segment hold (and that is
               not the primary skill); left out when none qualifies
  location     the most common location if at least 40% share it, else "mixed locations"
  salary band  the segment's 25th-75th percentile of desired salary, rounded to 10k (left out if unknown)
Two segments with the same name get their segment id appended: "... (segment 3)".
"""

from collections import Counter
from collections.abc import Sequence
from itertools import chain
from typing import Any

import numpy as np

from segmentation.candidates.features import CATEGORICAL, NUMERIC, normalize_skill, skill_set

TOP_CATEGORIES, TOP_SKILLS, SKILL_MIN_SHARE = 3, 5, 0.2


def _numeric(present: np.ndarray, count: int) -> dict[str, Any]:
    """`present`: the values the `count` members gave (those who gave none left out)."""
    missing = 1.0 - len(present) / max(count, 1)
    if not len(present):
        return {"median": None, "p10": None, "p90": None, "missing_share": round(missing, 4)}
    p10, median, p90 = np.quantile(present, [0.1, 0.5, 0.9])
    return {"median": round(float(median), 2), "p10": round(float(p10), 2), "p90": round(float(p90), 2),
            "missing_share": round(missing, 4)}


def _shares(values: Sequence[Any], counts: np.ndarray, size: int, pool: np.ndarray,
            pool_size: int) -> dict[Any, tuple[float, float, float]]:
    """(share in the segment, share in the pool, lift) of every value the segment holds; `counts` and `pool`
    are counts per value code (Python ints divide, so the shares are exactly count / size)."""
    out = {}
    for code in np.flatnonzero(counts):
        count, pool_count = int(counts[code]), int(pool[code])
        share, pool_share = count / size, pool_count / pool_size
        out[values[code]] = (share, pool_share, share / pool_share if pool_share else 0.0)
    return out


def _codes(values: Sequence[Any]) -> tuple[list[Any], np.ndarray]:
    """Distinct values (first-seen order, None left out) and each value's code (-1 for None)."""
    distinct = [v for v in dict.fromkeys(values) if v is not None]
    index: dict[Any, int] = {v: i for i, v in enumerate(distinct)}
    index[None] = -1
    return distinct, np.fromiter(map(index.__getitem__, values), dtype=np.int64, count=len(values))


def _counts_per_segment(labels: np.ndarray, codes: np.ndarray, k: int, width: int) -> np.ndarray:
    """k x width counts of each code among each segment's members (codes < 0 not counted)."""
    kept = codes >= 0
    flat = labels[kept].astype(np.int64) * width + codes[kept]
    return np.bincount(flat, minlength=k * width).reshape(k, width)


def _rows(shares: dict[str, tuple[float, float, float]], values: Sequence[str]) -> list[dict[str, Any]]:
    return [{"value": v, "share": round(shares[v][0], 4), "pool_share": round(shares[v][1], 4),
             "lift": round(shares[v][2], 3)} for v in values]


def skill_display(raw_skills: Sequence[Sequence[str] | None]) -> dict[str, str]:
    """The most common spelling of each (case-folded) skill, for names: 'html/css' -> 'HTML/CSS'."""
    counts = Counter(skill for skills in raw_skills for skill in skills or ())  # few distinct spellings
    best: dict[str, tuple[int, str]] = {}
    for spelling, count in counts.items():
        folded = normalize_skill(spelling)
        if folded not in best or count > best[folded][0]:
            best[folded] = (count, " ".join(spelling.split()))
    return {folded: spelling for folded, (_count, spelling) in best.items()}


def build_profiles(records: Sequence[dict[str, Any]], labels: np.ndarray, segment_ids: Sequence[str],
                   display: dict[str, str] | None = None, normalized: bool = False) -> dict[str, dict]:
    """{segment id: {name, size, share, profile}} for the segments of `segment_ids` (centroid order).
    `display` maps a case-folded skill to the spelling names use (skill_display). Counted in NumPy (one
    pass over the records to encode them, bincounts per segment)."""
    n, k = len(records), len(segment_ids)
    labels = np.asarray(labels, dtype=np.int64)
    sizes = np.bincount(labels, minlength=k) if n else np.zeros(k, dtype=np.int64)
    numeric = {name: np.array([np.nan if r.get(name) is None else r.get(name) for r in records], dtype=np.float64)
               for name in NUMERIC}
    categorical = {}
    for name in CATEGORICAL:
        values, codes = _codes([r.get(name) for r in records])
        counts = _counts_per_segment(labels, codes, k, len(values))
        categorical[name] = (values, counts, counts.sum(axis=0))
    skills = [r.get("skills") or [] for r in records] if normalized else [skill_set(r.get("skills")) for r in records]
    flat = list(chain.from_iterable(skills))
    skill_values, skill_codes = _codes(flat)
    skill_labels = np.repeat(labels, np.fromiter(map(len, skills), dtype=np.int64, count=n))
    skill_counts = _counts_per_segment(skill_labels, skill_codes, k, len(skill_values))
    pool_skills = skill_counts.sum(axis=0)
    order = np.argsort(labels, kind="stable")  # members of each segment, in record order
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    segments: dict[str, dict] = {}
    for row, segment_id in enumerate(segment_ids):
        members = order[bounds[row]:bounds[row + 1]]
        size = len(members)
        present = {name: column[members][~np.isnan(column[members])] for name, column in numeric.items()}
        profile: dict[str, Any] = {name: _numeric(present[name], size) for name in NUMERIC}
        for name in CATEGORICAL:
            values, counts, pool = categorical[name]
            shares = _shares(values, counts[row], max(size, 1), pool, max(n, 1))
            top = sorted(shares, key=lambda v: (-shares[v][0], v))[:TOP_CATEGORIES]
            profile[name] = _rows(shares, top)
        shares = _shares(skill_values, skill_counts[row], max(size, 1), pool_skills, max(n, 1))
        common = [s for s in shares if shares[s][0] >= SKILL_MIN_SHARE]
        top = (sorted(common, key=lambda s: (-shares[s][2], s)) if common
               else sorted(shares, key=lambda s: (-shares[s][0], s)))[:TOP_SKILLS]
        profile["skills"] = _rows(shares, top)
        salaries = present["desired_salary"]
        segments[segment_id] = {"segment_id": segment_id, "size": int(size), "share": round(size / max(n, 1), 4),
                                "profile": profile,
                                "name": segment_name(profile, np.quantile(salaries, [0.25, 0.75]) if len(salaries)
                                                     else None, display or {})}
    _disambiguate(segments)
    return segments


def seniority(median_years: float | None) -> str:
    if median_years is None:
        return "Unknown-seniority"
    return ("Entry-level" if median_years < 2 else "Mid-level" if median_years < 5
            else "Senior" if median_years < 10 else "Veteran")


def _band(salary_quartiles) -> str | None:
    if salary_quartiles is None:
        return None
    low, high = (int(np.rint(q / 10_000.0)) * 10 for q in salary_quartiles)
    return f"{low}-{max(high, low + 10)}k" if high != low else f"~{low}k"


def segment_name(profile: dict[str, Any], salary_quartiles=None, display: dict[str, str] | None = None) -> str:
    primary_rows = profile["primary_skill"]
    primary = primary_rows[0]["value"] if primary_rows and primary_rows[0]["share"] >= 0.35 else "Mixed-skill"
    distinctive = [s["value"] for s in sorted(profile["skills"], key=lambda s: -s["lift"])
                   if s["share"] >= 0.4 and s["value"] != str(primary).casefold()]
    head = f"{seniority(profile['years_experience']['median'])} {primary}"
    if distinctive:
        head += f" ({(display or {}).get(distinctive[0], distinctive[0])})"
    locations = profile["location"]
    parts = [head, locations[0]["value"] if locations and locations[0]["share"] >= 0.4 else "mixed locations"]
    if band := _band(salary_quartiles):
        parts.append(band)
    return ", ".join(parts)


def _disambiguate(segments: dict[str, dict]) -> None:
    names = Counter(s["name"] for s in segments.values())
    for segment_id, segment in segments.items():
        if names[segment["name"]] > 1:
            segment["name"] += f" (segment {segment_id})"
