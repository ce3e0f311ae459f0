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
    # The lookahead on the names' first letters lets the engine skip every other position before it tries
    # 2,000+ alternatives there: the same matches, about 10x faster on a 150-word ad.
    initials = "".join(sorted({name[0] for name in names}))
    pattern = re.compile(r"(?<![\w-])(?=[" + re.escape(initials) + r"])("
                         + "|".join(re.escape(n) for n in names) + r")(?![\w-])")
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


PLACE_FORMS = ('a country, ISO country code, US state or state code, large city, "City, ST", "City, State", '
               '"City, Country", "Remote" or "Remote (US)"')
_REMOTE_IN = re.compile(r"^remote\s*(?:\((?P<paren>[^)]+)\)|[-,/]\s*(?P<after>.+))$", re.IGNORECASE)


@functools.cache
def _index() -> tuple[dict[str, list[dict]], dict[str, dict], dict[str, dict]]:
    """(places by folded name, all of them; US states by folded name and code; countries by folded name and code)."""
    places = json.loads(_DATA.read_text(encoding="utf-8"))["places"]
    by_name: dict[str, list[dict]] = {}
    states: dict[str, dict] = {}
    countries: dict[str, dict] = {}
    for place in places:
        by_name.setdefault(place["name"].casefold(), []).append(place)
        if place["kind"] == "region" and place["country"] == "US":
            states[place["name"].casefold()] = states[place["code"].casefold()] = place
        elif place["kind"] == "country":
            countries[place["name"].casefold()] = countries[place["country"].casefold()] = place
    return by_name, states, countries


def _shape(place: dict[str, Any]) -> dict[str, Any]:
    return {"value": place["name"], **{k: v for k, v in place.items() if k != "name"}}


def _single(name: str) -> dict[str, Any] | None:
    by_name, _states, countries = _index()
    wanted = name.strip().casefold()
    if wanted in countries:
        return _shape(countries[wanted])
    if wanted in by_name:  # a name that is both (Georgia) is the US state, as before; cities last
        ranked = sorted(by_name[wanted], key=lambda p: ("region", "country", "city").index(p["kind"]))
        return _shape(ranked[0])
    if _REMOTE.fullmatch(name.strip()):
        return {"value": "Remote", "kind": "remote"}
    return None


def place_named(name: str) -> dict[str, Any] | None:
    """The place a job ad names, in find_locations' shape, or None: a gazetteer name or ISO country code
    (any case), "City, ST" / "City, State" (a US city qualified by its state; the place carries `region`),
    "City, Country" (the city in that country) or "Remote (US)" (remote, limited to a country: `country`)."""
    text = " ".join(name.split())
    if remote := _REMOTE_IN.match(text):
        country = _index()[2].get((remote.group("paren") or remote.group("after")).strip().casefold())
        return {"value": f"Remote ({country['country']})", "kind": "remote", "country": country["country"]} \
            if country else None
    city, comma, qualifier = text.rpartition(",")
    if not comma:
        return _single(text)
    by_name, states, countries = _index()
    qualifier, cities = qualifier.strip().casefold(), [p for p in by_name.get(city.strip().casefold(), [])
                                                       if p["kind"] == "city"]
    state = states.get(qualifier)
    country = countries.get(qualifier)
    if state is not None and (found := [p for p in cities if p["country"] == "US"]):
        return {**_shape(found[0]), "region": state["code"]}
    if country is not None and (found := [p for p in cities if p["country"] == country["country"]]):
        return _shape(found[0])
    return None
