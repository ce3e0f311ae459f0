"""Ranking candidate segments by fit to a job ad (GET /api/jobs/{jobAdId}/candidate-segments). Pure.

Rule:
  ad skills     the skills of the promoted model's vocabulary (and its primary-skill categories) that the
                ad's title or description names as whole words, case-folded ("Python", "C#", "AWS"...)
  ad seniority  text/seniority.py's level of the ad (intern, junior, mid, senior), read as a band of years
                of experience: intern 0-1, junior 0-3, mid 2-7, senior 5+
  skill fit     the mean, over the ad skills, of the share of the segment's members who hold the skill (or
                have it as primary skill, whichever is higher); the segment's centroid holds these shares,
                since a K-means centroid is the mean of its members' multi-hot and one-hot columns. 0 when
                the ad names no skill the model knows.
  seniority fit 1 when the segment's median years of experience lie in the ad's band, falling off as
                exp(-d / 3) with the distance d in years from the band
  score         0.7 x skill fit + 0.3 x seniority fit (seniority alone when the ad names no known skill)
Segments are returned best first; ties keep segment-id order.
"""

import math
import re
from typing import Any

from segmentation.candidates.features import CATEGORICAL, NUMERIC
from segmentation.candidates.model import CandidateModel, segment_sort_key

BANDS = {"intern": (0.0, 1.0), "junior": (0.0, 3.0), "mid": (2.0, 7.0), "senior": (5.0, 60.0)}
SKILL_WEIGHT, SENIORITY_WEIGHT, FALLOFF_YEARS = 0.7, 0.3, 3.0


def _mentions(text: str, term: str) -> bool:
    return re.search(r"(?<![\w+#.])" + re.escape(term) + r"(?![\w+#])", text) is not None


def ad_skills(model: CandidateModel, text: str) -> list[str]:
    folded = " ".join(text.split()).casefold()
    primaries = [c.casefold() for c in model.preprocessing.categories["primary_skill"]]
    terms = dict.fromkeys([*model.preprocessing.skills, *primaries])
    return sorted(term for term in terms if len(term) > 1 and _mentions(folded, term))


def seniority_fit(median_years: float | None, level: str) -> float:
    if median_years is None:
        return 0.0
    low, high = BANDS[level]
    distance = max(low - median_years, median_years - high, 0.0)
    return math.exp(-distance / FALLOFF_YEARS)


def rank_segments(model: CandidateModel, title: str, description: str, level: str,
                  targeted: list[str]) -> dict[str, Any]:
    skills = ad_skills(model, f"{title}\n{description}")
    pre = model.preprocessing
    offset = len(NUMERIC) + sum(len(pre.categories[name]) for name in CATEGORICAL)
    skill_column = {skill: offset + i for i, skill in enumerate(pre.skills)}
    primary_offset = len(NUMERIC) + len(pre.categories["location"]) + len(pre.categories["education_level"])
    primary_column = {c.casefold(): primary_offset + i for i, c in enumerate(pre.categories["primary_skill"])}
    ranked = []
    for row, segment_id in enumerate(model.segment_ids):
        centroid = model.centroids[row]
        shares = {s: max(float(centroid[skill_column[s]]) if s in skill_column else 0.0,
                         float(centroid[primary_column[s]]) if s in primary_column else 0.0) for s in skills}
        skill_fit = sum(shares.values()) / len(shares) if shares else 0.0
        segment = model.segments[segment_id]
        years = seniority_fit(segment["profile"]["years_experience"]["median"], level)
        score = SKILL_WEIGHT * skill_fit + SENIORITY_WEIGHT * years if skills else years
        ranked.append({"segment_id": segment_id, "name": segment["name"], "size": segment["size"],
                       "score": round(score, 4), "skill_fit": round(skill_fit, 4), "seniority_fit": round(years, 4),
                       "matched_skills": [{"skill": s, "share": round(v, 4)} for s, v in
                                          sorted(shares.items(), key=lambda kv: -kv[1])],
                       "targeted": segment_id in targeted})
    ranked.sort(key=lambda r: (-r["score"], segment_sort_key(r["segment_id"])))
    return {"modelVersion": model.version, "seniority": level, "adSkills": skills, "segments": ranked,
            "unknownTargets": [t for t in targeted if t not in model.segments]}
