"""The platform-agnostic targeting form and the Meta, X and Google Ads adapters."""

import pytest
from segmentation.jobs.ads import confidence_badge
from segmentation.platform.errors import InvalidInput
from segmentation.targeting.form import build_form, resolve_location, validate_pin
from segmentation.targeting.platforms import META_MIN_RADIUS_KM, google, map_targeting, meta, x

PRIMITIVES = [
    {"type": "industry", "value": "TECH_SOFTWARE_DEV", "label": "Software development"},
    {"type": "skill", "value": "Python"}, {"type": "skill", "value": "SQL"},
    {"type": "seniority", "value": "senior", "source": "ad"},
    {"type": "keyword", "value": "backend"},
    {"type": "location", "value": "Berlin", "kind": "city", "country": "DE", "latitude": 52.5244,
     "longitude": 13.4105},
]
US = resolve_location("US", "default")


def test_cluster_form_carries_the_audience_and_the_ads_places():
    form = build_form(PRIMITIVES, "cluster", [], US)
    assert form["industries"] == ["TECH_SOFTWARE_DEV"] and form["skills"] == ["Python", "SQL"]
    assert form["seniority"] == ["SENIORITY_SENIOR"] and form["keywords"] == ["backend"]
    assert [p["value"] for p in form["locations"]] == ["Berlin"]


def test_broad_form_keeps_only_locations_and_falls_back_to_the_default_place():
    form = build_form([p for p in PRIMITIVES if p["type"] != "location"], "broad", [], US)
    assert form["industries"] == form["skills"] == form["seniority"] == form["keywords"] == []
    assert form["locations"] == [US]
    remote_only = build_form([{"type": "location", "value": "Remote", "kind": "remote"}], "broad", [], US)
    assert remote_only["locations"] == [US]


def test_the_ads_location_field_wins_over_places_in_its_text():
    form = build_form(PRIMITIVES, "cluster", [resolve_location("texas", "locations")], US)
    assert [(p["value"], p["kind"]) for p in form["locations"]] == [("Texas", "region")]


def test_pins_replace_derived_fields_and_are_listed():
    pin = validate_pin({"skills": ["Go"], "locations": ["Munich"]})
    form = build_form(PRIMITIVES, "broad", [], US, pin)
    assert form["skills"] == ["Go"] and [p["value"] for p in form["locations"]] == ["Munich"]
    assert form["pinned"] == ["skills", "locations"] and form["industries"] == []


@pytest.mark.parametrize(("pin", "field"), [
    ({"industries": ["NOT_AN_INDUSTRY"]}, "pinnedTargeting.industries"),
    ({"seniority": ["SENIORITY_GURU"]}, "pinnedTargeting.seniority"),
    ({"locations": ["Atlantis"]}, "pinnedTargeting.locations"),
    ({"age_range": [40, 20]}, "pinnedTargeting.age_range"),
    ({"interests": ["golf"]}, "pinnedTargeting"),
])
def test_bad_pins_name_the_field(pin, field):
    with pytest.raises(InvalidInput) as error:
        validate_pin(pin)
    assert error.value.field == field


def test_employment_rules_remove_age_gender_and_postal_codes_on_every_platform():
    pin = validate_pin({"age_range": [25, 35], "genders": ["male"], "postal_codes": ["94107"], "radius_km": 10})
    form = build_form(PRIMITIVES, "cluster", [], US, pin)
    for adapter in (meta, x, google):
        mapped = adapter(form)
        applied = {r["rule"] for r in mapped["rules_applied"] if r["applied"]}
        assert {"no_age_targeting", "no_gender_targeting", "no_postal_code_targeting"} <= applied
        text = repr(mapped["payload"])
        assert "94107" not in text and "'male'" not in text and "age_range" not in text and "genders" not in text
    targeting = meta(form)["payload"]["targeting"]
    assert (targeting["age_min"], targeting["age_max"]) == (18, 65)
    assert targeting["geo_locations"]["custom_locations"][0]["radius"] == META_MIN_RADIUS_KM
    assert google(form)["payload"]["campaign_criteria"][0]["proximity"]["radius"] == 10


def test_rules_report_nothing_changed_for_a_clean_form():
    mapped = meta(build_form(PRIMITIVES, "cluster", [], US))
    assert not any(r["applied"] for r in mapped["rules_applied"])
    assert mapped["payload"]["campaign"] == {"special_ad_categories": ["EMPLOYMENT"],
                                             "special_ad_category_country": ["DE"]}


def test_names_that_need_platform_ids_become_lookups():
    form = build_form(PRIMITIVES, "cluster", [resolve_location("Germany", "l"), resolve_location("Ohio", "l")], US)
    meta_lookups = {(lookup["query"], lookup["path"]) for lookup in meta(form)["lookups"]}
    assert ("Ohio", "targeting.geo_locations.regions[].key") in meta_lookups
    assert ("Python", "targeting.flexible_spec[0].interests[].id") in meta_lookups
    assert meta(form)["payload"]["targeting"]["geo_locations"]["countries"] == ["DE"]
    assert {lookup["query"] for lookup in x(form)["lookups"]} == {"Germany", "Ohio"}
    assert {lookup["query"] for lookup in google(form)["lookups"]} == {"Germany", "Ohio"}
    members = google(form)["payload"]["custom_audience"]["members"]
    assert [m["keyword"] for m in members] == ["Python", "SQL", "backend"]
    assert [c["targeting_value"] for c in x(form)["payload"]["targeting_criteria"]] == ["Python", "SQL", "backend"]


def test_mapped_targeting_has_every_platform_in_the_forms_mode():
    mapped = map_targeting(build_form(PRIMITIVES, "broad", [], US))
    assert set(mapped["platforms"]) == {"meta", "x", "google"}
    assert all(p["mode"] == "broad" for p in mapped["platforms"].values())


@pytest.mark.parametrize(("confidence", "badge"), [(None, None), (0.9, "green"), (0.51, "green"), (0.5, "yellow"),
                                                   (0.25, "yellow"), (0.249, "red"), (0.0, "red")])
def test_confidence_badge(confidence, badge):
    assert confidence_badge(confidence) == badge


@pytest.mark.parametrize(("written", "value", "extra"), [
    ("Austin, TX", "Austin", {"kind": "city", "country": "US", "region": "TX"}),
    ("Austin, Texas", "Austin", {"kind": "city", "country": "US", "region": "TX"}),
    ("  austin ,  tx ", "Austin", {"kind": "city", "country": "US", "region": "TX"}),
    ("Berlin, Germany", "Berlin", {"kind": "city", "country": "DE"}),
    ("Berlin, DE", "Berlin", {"kind": "city", "country": "DE"}),
    ("Remote (US)", "Remote (US)", {"kind": "remote", "country": "US"}),
    ("Remote - United States", "Remote (US)", {"kind": "remote", "country": "US"}),
    ("Texas", "Texas", {"kind": "region", "country": "US"}),
    ("Remote", "Remote", {"kind": "remote"}),
])
def test_places_as_job_ads_write_them(written, value, extra):
    place = resolve_location(written, "locations")
    assert place["value"] == value
    assert extra.items() <= place.items()


@pytest.mark.parametrize("written", ["Austin, Germany", "Atlantis, TX", "Remote (Narnia)", "Springfield, ZZ", ","])
def test_unknown_places_name_the_field_and_the_forms_understood(written):
    with pytest.raises(InvalidInput) as raised:
        resolve_location(written, "location")
    assert raised.value.field == "location"
    assert '"City, ST"' in str(raised.value) and '"Remote (US)"' in str(raised.value)
