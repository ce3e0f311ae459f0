"""The platform-agnostic targeting form: what an ad's audience is, before any ad platform's vocabulary.

    {"mode": "cluster" | "broad", "industries": [code], "skills": [str], "seniority": ["SENIORITY_MID"],
     "keywords": [str], "locations": [{"value", "kind", "country", "latitude"?, "longitude"?}],
     "radius_km": float, "age_range": [min, max] | None, "genders": [str], "postal_codes": [str],
     "pinned": [field]}

`cluster` mode carries the audience the model found; `broad` (confidence under the threshold) keeps only
the locations, so the ad is still delivered. A user's pinned fields replace the derived ones in either
mode. age_range, genders and postal_codes exist only so a pin can ask for them: the platform adapters
remove them for employment ads and say so.
"""

import functools
import json
from importlib import resources
from typing import Any

from segmentation.platform.errors import InvalidInput
from segmentation.text.locations import PLACE_FORMS, place_named

SENIORITY = {"intern": "SENIORITY_ENTRY", "junior": "SENIORITY_ENTRY", "mid": "SENIORITY_MID",
             "senior": "SENIORITY_SENIOR"}
SENIORITY_CODES = ("SENIORITY_ENTRY", "SENIORITY_MID", "SENIORITY_SENIOR")
PINNABLE = ("industries", "skills", "seniority", "keywords", "locations", "radius_km", "age_range", "genders",
            "postal_codes")
DEFAULT_RADIUS_KM = 40.0


@functools.cache
def industry_labels() -> dict[str, str]:
    data = resources.files("segmentation.text") / "data" / "industries.json"
    return {entry["code"]: entry["label"] for entry in json.loads(data.read_text(encoding="utf-8"))}


def resolve_location(name: str, field: str) -> dict[str, Any]:
    place = place_named(name)
    if place is None:
        raise InvalidInput(f"{field}: unknown place {name!r} (understood: {PLACE_FORMS})", field=field)
    return place


def validate_pin(pin: dict[str, Any], field: str = "pinnedTargeting") -> dict[str, Any]:
    """Check a user's pinned targeting fields; returns them with locations resolved to places."""
    unknown = set(pin) - set(PINNABLE)
    if unknown:
        raise InvalidInput(f"{field}: unknown fields {sorted(unknown)} (allowed: {list(PINNABLE)})", field=field)
    clean = dict(pin)
    for code in pin.get("industries", []):
        if code not in industry_labels():
            raise InvalidInput(f"{field}.industries: unknown industry {code!r}", field=f"{field}.industries")
    for level in pin.get("seniority", []):
        if level not in SENIORITY_CODES:
            raise InvalidInput(f"{field}.seniority: {level!r} is not one of {list(SENIORITY_CODES)}",
                               field=f"{field}.seniority")
    if "locations" in pin:
        clean["locations"] = [resolve_location(name, f"{field}.locations") for name in pin["locations"]]
    radius = pin.get("radius_km")
    if radius is not None and not 1 <= radius <= 800:
        raise InvalidInput(f"{field}.radius_km must be between 1 and 800", field=f"{field}.radius_km")
    age = pin.get("age_range")
    if age is not None and not (len(age) == 2 and 13 <= age[0] <= age[1] <= 100):
        raise InvalidInput(f"{field}.age_range must be [min, max] with 13 <= min <= max <= 100",
                           field=f"{field}.age_range")
    return clean


def build_form(primitives: list[dict[str, Any]], mode: str, ad_locations: list[dict[str, Any]],
               default_location: dict[str, Any], pin: dict[str, Any] | None = None) -> dict[str, Any]:
    """The form for one ad from its audience primitives. Locations: the ad's own (its location field, else
    the places its text names), else the configured default; 'Remote' alone targets the default."""
    def values(kind: str) -> list[str]:
        return [p["value"] for p in primitives if p["type"] == kind]

    def places(locations: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [place for place in locations if place["kind"] != "remote"]

    text_locations = [{k: v for k, v in p.items() if k != "type"} for p in primitives if p["type"] == "location"]
    form: dict[str, Any] = {
        "mode": mode, "industries": [], "skills": [], "seniority": [], "keywords": [],
        "locations": places(ad_locations) or places(text_locations) or [default_location],
        "radius_km": DEFAULT_RADIUS_KM, "age_range": None, "genders": [], "postal_codes": [], "pinned": [],
    }
    if mode == "cluster":
        form["industries"] = values("industry")
        form["skills"] = values("skill")
        form["seniority"] = sorted({SENIORITY[level] for level in values("seniority")}, key=SENIORITY_CODES.index)
        form["keywords"] = values("keyword")
    for key, value in (pin or {}).items():
        form[key] = places(value) or [default_location] if key == "locations" else value
        form["pinned"].append(key)
    return form
