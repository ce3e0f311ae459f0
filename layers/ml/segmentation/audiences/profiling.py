"""What makes each segment differ from the whole, and a name derived from it. Pure NumPy.

Index scores (the convention of PRIZM, Tapestry and MRI/Simmons: 100 = the whole record set):
  - a category of a categorical variable: 100 x (its weighted share in the segment) / (its share overall);
  - a numeric variable: 100 x (weighted segment mean) / (weighted overall mean).
Traits are over-represented categories (index above 100) and numeric variables above or below the
mean, ranked by how far they sit from 100 (log index) weighted for categories by the square root of their
share in the segment (a category held by 2% of a segment is not what defines it), and for numbers by the
standardised difference of means. A segment's `dominantTraits` are its top three trait labels.

Names ("Eco-Forward Innovators" style) put an adjective from the strongest trait that the lexicon below
recognises before a noun from the strongest trait that names a kind of person (families, retirees, ...),
falling back to "<adjective> Mainstreamers"/"Distinct <noun>"; names are unique within an audience (the
next trait's adjective, then a number, is added to a repeat).
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

TOP_TRAITS = 6

# (pattern over "<description> <value label> <direction>", adjective); first match wins.
ADJECTIVES = [
    (r"(envir|climate|green|recycl|nature|pollut).*(too little|high|very concerned|great deal)", "Eco-Forward"),
    (r"(envir|climate|green).*too much", "Eco-Skeptic"),
    (r"liberal", "Progressive"), (r"conservative", "Traditionalist"),
    (r"democrat", "Blue-Leaning"), (r"republican", "Red-Leaning"),
    (r"(income|rent).* high|high.*(income|rent)", "Affluent"), (r"(income|rent).* low|low.*(income|rent)", "Budget-Minded"),
    (r"graduate|bachelor", "Degree-Holding"), (r"less than high school", "Hands-On"),
    (r"relig.*(every week|several times a week|nearly every week)", "Devout"), (r"relig.*never", "Secular"),
    (r"\bage\b.* low|median age.* low", "Young"), (r"\bage\b.* high|median age.* high", "Seasoned"),
    (r"large central city|central city|urban", "Urban"), (r"open country|rural|farm|town or village", "Small-Town"),
    (r"www|internet|online", "Digital"), (r"watching tv.* high", "Screen-Loving"),
    (r"happy.*very happy", "Upbeat"), (r"trust.*can trust", "Trusting"),
    (r"percent hispanic.* high", "Hispanic-Heritage"), (r"percent asian.* high", "Asian-Heritage"),
    (r"percent black.* high", "Black-Heritage"), (r"population.* high", "Dense"), (r"population.* low", "Sparse"),
]
NOUNS = [
    (r"never married", "Singles"), (r"retired|\bage\b.* high|median age.* high", "Retirees"),
    (r"(household members|children).* high|babies|preteen|teens.* high", "Families"),
    (r"in school|\bage\b.* low", "Up-and-Comers"), (r"keeping house", "Homemakers"),
    (r"working full time", "Professionals"), (r"married", "Couples"), (r"widowed", "Widowers"),
    (r"unemployed", "Job Seekers"), (r"degree.*graduate|bachelor", "Achievers"),
    (r"per capita income.* high", "Enclaves"), (r"median rent.* low", "Heartlands"),
    (r"(envir|climate|green).*(too little|high|very concerned|great deal)", "Stewards"), (r"liberal|democrat", "Idealists"), (r"conservative|republican", "Loyalists"),
    (r"www|internet", "Innovators"),
]


def _weighted_mean(x: np.ndarray, w: np.ndarray) -> float:
    ok = np.isfinite(x)
    return float(np.sum(x[ok] * w[ok]) / np.sum(w[ok])) if ok.any() and np.sum(w[ok]) > 0 else float("nan")


def _weighted_std(x: np.ndarray, w: np.ndarray) -> float:
    ok = np.isfinite(x)
    if not ok.any():
        return float("nan")
    mean = np.sum(x[ok] * w[ok]) / np.sum(w[ok])
    return float(math.sqrt(np.sum(w[ok] * (x[ok] - mean) ** 2) / np.sum(w[ok])))


def _round(value: float, digits: int = 4) -> float | None:
    return None if not math.isfinite(value) else round(value, digits)


def traits(values: np.ndarray, weights: np.ndarray, columns: list[dict[str, Any]],
           members: np.ndarray) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(traits ranked by distinctiveness, characteristics per variable) of the segment `members` (a mask)."""
    found, characteristics = [], {}
    for j, column in enumerate(columns):
        x, name = values[:, j].astype(np.float64), column["name"]
        description = column.get("description", name)
        if column["kind"] == "categorical":
            ok_all, ok_seg = np.isfinite(x), np.isfinite(x) & members
            total_all, total_seg = weights[ok_all].sum(), weights[ok_seg].sum()
            distribution = {}
            for code, label in column.get("labels", {}).items():
                c = float(code)
                share_all = weights[ok_all & (x == c)].sum() / total_all if total_all else 0.0
                share_seg = weights[ok_seg & (x == c)].sum() / total_seg if total_seg else 0.0
                if share_all <= 0:
                    continue
                index = 100.0 * share_seg / share_all
                distribution[label] = {"share": _round(share_seg), "overall": _round(share_all), "index": round(index)}
                if index > 100:  # an over-represented category; under-representation does not define a segment
                    found.append({"variable": name, "description": description, "value": label,
                                  "label": f"{description}: {label}", "share": _round(share_seg),
                                  "overall": _round(share_all), "index": round(index),
                                  "strength": abs(math.log(max(index, 1.0) / 100.0)) * math.sqrt(share_seg)})
            characteristics[name] = {"description": description, "kind": "categorical", "distribution": distribution}
        else:
            mean_seg, mean_all = _weighted_mean(x[members], weights[members]), _weighted_mean(x, weights)
            spread = _weighted_std(x, weights)
            index = 100.0 * mean_seg / mean_all if mean_all and math.isfinite(mean_seg) and mean_all > 0 else None
            characteristics[name] = {"description": description, "kind": "numeric", "mean": _round(mean_seg, 3),
                                     "overall_mean": _round(mean_all, 3), "index": None if index is None else round(index)}
            if index is not None and spread and math.isfinite(spread) and spread > 0:
                effect = (mean_seg - mean_all) / spread
                direction = "high" if effect >= 0 else "low"
                found.append({"variable": name, "description": description, "value": direction,
                              "label": f"{'High' if effect >= 0 else 'Low'} {description}", "mean": _round(mean_seg, 3),
                              "overall": _round(mean_all, 3), "index": round(index), "strength": abs(effect) * 0.7})
    found.sort(key=lambda t: -t["strength"])
    top = [{k: v for k, v in t.items() if k != "strength"} for t in found[:TOP_TRAITS]]
    return top, characteristics


def _match(lexicon: list[tuple[str, str]], trait: dict[str, Any]) -> str | None:
    text = f"{trait['description']} {trait['value']}".lower()
    if trait["index"] is not None and trait["index"] < 100 and trait["value"] not in ("high", "low"):
        return None  # an under-represented category does not name a segment
    for pattern, word in lexicon:
        if re.search(pattern, text):
            return word
    return None


def name_segments(segment_traits: list[list[dict[str, Any]]]) -> list[str]:
    """A unique name per segment, from its ranked traits."""
    names: list[str] = []
    for ranked in segment_traits:
        adjectives = [(i, a) for i, a in enumerate(_match(ADJECTIVES, t) for t in ranked) if a]
        nouns = [(i, n) for i, n in enumerate(_match(NOUNS, t) for t in ranked) if n]
        first, adjective = adjectives[0] if adjectives else (-1, "Distinct")
        # the noun from another trait than the adjective's where one names a kind of person
        noun = next((n for i, n in nouns if i != first and n not in adjective),
                    next((n for _i, n in nouns if n not in adjective), "Mainstreamers"))
        adjectives = [a for _i, a in adjectives]
        name = f"{adjective} {noun}"
        extra = [a for a in adjectives[1:] if a != adjective]
        while name in names and extra:
            name = f"{extra.pop(0)} {name}"
        base, number = name, 2
        while name in names:
            name, number = f"{base} {number}", number + 1
        names.append(name)
    return names
