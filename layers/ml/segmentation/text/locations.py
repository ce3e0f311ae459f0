"""Places named in job-ad text: countries, US states and large cities (data/places.json, from GeoNames),
plus remote work. Matching is on whole, capitalised names, so 'nice' or 'reading' in prose never match."""

import functools
import json
import re
from pathlib import Path
from typing import Any

_DATA = Path(__file__).parent / "data" / "places.json"
_REMOTE = re.compile(r"\b(remote|work from home|home[- ]based|hybrid)\b", re.IGNORECASE)


@functools.cache
def _gazetteer() -> tuple[re.Pattern, dict[str, dict]]:
    places = json.loads(_DATA.read_text(encoding="utf-8"))["places"]
    by_name = {p["name"]: p for p in places}
    names = sorted(by_name, key=len, reverse=True)  # longest first: "New York City" before "York"
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")
    return pattern, by_name


def find_locations(text: str) -> list[dict[str, Any]]:
    """Places in order of first mention: {"value", "kind" (country|region|city|remote), "country"?,
    "latitude"/"longitude" (cities)}."""
    pattern, by_name = _gazetteer()
    found: dict[str, dict[str, str]] = {}
    for match in pattern.finditer(text):
        place = by_name[match.group(1)]
        found.setdefault(place["name"], {"value": place["name"], **{k: v for k, v in place.items() if k != "name"}})
    if _REMOTE.search(text):
        found.setdefault("Remote", {"value": "Remote", "kind": "remote"})
    return list(found.values())


def place_named(name: str) -> dict[str, Any] | None:
    """The gazetteer entry for a place name or ISO country code (any case), in find_locations' shape."""
    _pattern, by_name = _gazetteer()
    wanted = name.strip().casefold()
    for place in by_name.values():
        if place["name"].casefold() == wanted or (place["kind"] == "country" and place["country"].casefold() == wanted):
            return {"value": place["name"], **{k: v for k, v in place.items() if k != "name"}}
    if _REMOTE.fullmatch(name.strip()):
        return {"value": "Remote", "kind": "remote"}
    return None
