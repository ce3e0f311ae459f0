"""A model version as files with a sha256 manifest, without pickle: the one way every model (the text
model, the candidate model) writes, reads and checks its files. Errors name the file."""

import io
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from segmentation.platform.integrity import sha256_hex


class ModelArtifactError(Exception):
    """An artifact is missing, altered or inconsistent; the message names the file."""


def npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


def seal(manifest: dict[str, Any], files: dict[str, bytes]) -> dict[str, bytes]:
    """`files` plus manifest.json, which lists each file's sha256 (recorded in `manifest` too)."""
    manifest["files"] = {name: sha256_hex(data) for name, data in sorted(files.items())}
    return {**files, "manifest.json": json.dumps(manifest, indent=2, sort_keys=True, default=str).encode()}


def save(directory: Path, files: dict[str, bytes]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (directory / name).write_bytes(data)
    return directory


class ArtifactFiles:
    """Read access to a version's files: each accessor raises ModelArtifactError naming `where` + the file."""

    def __init__(self, files: dict[str, bytes], where: str = ""):
        self.files, self.where = files, where

    def error(self, name: str, problem: str) -> ModelArtifactError:
        return ModelArtifactError(f"artifact {self.where}{name} {problem}")

    def file(self, name: str) -> bytes:
        if name not in self.files:
            raise self.error(name, "is missing")
        return self.files[name]

    def document(self, name: str) -> Any:
        try:
            return json.loads(self.file(name))
        except (ValueError, UnicodeDecodeError) as error:
            raise self.error(name, "is not valid JSON") from error

    def array(self, name: str) -> np.ndarray:
        try:
            return np.load(io.BytesIO(self.file(name)), allow_pickle=False)
        except ValueError as error:
            raise self.error(name, "is not a NumPy array file") from error

    def verify(self, manifest: dict[str, Any], names: list[str] | None = None) -> None:
        """Every file of `names` (default: all the manifest lists) is listed and matches its sha256."""
        listed = manifest.get("files", {})
        for name in listed if names is None else names:
            if name not in listed:
                raise self.error("manifest.json", f"does not list {name}")
            if sha256_hex(self.file(name)) != listed[name]:
                raise self.error(name, "is corrupt: sha256 does not match the manifest")


def read_files(read_file: Callable[[str], bytes | None], where: str) -> dict[str, bytes]:
    """manifest.json and the files it lists from any store (`read_file(name)` is None for an absent file),
    read concurrently: from S3 the reads overlap, one round trip instead of one per file."""
    manifest_bytes = read_file("manifest.json")
    if manifest_bytes is None:
        raise ModelArtifactError(f"artifact {where}manifest.json is missing")
    try:
        names = list(json.loads(manifest_bytes).get("files", {}))
    except (ValueError, UnicodeDecodeError, AttributeError) as error:
        raise ModelArtifactError(f"artifact {where}manifest.json is not valid JSON") from error
    with ThreadPoolExecutor(max_workers=8) as pool:
        contents = dict(zip(names, pool.map(read_file, names)))
    return {"manifest.json": manifest_bytes, **{name: data for name, data in contents.items() if data is not None}}


def directory_reader(directory: Path) -> Callable[[str], bytes | None]:
    return lambda name: (directory / name).read_bytes() if (directory / name).is_file() else None
