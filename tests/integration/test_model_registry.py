"""Versioned models in S3: publish, promotion gates, rollback, and refusing corrupt artifacts."""

import boto3
import pytest
from segmentation.platform.errors import DependencyUnavailable
from segmentation.platform.storage import ArtifactStore
from segmentation.text.model import ModelArtifactError
from segmentation.text.registry import LatestModelCache, ModelRegistry, PromotionRefused

from tests.unit.test_text_model import blobs, model_from


@pytest.fixture
def registry(emulator) -> ModelRegistry:
    boto3.client("s3").create_bucket(Bucket="models")
    return ModelRegistry(ArtifactStore("models"), prefix="models/text/")


def trained(version: str, passed: bool = True):
    model = model_from(blobs()[0])
    model.manifest.update({"version": version, "metrics": {"gates": {
        "passed": passed, "failures": [] if passed else ["silhouette 0.01 < 0.02"]}}})
    return model


def test_promote_then_rollback(registry):
    for version in ("v1", "v2"):
        registry.publish(trained(version))
        registry.promote(version)
    assert registry.latest() | {"promoted_at": None} == {"version": "v2", "previous": "v1", "promoted_at": None}
    assert registry.rollback()["version"] == "v1"
    assert registry.load(registry.latest()["version"]).version == "v1"
    assert registry.load("v2").version == "v2"  # the rolled-back version stays loadable


def test_a_model_that_failed_its_gates_is_not_promoted(registry):
    registry.publish(trained("good"))
    registry.promote("good")
    registry.publish(trained("bad", passed=False))
    with pytest.raises(PromotionRefused, match="silhouette 0.01 < 0.02"):
        registry.promote("bad")
    assert registry.latest()["version"] == "good"


def test_missing_model_and_corrupt_artifact_are_reported_by_name(registry):
    cache = LatestModelCache(lambda: registry)
    with pytest.raises(DependencyUnavailable, match="no promoted text model.*latest.json is missing"):
        cache.get()
    registry.publish(trained("v1"))
    registry.promote("v1")
    boto3.client("s3").put_object(Bucket="models", Key="models/text/v1/centroids.npy", Body=b"garbage")
    with pytest.raises(DependencyUnavailable, match="models/text/v1/centroids.npy is corrupt"):
        cache.get()
    registry.publish(trained("v1"))
    boto3.client("s3").delete_object(Bucket="models", Key="models/text/v1/profiles.json")
    with pytest.raises(ModelArtifactError, match="models/text/v1/profiles.json is missing"):
        registry.load("v1")
