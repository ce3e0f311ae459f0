"""Places named in job-ad text: countries, US states and large cities (data/places.json, from GeoNames),
plus remote work. Matching is on whole, capitalised names, so 'nice' or 'reading' in prose never match."""

import functools
import json
import re
from pathlib import Path

_DATA = Path(__file__).parent / "data" / "places.json"
_REMOTE = re.compile(r"\b(remote|work from home|home[- ]based|hybrid)\b", re.IGNORECASE)


@functools.cache
def _gazetteer() -> tuple[re.Pattern, dict[str, dict]]:
    places = json.loads(_DATA.read_text(encoding="utf-8"))["places"]
    by_name = {p["name"]: p for p in places}
    names = sorted(by_name, key=len, reverse=True)  # longest first: "New York City" before "York"
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")
    return pattern, by_name


def find_locations(text: str) -> list[dict[str, str]]:
    """Places in order of first mention: {"value", "kind" (country|region|city|remote), "country"?}."""
    pattern, by_name = _gazetteer()
    found: dict[str, dict[str, str]] = {}
    for match in pattern.finditer(text):
        place = by_name[match.group(1)]
        found.setdefault(place["name"], {"value": place["name"], "kind": place["kind"], "country": place["country"]})
    if _REMOTE.search(text):
        found.setdefault("Remote", {"value": "Remote", "kind": "remote"})
    return list(found.values())
