"""Segmenting job-ad text with a promoted model: the code behind POST /segment and scripts/segment_ads.py.

Imports NumPy, onnxruntime and tokenizers only (no torch, no scikit-learn, nothing compiled at request time).
"""

from collections.abc import Sequence
from typing import Any

from segmentation.platform import settings
from segmentation.platform.errors import DependencyUnavailable
from segmentation.platform.storage import ArtifactStore
from segmentation.text.encoder import (
    QUANTIZED,
    EncoderError,
    OnnxEncoder,
    default_encoder_dir,
    matches_fingerprint,
)
from segmentation.text.locations import find_locations
from segmentation.text.model import TextModel
from segmentation.text.registry import LatestModelCache, ModelRegistry
from segmentation.text.seniority import seniority_of

TOP_SKILLS = 5
TOP_KEYWORDS = 5


def derive_primitives(profile: dict[str, Any], text: str) -> list[dict[str, Any]]:
    """Audience primitives for an ad: its cluster's industry, skills and keywords, the seniority the ad
    states (else the cluster's dominant level), and the places the ad names."""
    primitives: list[dict[str, Any]] = []
    industry = profile.get("industry") or {}
    if industry.get("code"):
        primitives.append({"type": "industry", "value": industry["code"], "label": industry.get("label")})
    primitives += [{"type": "skill", "value": skill} for skill in profile.get("skills", [])[:TOP_SKILLS]]
    stated = seniority_of(None, text)
    if stated != "mid" or not profile.get("seniority"):
        primitives.append({"type": "seniority", "value": stated, "source": "ad"})
    else:
        primitives.append({"type": "seniority", "value": profile["seniority"]["dominant"], "source": "cluster"})
    primitives += [{"type": "keyword", "value": kw} for kw in profile.get("keywords", [])[:TOP_KEYWORDS]]
    primitives += [{"type": "location", **place} for place in find_locations(text)]
    return primitives


class Segmenter:
    def __init__(self, model: TextModel, encoder: OnnxEncoder, threshold: float):
        probe = model.manifest.get("encoder", {}).get("probe")
        if probe and not matches_fingerprint(encoder, probe):
            raise DependencyUnavailable(f"model {model.version} was trained with a different encoder than the "
                                        "one deployed (encoder fingerprint mismatch)")
        self.model, self.encoder, self.threshold = model, encoder, threshold

    def segment(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        embeddings = self.model.vectors(texts, lambda batch: self.encoder.embed(batch, max_tokens=self.model.max_tokens))
        assignment = self.model.assign(embeddings, texts)
        results = []
        for text, cluster, confidence in zip(texts, assignment.cluster_ids, assignment.confidence):
            profile = self.model.profiles[str(int(cluster))]
            confidence = round(float(confidence), 4)
            results.append({
                "derived_audience_primitives": derive_primitives(profile, text),
                "assigned_cluster_id": str(int(cluster)),
                "cluster_assignment_confidence": confidence,
                "cluster_profile_name": profile["name"],
                "targeting_mode": "cluster" if confidence >= self.threshold else "broad",
                "model_version": self.model.version,
            })
        return results


def load_encoder(model_dir, quantized: bool = QUANTIZED) -> OnnxEncoder:
    try:
        return OnnxEncoder(model_dir, quantized=quantized)
    except EncoderError as error:
        raise DependencyUnavailable(f"text encoder unavailable: {error}") from error


class PromotedSegmenter:
    """The segmenter for the promoted model, warm across invocations: the encoder is loaded once, the
    model is re-checked through LatestModelCache and the segmenter rebuilt only when a new version is
    promoted. Shared by POST /segment and the jobs service."""

    def __init__(self):
        self.models = LatestModelCache(lambda: ModelRegistry(ArtifactStore(settings.artifacts_bucket())))
        self._encoder: OnnxEncoder | None = None
        self._segmenter: Segmenter | None = None

    def get(self) -> Segmenter:
        if self._encoder is None:
            self._encoder = load_encoder(default_encoder_dir())
        model = self.models.get()
        if self._segmenter is None or self._segmenter.model is not model:
            self._segmenter = Segmenter(model, self._encoder, settings.confidence_threshold())
        self._segmenter.threshold = settings.confidence_threshold()
        return self._segmenter
