"""Record sets the audience builder segments: the GSS panel, the ZCTAs (built by
scripts/build_audience_records.py into records/, read here with NumPy only, hash-checked) and first-party
uploads (validated into the same shape by audiences/uploads.py and kept on S3).

Which set a `process` payload chooses (docs/audiences.md, "Record sets"):
  third_party (default), no subtype or "panel"    -> panel
  third_party, subtype "postal_code"              -> zcta
  first_party, upload_id                          -> that upload
  clean_room, upload_id or no upload              -> that upload or the panel, aggregates only
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from segmentation.platform.errors import DependencyUnavailable, InvalidInput

RECORDS_DIR = Path(__file__).resolve().parent / "records"
DATA_TYPES = ("first_party", "third_party", "clean_room")
IDENTIFIER_SUBTYPES = ("email", "phone", "rampid", "uid2", "maid", "postal_code")
THIRD_PARTY_SUBTYPES = ("panel", "postal_code")
# Clean-room outputs leave out any segment with fewer records than this (k-anonymity style threshold;
# 50 is the minimum aggregation threshold AWS Clean Rooms' and most clean rooms' defaults sit around).
CLEAN_ROOM_MINIMUM = 50


@dataclass
class RecordSet:
    """n records x p columns (float32, NaN = no value), survey weights and the columns' metadata."""

    name: str
    kind: str  # "panel" | "zcta" | "upload"
    values: np.ndarray
    weights: np.ndarray
    ids: list[str]
    columns: list[dict[str, Any]]
    source: dict[str, Any] = field(default_factory=dict)
    typology: tuple[np.ndarray, dict[str, Any]] | None = None  # (class per record, the classes), ZCTAs only

    @functools.cached_property
    def column_index(self) -> dict[str, int]:
        return {c["name"]: i for i, c in enumerate(self.columns)}

    @property
    def n(self) -> int:
        return len(self.ids)

    def column(self, name: str) -> dict[str, Any]:
        return self.columns[self.column_index[name]]

    def matrix(self, names: list[str]) -> np.ndarray:
        return self.values[:, [self.column_index[n] for n in names]]


def records_dir() -> Path:
    return Path(os.environ.get("AUDIENCE_RECORDS_DIR") or RECORDS_DIR)


def _read_verified(folder: Path, name: str, digest: str) -> bytes:
    """A record-set file's bytes, checked against its manifest sha256. The audiences layer ships `values.npy`
    gzip'd (layers/audiences/Makefile): `name.gz` is read when `name` is absent, and the check is on the
    decompressed bytes, so both forms answer to the same manifest."""
    path = folder / name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        packed = folder / f"{name}.gz"
        if not packed.exists():
            raise DependencyUnavailable(f"record set file {path} is missing; run `make records`") from None
        try:
            data = gzip.decompress(packed.read_bytes())
        except (OSError, EOFError) as error:
            raise DependencyUnavailable(f"record set file {packed} is not valid gzip: {error}") from None
        path = packed
    if hashlib.sha256(data).hexdigest() != digest:
        raise DependencyUnavailable(f"record set file {path} does not match its manifest's sha256; "
                                    "rebuild it with `make records`")
    return data


@functools.lru_cache(maxsize=4)
def load_builtin(name: str) -> RecordSet:
    """The panel or ZCTA record set, loaded once per container."""
    folder = records_dir() / name
    manifest_path = folder / "manifest.json"
    if not manifest_path.exists():
        raise DependencyUnavailable(f"record set {name} is not built ({manifest_path} is missing); run `make records`")
    manifest = json.loads(manifest_path.read_text())
    files = {name: _read_verified(folder, name, digest) for name, digest in manifest["files"].items()}

    def array(name: str) -> np.ndarray:
        return np.load(io.BytesIO(files[name]), allow_pickle=False)

    typology = None
    if "typology.npy" in files:
        typology = (array("typology.npy"), json.loads(files["typology.json"]))
    return RecordSet(name=name, kind=name, values=array("values.npy"), weights=array("weights.npy"),
                     ids=json.loads(files["ids.json"]), columns=manifest["columns"],
                     source=manifest["source"], typology=typology)


def resolve(data_type: str | None, subtype: str | None, upload_id: str | None) -> dict[str, Any]:
    """The record set a process payload names: {data_type, subtype, record_set, upload_id, clean_room}.
    Raises InvalidInput naming the payload field."""
    data_type = data_type or "third_party"
    if data_type not in DATA_TYPES:
        raise InvalidInput(f"data_type must be one of {', '.join(DATA_TYPES)}, not {data_type!r}",
                           field="payload.data_type")
    if data_type == "third_party":
        if upload_id:
            raise InvalidInput("third_party audiences use the built-in record sets; an upload_id is first_party "
                               "or clean_room data", field="payload.upload_id")
        if subtype not in (None, *THIRD_PARTY_SUBTYPES):
            raise InvalidInput(f"third_party subtype must be one of {', '.join(THIRD_PARTY_SUBTYPES)} (or none), "
                               f"not {subtype!r}", field="payload.subtype")
        record_set = "zcta" if subtype == "postal_code" else "panel"
        return {"data_type": data_type, "subtype": subtype or "panel", "record_set": record_set, "upload_id": None,
                "clean_room": False}
    if subtype is not None and subtype not in (*IDENTIFIER_SUBTYPES, "panel"):
        raise InvalidInput(f"{data_type} subtype must be one of {', '.join(IDENTIFIER_SUBTYPES)}, not {subtype!r}",
                           field="payload.subtype")
    if data_type == "clean_room" and not upload_id:
        return {"data_type": data_type, "subtype": subtype or "panel", "record_set": "panel", "upload_id": None,
                "clean_room": True}
    if not upload_id:
        raise InvalidInput(
            "first_party audiences segment a file you upload: POST /api/audiences/uploads {\"filename\": "
            "\"customers.csv\", \"subtype\": \"" + (subtype or "email") + "\"} answers a presigned S3 POST "
            "(url, fields); send the CSV there, check GET /api/audiences/uploads/{upload_id}, then pass its "
            "upload_id in the process payload", field="payload.upload_id")
    return {"data_type": data_type, "subtype": subtype, "record_set": "upload", "upload_id": upload_id,
            "clean_room": data_type == "clean_room"}
