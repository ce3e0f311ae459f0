"""Segmenting a job ad: the /segment serving code, then pins and platform targeting on top."""

from typing import Any

from segmentation.platform import settings
from segmentation.platform.errors import InvalidInput
from segmentation.targeting.form import build_form, resolve_location, validate_pin
from segmentation.targeting.platforms import map_targeting
from segmentation.text.serving import Segmenter, derive_primitives, validate_ad_text


def ad_text(title: str, description: str) -> str:
    """The text the model reads for an ad: as in training (`title. text`)."""
    return f"{title.strip()}. {description.strip()}" if title.strip() else description.strip()


def default_location() -> dict[str, Any]:
    """DEFAULT_TARGET_LOCATION (a country, ISO code or large city; default US) for ads that name no place."""
    name = settings.optional("DEFAULT_TARGET_LOCATION", "US")
    return resolve_location(name, "DEFAULT_TARGET_LOCATION")


def segment_ad(segmenter: Segmenter, title: str, description: str, locations: list[str],
               pinned_cluster_id: str | None = None, pinned_targeting: dict[str, Any] | None = None,
               ) -> dict[str, Any]:
    """The segmentation fields of an ad (API names). A pinned cluster replaces the model's choice and
    always gets cluster targeting; pinned targeting fields replace the derived ones; in both cases
    `modelChoice` records what the model chose on its own."""
    text = validate_ad_text(ad_text(title, description), field="description")
    found = segmenter.segment([text])[0]
    model = segmenter.model
    cluster_id, mode = found["assigned_cluster_id"], found["targeting_mode"]
    primitives = found["derived_audience_primitives"]
    if pinned_cluster_id is not None:
        if pinned_cluster_id not in model.profiles:
            raise InvalidInput(f"pinned cluster {pinned_cluster_id!r} does not exist in model {model.version} "
                               f"(clusters: {sorted(model.profiles, key=int)})", field="pinnedClusterId")
        cluster_id, mode = pinned_cluster_id, "cluster"
        primitives = derive_primitives(model.profiles[cluster_id], text)
    ad_places = [resolve_location(name, "locations") for name in locations]
    pin = validate_pin(pinned_targeting) if pinned_targeting else None
    form = build_form(primitives, mode, ad_places, default_location(), pin)
    pinned = pinned_cluster_id is not None or bool(pinned_targeting)
    return {
        "derivedAudiencePrimitives": primitives,
        "audienceClusterId": cluster_id,
        "audienceConfidence": found["cluster_assignment_confidence"],
        "audienceClusterProfileName": model.profiles[cluster_id]["name"],
        "mappedTargeting": map_targeting(form),
        "modelVersion": model.version,
        "audienceSource": "pinned" if pinned else "model",
        "modelChoice": {
            "audienceClusterId": found["assigned_cluster_id"],
            "audienceConfidence": found["cluster_assignment_confidence"],
            "audienceClusterProfileName": found["cluster_profile_name"],
            "targetingMode": found["targeting_mode"],
        } if pinned else None,
    }
