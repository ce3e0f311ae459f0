"""Distribution to ad platforms: each platform's real upload payload, built offline, with its minimum
audience size and the restricted-category rules enforced. Pure: no I/O, no network (the outbox in
`audiences/outbox.py` writes what this builds; a `Connector` pushes it later with credentials).

What goes out depends on the audience's record set (docs/audiences.md, "Distribution"):
  - first-party uploads with people identifiers: hashed identifiers per segment, per platform;
  - postal-code audiences (ZCTAs): ZIP geo-targets per segment;
  - panel audiences (GSS respondents): segment definitions (name, traits, share), never people;
  - clean-room audiences: segment-level aggregates only, segments under the suppression minimum left out.

Normalisation (each platform's documentation; the tests check the published examples):
  - e-mail: trim, lower-case. UID2 also canonicalises gmail.com addresses (dots and a "+tag" removed
    from the local part).
  - phone: E.164 (`+` country code and number, digits only); Meta wants the digits without `+`.
  - SHA-256 of the UTF-8 bytes: lower-case hex for Meta, Google and X; Base64 of the 32 raw bytes for UID2.
"""

from __future__ import annotations

import base64
import hashlib
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any

PLATFORMS = ("meta", "google", "x", "ttd", "liveramp")

# Minimum audience sizes (people matched/uploaded) below which a platform will not serve an audience.
# source: where the figure comes from; "project policy" where the platform publishes none we could cite.
MINIMUM_SIZES: dict[str, dict[str, Any]] = {
    "meta": {"minimum": 100, "source": "Meta Business Help Center, 'About Custom Audiences': an audience needs "
             "at least 100 matched people to deliver ads"},
    "google": {"minimum": 100, "source": "Google Ads Help, 'About Customer Match': a list needs at least 100 "
               "active members to serve"},
    "x": {"minimum": 100, "source": "X Business Help, 'Custom Audiences': at least 100 matched users"},
    "ttd": {"minimum": 1000, "source": "project policy: The Trade Desk publishes no minimum for first-party "
            "segments; 1,000 is our conservative floor"},
    "liveramp": {"minimum": 1000, "source": "project policy: LiveRamp sets minimums per destination; 1,000 "
                 "is our conservative floor"},
}

# Which people identifiers (an upload's subtype) each platform takes.
ACCEPTS: dict[str, tuple[str, ...]] = {
    "meta": ("email", "phone", "maid"),
    "google": ("email", "phone", "maid"),
    "x": ("email", "phone", "maid"),
    "ttd": ("email", "phone", "uid2"),
    "liveramp": ("rampid",),
}

SPECIAL_AD_CATEGORIES = ("employment", "housing", "credit")
# Variables that may not drive special-category ads (employment, housing, credit): age, sex/gender, ZIP.
PROTECTED_TARGETING = {"age": ("age", "cohort", "birth", "born", "millennial", "generation"),
                       "gender": ("sex", "gender"),
                       "zip": ("zip", "postal", "zcta")}
# Meta's personal-attributes policy: audiences must not imply health or financial status (also race,
# religion, sexual orientation, ...); segments whose traits lean on these get a warning (refused for
# special ad categories).
SENSITIVE_TERMS = {"health": ("health", "disab", "illness", "medical", "doctor", "hospital", "mental",
                              "depress", "drug", "alcohol"),
                   "financial status": ("income", "poor", "wealth", "debt", "welfare", "financial", "rich",
                                        "afford", "unemploy", "money"),
                   "religion": ("relig", "church", "pray", "god"),
                   "race or ethnicity": ("race", "racial", "ethnic", "hispanic", "black", "white", "asian")}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_GMAIL = ("gmail.com", "googlemail.com")


class InvalidIdentifier(ValueError):
    """An identifier that cannot be normalised; the message never quotes the identifier itself."""


# ---------------------------------------------------------------- normalisation and hashing
def normalize_email(value: str, *, canonical_gmail: bool = False) -> str:
    email = value.strip().lower()
    if not _EMAIL.match(email):
        raise InvalidIdentifier("not an e-mail address")
    if canonical_gmail:
        local, domain = email.split("@", 1)
        if domain in _GMAIL:
            email = local.split("+", 1)[0].replace(".", "") + "@" + domain
    return email


def normalize_phone(value: str, default_country_code: str = "1") -> str:
    """E.164: `+`, country code, subscriber number; digits only, 8-15 of them. A number without a
    leading `+` or `00` is taken as national and gets the default country code (US/Canada: 1)."""
    raw = value.strip()
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    digits = re.sub(r"\D", "", raw)
    if not raw.startswith("+"):
        digits = digits.lstrip("0")
        if not digits.startswith(default_country_code) or len(digits) <= 10:
            digits = default_country_code + digits
    if not 8 <= len(digits) <= 15:
        raise InvalidIdentifier("not a phone number (E.164 allows 8 to 15 digits)")
    return "+" + digits


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_base64(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def normalize_identifier(kind: str, value: str) -> str:
    """The canonical form the upload validator stores (e-mail lower-cased, phone E.164; ids trimmed)."""
    if kind == "email":
        return normalize_email(value)
    if kind == "phone":
        return normalize_phone(value)
    if kind == "postal_code":
        zip5 = re.sub(r"\s", "", value)[:5]
        if not re.fullmatch(r"\d{5}", zip5):
            raise InvalidIdentifier("not a 5-digit US ZIP code")
        return zip5
    ident = value.strip()
    if not ident or len(ident) > 256 or any(c.isspace() for c in ident):
        raise InvalidIdentifier(f"not a {kind} identifier")
    return ident


# ---------------------------------------------------------------- per-platform people payloads
def _meta_people(kind: str, ids: list[str], name: str) -> dict[str, Any]:
    if kind == "maid":  # mobile advertiser ids are sent as they are
        schema, data = ["MADID"], [[i.lower()] for i in ids]
    elif kind == "email":
        schema, data = ["EMAIL_SHA256"], [[sha256_hex(i)] for i in ids]
    else:
        schema, data = ["PHONE_SHA256"], [[sha256_hex(i.lstrip("+"))] for i in ids]
    return {"endpoint": "POST /{ad_account_id}/customaudiences, then POST /{custom_audience_id}/users",
            "custom_audience": {"name": name, "subtype": "CUSTOM", "customer_file_source": "USER_PROVIDED_ONLY"},
            "users": {"payload": {"schema": schema, "data": data}}}


def _google_people(kind: str, ids: list[str], name: str) -> dict[str, Any]:
    if kind == "email":
        identifiers = [{"hashedEmail": sha256_hex(i)} for i in ids]
    elif kind == "phone":
        identifiers = [{"hashedPhoneNumber": sha256_hex(i)} for i in ids]
    else:
        identifiers = [{"mobileId": i} for i in ids]
    return {"endpoint": "customers/{customer_id}/offlineUserDataJobs:addOperations",
            "user_list": {"name": name, "crmBasedUserList": {"uploadKeyType":
                          "MOBILE_ADVERTISING_ID" if kind == "maid" else "CONTACT_INFO"}},
            "operations": [{"create": {"userIdentifiers": [identifier]}} for identifier in identifiers]}


def _x_people(kind: str, ids: list[str], name: str) -> dict[str, Any]:
    field = {"email": "email", "phone": "phone_number", "maid": "device_id"}[kind]
    hashed = [sha256_hex(i.lstrip("+") if kind == "phone" else i.lower() if kind == "maid" else i) for i in ids]
    return {"endpoint": "POST /12/accounts/{account_id}/custom_audiences/{custom_audience_id}/users",
            "custom_audience": {"name": name},
            "operations": [{"operation_type": "Update", "params": {"users": [{field: [h]} for h in hashed]}}]}


def _ttd_people(kind: str, ids: list[str], name: str) -> dict[str, Any]:
    if kind == "uid2":
        items = [{"uid2": i} for i in ids]
    elif kind == "email":
        items = [{"email_hash": sha256_base64(normalize_email(i, canonical_gmail=True))} for i in ids]
    else:
        items = [{"phone_hash": sha256_base64(i)} for i in ids]
    return {"endpoint": "POST /v2/identity/map (UID2 operator), then POST /data/advertiser (The Trade Desk)",
            "segment": {"name": name}, "identity_map": {"items": items}}


def _liveramp_people(kind: str, ids: list[str], name: str) -> dict[str, Any]:
    return {"endpoint": "LiveRamp Activation: segment file drop (RampIDs pass through unchanged)",
            "segment": {"name": name}, "columns": ["RampID", "segment"], "rows": [[i, name] for i in ids]}


PEOPLE_BUILDERS = {"meta": _meta_people, "google": _google_people, "x": _x_people, "ttd": _ttd_people,
                   "liveramp": _liveramp_people}


# ---------------------------------------------------------------- geo and definition payloads
def _zip_targets(platform: str, zips: list[str], name: str) -> dict[str, Any]:
    if platform == "meta":
        return {"ad_set_targeting": {"geo_locations": {"zips": [{"key": f"US:{z}"} for z in zips]}}, "name": name}
    if platform == "ttd":
        return {"geo_targeting": {"postal_codes": [{"country": "US", "postal_code": z} for z in zips]}, "name": name}
    if platform == "liveramp":
        return {"segment": {"name": name}, "postal_codes": zips}
    return {"name": name, "postal_codes": zips,
            "lookups": [{"endpoint": "GeoTargetConstantService.SuggestGeoTargetConstants" if platform == "google"
                         else "GET /12/targeting_criteria/locations?location_type=POSTAL_CODES",
                         "queries": zips, "why": "the platform takes postal codes only as its own geo ids"}]}


def _definition(segment: dict[str, Any], record_set: str) -> dict[str, Any]:
    return {"name": segment["name"], "record_set": record_set, "share_percentage": segment["size_percentage"],
            "traits": segment.get("traits", [])[:10], "lifestyle_segments": segment.get("lifestyle_segments", []),
            "note": "a segment definition from survey respondents: no people are uploaded; build the platform "
                    "audience from the traits (interests, demographics) or a data partner's matching segment"}


# ---------------------------------------------------------------- policy
def _text_of(segment: dict[str, Any], variables: list[dict[str, Any]]) -> str:
    words = [segment.get("name", ""), *segment.get("dominantTraits", [])]
    words += [f"{v.get('code', '')} {v.get('description', '')} {v.get('category', '')}" for v in variables]
    return " ".join(words).lower()


def policy_findings(segment: dict[str, Any], variables: list[dict[str, Any]], record_kind: str,
                    ad_category: str | None) -> tuple[list[str], list[str]]:
    """(refusals, warnings) for one segment: special ad categories may not target by age, gender or ZIP;
    audiences implying health, financial status, religion or race draw a Meta warning."""
    text = _text_of(segment, variables)
    refusals, warnings = [], []
    if ad_category in SPECIAL_AD_CATEGORIES:
        for attribute, terms in PROTECTED_TARGETING.items():
            if (attribute == "zip" and record_kind == "postal_code") or any(t in text for t in terms):
                refusals.append(f"{ad_category} ads may not target by {attribute} (US special ad category rules: "
                                "Meta, Google and X)")
    for attribute, terms in SENSITIVE_TERMS.items():
        if any(re.search(rf"\b{t}", text) for t in terms):
            message = f"segment suggests {attribute}: Meta's personal-attributes policy blocks audiences implying it"
            (refusals if ad_category in SPECIAL_AD_CATEGORIES else warnings).append(message)
    return refusals, warnings


# ---------------------------------------------------------------- one platform, one segment
def build(platform: str, segment: dict[str, Any], *, record_kind: str, identifiers: list[str] | None,
          variables: list[dict[str, Any]], ad_category: str | None = None,
          suppression_minimum: int = 50) -> dict[str, Any]:
    """{platform, group_id, status, reason?, warnings, payload?} for one segment on one platform.

    record_kind: an identifier kind (email, phone, maid, uid2, rampid) for people uploads, "postal_code"
    for ZIP audiences, "panel" for survey definitions, "clean_room" for aggregates."""
    result: dict[str, Any] = {"platform": platform, "group_id": segment["group_id"], "name": segment["name"],
                              "size": segment["size"], "warnings": []}
    refusals, warnings = policy_findings(segment, variables, record_kind, ad_category)
    result["warnings"] = warnings
    if refusals:
        return {**result, "status": "refused", "reason": "; ".join(refusals)}
    if record_kind == "clean_room":
        if segment["size"] < suppression_minimum:
            return {**result, "status": "suppressed",
                    "reason": f"clean-room segment below the suppression minimum of {suppression_minimum} records"}
        return {**result, "status": "queued", "payload": {"aggregate": {
            "name": segment["name"], "size": segment["size"], "size_percentage": segment["size_percentage"],
            "traits": segment.get("traits", [])[:10]}}}
    if record_kind == "panel":
        return {**result, "status": "queued", "payload": {"segment_definition": _definition(segment, "panel")}}
    if record_kind == "postal_code":
        return {**result, "status": "queued", "payload": _zip_targets(platform, identifiers or [], segment["name"])}
    if record_kind not in ACCEPTS[platform]:
        return {**result, "status": "not_applicable",
                "reason": f"{platform} does not take {record_kind} identifiers (takes: {', '.join(ACCEPTS[platform])})"}
    ids = identifiers or []
    minimum = MINIMUM_SIZES[platform]
    if len(ids) < minimum["minimum"]:
        return {**result, "status": "too_small", "reason": f"{len(ids)} people; {platform} needs at least "
                f"{minimum['minimum']} ({minimum['source']})"}
    return {**result, "status": "queued", "payload": PEOPLE_BUILDERS[platform](record_kind, ids, segment["name"])}


# ---------------------------------------------------------------- connectors
class Connector(ABC):
    """Pushes a built payload to a platform's API. The outbox connector writes it to S3 for a later push;
    a real connector for a platform takes that platform's credentials (an access token, a developer token
    and customer id, OAuth 1.0a keys, a partner key) and returns the platform's own audience id."""

    platform: str

    def __init__(self, platform: str, credentials: Mapping[str, str] | None = None):
        if platform not in PLATFORMS:
            raise ValueError(f"unknown platform {platform!r}; known: {', '.join(PLATFORMS)}")
        self.platform = platform
        self.credentials = dict(credentials or {})

    @abstractmethod
    def push(self, audience_id: str, result: dict[str, Any]) -> dict[str, Any]:
        """Deliver one segment's payload; answers {status, location | platform_audience_id}."""
