"""Platform payloads: normalisation and hashing against the platforms' published examples, minimum
sizes, identifier compatibility and the restricted-category rules."""

import base64
import hashlib

import pytest
from segmentation.audiences import distribution as d


def segment(size=500, name="Eco-Forward Stewards", traits=("improving & protecting environment: too little",)):
    return {"group_id": 3, "name": name, "size": size, "size_percentage": 9.6, "dominantTraits": list(traits)}


# Meta Marketing API, customer file custom audiences: "  John_Smith@gmail.com " -> normalised and hashed.
META_EMAIL = "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"
# UID2 docs, "Normalization and Encoding": user@example.com and +12345678901, SHA-256 then Base64.
UID2_EMAIL = "tMmiiTI7IaAcPpQPFQ65uMVCWH8av9jw4cwf/F5HVRQ="
UID2_PHONE = "EObwtHBUqDNZR33LNSMdtt5cafsYFuGmuY4ZLenlue4="


def test_email_normalisation_and_meta_hash_match_the_published_example():
    assert d.sha256_hex(d.normalize_email("  John_Smith@gmail.com ")) == META_EMAIL


def test_uid2_hashes_match_the_published_examples():
    assert d.sha256_base64(d.normalize_email("User@Example.com", canonical_gmail=True)) == UID2_EMAIL
    assert d.sha256_base64(d.normalize_phone("+1 (234) 567-8901")) == UID2_PHONE
    assert d.normalize_email("Jane.Doe+promo@gmail.com", canonical_gmail=True) == "janedoe@gmail.com"
    assert d.normalize_email("jane.doe+promo@example.com", canonical_gmail=True) == "jane.doe+promo@example.com"


@pytest.mark.parametrize(("raw", "e164"), [("(234) 567-8901", "+12345678901"), ("+44 20 7946 0958", "+442079460958"),
                                           ("0044 20 7946 0958", "+442079460958"), ("1-234-567-8901", "+12345678901")])
def test_phone_numbers_become_e164(raw, e164):
    assert d.normalize_phone(raw) == e164


@pytest.mark.parametrize(("kind", "value"), [("email", "no-at-sign"), ("phone", "12"), ("postal_code", "ABCDE"),
                                             ("rampid", "has space")])
def test_bad_identifiers_are_refused_without_quoting_them(kind, value):
    with pytest.raises(d.InvalidIdentifier) as error:
        d.normalize_identifier(kind, value)
    assert value not in str(error.value)


def test_people_payloads_per_platform():
    emails = [f"person{i}@example.invalid" for i in range(150)]
    meta = d.build("meta", segment(), record_kind="email", identifiers=emails, variables=[])
    assert meta["status"] == "queued"
    payload = meta["payload"]["users"]["payload"]
    assert payload["schema"] == ["EMAIL_SHA256"] and payload["data"][0] == [hashlib.sha256(emails[0].encode()).hexdigest()]
    google = d.build("google", segment(), record_kind="email", identifiers=emails, variables=[])["payload"]
    assert google["operations"][0] == {"create": {"userIdentifiers": [{"hashedEmail": d.sha256_hex(emails[0])}]}}
    ttd = d.build("ttd", segment(), record_kind="email", identifiers=emails * 7, variables=[])["payload"]
    digest = base64.b64decode(ttd["identity_map"]["items"][0]["email_hash"])
    assert digest == hashlib.sha256(emails[0].encode()).digest()
    x = d.build("x", segment(), record_kind="email", identifiers=emails, variables=[])["payload"]
    assert x["operations"][0]["params"]["users"][0] == {"email": [d.sha256_hex(emails[0])]}
    liveramp = d.build("liveramp", segment(), record_kind="rampid", identifiers=["XY1000abc"] * 1000, variables=[])
    assert liveramp["payload"]["rows"][0] == ["XY1000abc", "Eco-Forward Stewards"]  # passthrough


def test_minimum_sizes_and_identifier_compatibility():
    few = [f"p{i}@example.invalid" for i in range(99)]
    small = d.build("meta", segment(), record_kind="email", identifiers=few, variables=[])
    assert small["status"] == "too_small" and "at least 100" in small["reason"] and "payload" not in small
    assert d.build("liveramp", segment(), record_kind="email", identifiers=few * 20, variables=[])["status"] == \
        "not_applicable"
    assert all(m["source"] for m in d.MINIMUM_SIZES.values())


def test_special_ad_categories_refuse_age_gender_and_zip_targeting():
    young = segment(traits=("Low age of respondent",))
    refused = d.build("meta", young, record_kind="panel", identifiers=None, variables=[], ad_category="employment")
    assert refused["status"] == "refused" and "may not target by age" in refused["reason"]
    zips = d.build("google", segment(traits=("High Per capita income (USD)",)), record_kind="postal_code",
                   identifiers=["10001"], variables=[], ad_category="housing")
    assert zips["status"] == "refused" and "zip" in zips["reason"]
    fine = d.build("meta", young, record_kind="panel", identifiers=None, variables=[])
    assert fine["status"] == "queued" and "segment_definition" in fine["payload"]


def test_sensitive_traits_warn_on_meta():
    rich = segment(traits=("High family income in constant $",))
    result = d.build("meta", rich, record_kind="panel", identifiers=None, variables=[])
    assert result["status"] == "queued" and any("financial status" in w for w in result["warnings"])
    credit = d.build("meta", rich, record_kind="panel", identifiers=None, variables=[], ad_category="credit")
    assert credit["status"] == "refused"


def test_clean_room_segments_are_aggregates_and_small_ones_suppressed():
    kept = d.build("meta", segment(size=60), record_kind="clean_room", identifiers=None, variables=[])
    assert kept["status"] == "queued" and set(kept["payload"]) == {"aggregate"}
    dropped = d.build("meta", segment(size=49), record_kind="clean_room", identifiers=None, variables=[])
    assert dropped["status"] == "suppressed" and "payload" not in dropped


def test_zip_geo_targets():
    meta = d.build("meta", segment(traits=("High Median age (years)",)), record_kind="postal_code",
                   identifiers=["10001", "94103"], variables=[])
    assert meta["payload"]["ad_set_targeting"]["geo_locations"]["zips"] == [{"key": "US:10001"}, {"key": "US:94103"}]
