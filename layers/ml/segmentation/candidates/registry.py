"""Versioned candidate models: models/candidates/{version}/<artifact files> and models/candidates/latest.json
naming the promoted version and its predecessor, on S3 (the deployed stack) or in a local directory
(`ml train --out DIR`). Promotion through the quality gates and rollback are the text model's
(segmentation/text/registry.py); only the artifact format differs."""

import json
from pathlib import Path
from typing import Any

from segmentation.candidates.model import CandidateModel, ModelArtifactError
from segmentation.platform import settings
from segmentation.platform.errors import DependencyUnavailable, NotFound
from segmentation.platform.storage import ArtifactStore
from segmentation.text.registry import ModelRegistry, PromotionRefused

__all__ = ["CandidateRegistry", "LatestCandidateModel", "LocalStore", "PromotionRefused"]


def models_prefix() -> str:
    return settings.optional("CANDIDATE_MODELS_PREFIX", "models/candidates/")


class LocalStore:
    """ArtifactStore's interface on a directory, so one registry serves S3 and the CLI's files."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.bucket = str(self.root)

    def uri(self, key: str) -> str:
        return str(self.root / key)

    def get_bytes(self, key: str) -> tuple[bytes, dict[str, Any]]:
        path = self.root / key
        if not path.is_file():
            raise NotFound(f"{path} does not exist")
        return path.read_bytes(), {"etag": None, "version_id": None, "last_modified": None}

    def get_json(self, key: str) -> Any:
        return json.loads(self.get_bytes(key)[0])

    def put_bytes(self, key: str, body: bytes, content_type: str = "application/octet-stream") -> None:
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(body)
        temporary.replace(path)

    def put_json(self, key: str, document: Any) -> None:
        self.put_bytes(key, json.dumps(document, indent=2, sort_keys=True, default=str).encode())


class CandidateRegistry(ModelRegistry):
    def __init__(self, store: ArtifactStore | LocalStore, prefix: str | None = None):
        super().__init__(store)
        self.prefix = models_prefix() if prefix is None else prefix  # "" for a local directory

    def uri(self, version: str) -> str:
        key = self._key(version, "")
        return self.store.uri(key) if isinstance(self.store, LocalStore) else f"s3://{self.store.bucket}/{key}"

    def latest(self) -> dict[str, Any]:
        where = self.store.uri(self._key("latest.json")) if isinstance(self.store, LocalStore) else \
            f"s3://{self.store.bucket}/{self._key('latest.json')}"
        try:
            pointer = self.store.get_json(self._key("latest.json"))
        except NotFound as error:
            raise DependencyUnavailable(f"no promoted candidate model: {where} is missing "
                                        "(train one: POST /api/candidates/segmentation/train or `ml train`)") from error
        except ValueError as error:
            raise DependencyUnavailable(f"candidate model pointer {where} is corrupt: not valid JSON") from error
        if not isinstance(pointer, dict) or not isinstance(pointer.get("version"), str):
            raise DependencyUnavailable(f"candidate model pointer {where} is corrupt: it names no version")
        return pointer

    def load(self, version: str) -> CandidateModel:
        def read_file(name: str) -> bytes | None:
            try:
                return self.store.get_bytes(self._key(version, name))[0]
            except NotFound:
                return None

        where = (self.store.uri(self._key(version, "")) if isinstance(self.store, LocalStore)
                 else f"s3://{self.store.bucket}/{self._key(version, '')}")
        return CandidateModel.read(read_file, where=where)

    def load_latest(self) -> CandidateModel:
        """The promoted model; DependencyUnavailable (503) naming the file when it is missing or corrupt."""
        try:
            return self.load(self.latest()["version"])
        except ModelArtifactError as error:
            raise DependencyUnavailable(str(error)) from error


class LatestCandidateModel:
    """The promoted model for a warm Lambda: latest.json is read on every call (one small GET), the model
    files only when the promoted version (or the bucket) changes."""

    def __init__(self):
        self.model: CandidateModel | None = None
        self.where: tuple[str, str] | None = None

    def get(self, registry: CandidateRegistry | None = None) -> CandidateModel:
        registry = registry or CandidateRegistry(ArtifactStore(settings.artifacts_bucket()))
        version = registry.latest()["version"]
        where = (registry.store.bucket, version)
        if self.model is None or self.where != where:
            try:
                self.model = registry.load(version)
            except ModelArtifactError as error:
                self.model, self.where = None, None
                raise DependencyUnavailable(str(error)) from error
            self.where = where
        return self.model
