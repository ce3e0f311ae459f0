"""Ad-platform adapters: the targeting form -> the payload each platform's API takes, with the
employment special-category rules enforced.

Job ads are a special ad category (employment) on Meta, Google and X: in the US and Canada by law and
platform policy, and on Meta in more and more countries. We apply the rules to every ad, everywhere:
  - no age targeting (Meta requires the full 18-65+ range), no gender targeting,
  - no postal/ZIP-code targeting,
  - Meta: cities and custom locations need a radius of at least 15 miles (24.14 km), and the campaign
    declares `special_ad_categories: ["EMPLOYMENT"]`;
  - Google (personalized-advertising policy for housing, employment and credit): also no parental or
    marital status (the form never carries them).
Each adapter reports every rule with whether it changed the request.

Names that a platform only accepts as its own ids (Meta interests and regions, X locations, Google geo
target constants) cannot be resolved offline: they are listed under `lookups` with the platform's search
endpoint, the query and where the id goes; everything else is in the payload as the API expects it.
"""

from collections.abc import Callable
from typing import Any

from segmentation.targeting.form import industry_labels

META_MIN_RADIUS_KM = 24.14  # 15 miles
PLATFORMS = ("meta", "x", "google")


def _common_rules(form: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"rule": "no_age_targeting", "applied": form.get("age_range") is not None,
         "detail": f"removed age_range {form['age_range']}" if form.get("age_range") else "no age range requested"},
        {"rule": "no_gender_targeting", "applied": bool(form.get("genders")),
         "detail": f"removed genders {form['genders']}" if form.get("genders") else "no gender requested"},
        {"rule": "no_postal_code_targeting", "applied": bool(form.get("postal_codes")),
         "detail": f"removed postal codes {form['postal_codes']}" if form.get("postal_codes")
         else "no postal code requested"},
    ]


def _cities(form: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in form["locations"] if p["kind"] == "city" and "latitude" in p]


def _countries(form: dict[str, Any]) -> list[str]:
    return sorted({p["country"] for p in form["locations"] if p["kind"] == "country"})


def _interest_terms(form: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys(form["skills"] + form["keywords"]))


def meta(form: dict[str, Any]) -> dict[str, Any]:
    """Meta Marketing API: campaign special_ad_categories + ad set `targeting` spec."""
    rules = _common_rules(form)
    radius = max(form["radius_km"], META_MIN_RADIUS_KM)
    rules.append({"rule": "min_location_radius_15mi", "applied": form["radius_km"] < META_MIN_RADIUS_KM,
                  "detail": f"radius {form['radius_km']} km raised to {META_MIN_RADIUS_KM} km"
                  if form["radius_km"] < META_MIN_RADIUS_KM else f"radius {radius} km"})
    geo: dict[str, Any] = {"location_types": ["home", "recent"]}
    if _countries(form):
        geo["countries"] = _countries(form)
    if _cities(form):
        geo["custom_locations"] = [{"latitude": c["latitude"], "longitude": c["longitude"], "radius": radius,
                                    "distance_unit": "kilometer", "name": c["value"]} for c in _cities(form)]
    lookups = [{"endpoint": "GET /search?type=adgeolocation&location_types=['region']", "query": p["value"],
                "country_code": p["country"], "path": "targeting.geo_locations.regions[].key"}
               for p in form["locations"] if p["kind"] == "region"]
    lookups += [{"endpoint": "GET /search?type=adTargetingCategory&class=industries",
                 "query": industry_labels()[code], "path": "targeting.flexible_spec[0].industries[].id"}
                for code in form["industries"]]
    lookups += [{"endpoint": "GET /search?type=adinterest", "query": term,
                 "path": "targeting.flexible_spec[0].interests[].id"} for term in _interest_terms(form)]
    countries = sorted({p["country"] for p in form["locations"] if p.get("country")})
    return {
        "payload": {
            "campaign": {"special_ad_categories": ["EMPLOYMENT"], "special_ad_category_country": countries},
            "targeting": {"age_min": 18, "age_max": 65, "geo_locations": geo},
        },
        "lookups": lookups,
        "rules_applied": rules,
    }


def x(form: dict[str, Any]) -> dict[str, Any]:
    """X Ads API: targeting criteria for a line item (POST /accounts/:id/targeting_criteria, batch form)."""
    rules = _common_rules(form)
    criteria = [{"targeting_type": "BROAD_KEYWORD", "targeting_value": term} for term in _interest_terms(form)]
    lookups = [{"endpoint": "GET /targeting_criteria/locations", "query": p["value"],
                "country_code": p["country"], "path": "targeting_criteria[targeting_type=LOCATION].targeting_value"}
               for p in form["locations"] if p.get("country")]
    return {"payload": {"targeting_criteria": criteria}, "lookups": lookups, "rules_applied": rules}


def google(form: dict[str, Any]) -> dict[str, Any]:
    """Google Ads API: campaign location/proximity criteria and a custom audience of keyword members."""
    rules = _common_rules(form)
    criteria = [{"proximity": {"geo_point": {"latitude_in_micro_degrees": round(c["latitude"] * 1e6),
                                             "longitude_in_micro_degrees": round(c["longitude"] * 1e6)},
                               "radius": form["radius_km"], "radius_units": "KILOMETERS"}} for c in _cities(form)]
    lookups = [{"endpoint": "GeoTargetConstantService.SuggestGeoTargetConstants", "query": p["value"],
                "country_code": p["country"], "path": "campaign_criteria[].location.geo_target_constant"}
               for p in form["locations"] if p["kind"] in ("country", "region")]
    payload: dict[str, Any] = {"campaign_criteria": criteria}
    terms = _interest_terms(form)
    if terms:
        payload["custom_audience"] = {"type": "SEARCH",
                                      "members": [{"member_type": "KEYWORD", "keyword": term} for term in terms]}
    return {"payload": payload, "lookups": lookups, "rules_applied": rules}


ADAPTERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {"meta": meta, "x": x, "google": google}


def map_targeting(form: dict[str, Any]) -> dict[str, Any]:
    """`mappedTargeting` for an ad: the form and every platform's payload."""
    return {"mode": form["mode"], "form": form,
            "platforms": {name: {"mode": form["mode"], **adapter(form)} for name, adapter in ADAPTERS.items()}}
