"""Versioned text models in S3: models/text/{version}/<artifact files>, and models/text/latest.json
naming the promoted version and its predecessor (for rollback). A version becomes latest only if its
manifest says its quality gates passed."""

import time
from datetime import UTC, datetime
from typing import Any

from segmentation.platform import settings
from segmentation.platform.errors import Conflict, DependencyUnavailable, NotFound
from segmentation.platform.storage import ArtifactStore
from segmentation.text.model import ModelArtifactError, TextModel


class PromotionRefused(Conflict):
    """The model did not pass its quality gates; `latest` is unchanged."""


class ModelRegistry:
    def __init__(self, store: ArtifactStore, prefix: str | None = None):
        self.store = store
        self.prefix = prefix or settings.models_prefix()

    def _key(self, *parts: str) -> str:
        return self.prefix + "/".join(parts)

    def publish(self, model: TextModel) -> str:
        """Upload every artifact file; the manifest goes last, so a version is complete once it is visible."""
        files = model.to_files()
        for name, data in files.items():
            if name != "manifest.json":
                self.store.put_bytes(self._key(model.version, name), data)
        self.store.put_bytes(self._key(model.version, "manifest.json"), files["manifest.json"])
        return model.version

    def manifest(self, version: str) -> dict[str, Any]:
        try:
            return self.store.get_json(self._key(version, "manifest.json"))
        except NotFound as error:
            raise NotFound(f"model version {version} does not exist") from error

    def latest(self) -> dict[str, Any]:
        try:
            return self.store.get_json(self._key("latest.json"))
        except NotFound as error:
            raise DependencyUnavailable(f"no promoted text model: s3://{self.store.bucket}/"
                                        f"{self._key('latest.json')} is missing (train and promote one)") from error

    def promote(self, version: str) -> dict[str, Any]:
        manifest = self.manifest(version)
        gates = manifest.get("metrics", {}).get("gates", {})
        if not gates.get("passed"):
            raise PromotionRefused(f"model {version} failed its quality gates: "
                                   f"{'; '.join(gates.get('failures', ['no gate results']))}")
        try:
            previous = self.latest()["version"]
        except DependencyUnavailable:
            previous = None
        pointer = {"version": version, "previous": previous if previous != version else None,
                   "promoted_at": datetime.now(UTC).isoformat(timespec="seconds")}
        self.store.put_json(self._key("latest.json"), pointer)
        return pointer

    def rollback(self) -> dict[str, Any]:
        """Point latest back at the previous version (which stays loadable)."""
        current = self.latest()
        if not current.get("previous"):
            raise Conflict(f"model {current['version']} has no previous version to roll back to")
        self.manifest(current["previous"])
        pointer = {"version": current["previous"], "previous": None, "rolled_back_from": current["version"],
                   "promoted_at": datetime.now(UTC).isoformat(timespec="seconds")}
        self.store.put_json(self._key("latest.json"), pointer)
        return pointer

    def load(self, version: str) -> TextModel:
        def read_file(name: str) -> bytes | None:
            try:
                return self.store.get_bytes(self._key(version, name))[0]
            except NotFound:
                return None  # TextModel.read names the missing file

        return TextModel.read(read_file, where=self._key(version, ""))


class LatestModelCache:
    """The promoted model for a warm Lambda: loaded once, re-checked against latest.json at most every
    `max_age` seconds, reloaded only when the promoted version changes."""

    def __init__(self, registry_factory, max_age: float = 60.0):
        self.registry_factory = registry_factory
        self.max_age = max_age
        self.model: TextModel | None = None
        self.checked_at = 0.0

    def get(self) -> TextModel:
        now = time.monotonic()
        if self.model is not None and now - self.checked_at < self.max_age:
            return self.model
        registry = self.registry_factory()
        version = registry.latest()["version"]
        if self.model is None or self.model.version != version:
            try:
                self.model = registry.load(version)
            except ModelArtifactError as error:
                raise DependencyUnavailable(str(error)) from error
        self.checked_at = now
        return self.model
