"""The variable catalog at request time: ~51,000 ACS and GSS variables with their search indexes.

Built once at set-up by scripts/build_catalog.py (segmentation.audiences.catalog_build) into a folder
that ships with the ML layer: $CATALOG_DIR if set, else `catalog_index/` next to this module. Every file
is listed with its sha256 in manifest.json and checked before use; a missing or altered file raises
CatalogUnavailable (503) naming the file. No pickle: JSON, gzip'd JSON, `.npy` (allow_pickle=False) and
a FAISS index.

A variable is a dict:
    code             "B19013_001E" (ACS, unchanged Census code) or "gss.partyid"
    description      label + concept (ACS) or the question / label (GSS)
    type             demographic | behavioral | psychographic
    category         the ACS table's concept, or the GSS subject
    source           "acs5_2019" | "gss"
    table            ACS table id (e.g. "B19013"); GSS: absent
    dataAvailability {"record_sets": ["panel", "zcta"], "data_types": ["first_party", "third_party", "clean_room"]}
    columns          {"panel": "<base mnemonic in gss_panel20>", "zcta": "<column of df_zip_demographics>"}
    values           {"1": "strong democrat", ...} where the variable has value labels
"""

import gzip
import io
import json
import os
import threading
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

import numpy as np

from segmentation.audiences.lexical import LexicalIndex, from_arrays
from segmentation.platform.errors import DependencyUnavailable
from segmentation.platform.integrity import sha256_hex

MANIFEST = "manifest.json"
VARIABLES = "variables.json.gz"
DETAILS = "details.json.gz"
VOCABULARY = "lexical_vocabulary.json"
LEXICAL_ARRAYS = ("indptr", "docs", "bm25", "tfidf", "idf")
DENSE_INDEX = "dense.faiss"
FORMAT = 2

TYPES = ("demographic", "behavioral", "psychographic")
DATA_TYPES = ("first_party", "third_party", "clean_room")
RECORD_SETS = ("panel", "zcta")


class CatalogUnavailable(DependencyUnavailable):
    """A catalog or index file is missing, altered or unreadable; the message names it."""


def default_catalog_dir() -> Path:
    configured = os.environ.get("CATALOG_DIR", "").strip()
    return Path(configured) if configured else Path(__file__).parent / "catalog_index"


def lexical_file(name: str) -> str:
    return f"lexical_{name}.npy"


def read_manifest(directory: Path) -> dict:
    path = Path(directory) / MANIFEST
    try:
        manifest = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise CatalogUnavailable(f"{path} is missing: build it with scripts/build_catalog.py") from None
    except (OSError, ValueError) as error:
        raise CatalogUnavailable(f"{path} is unreadable: {error}") from None
    if manifest.get("format") != FORMAT:
        raise CatalogUnavailable(f"{path} has format {manifest.get('format')!r}, this code reads {FORMAT}: rebuild it")
    return manifest


def read_verified(directory: Path, manifest: dict, name: str) -> bytes:
    path = Path(directory) / name
    expected = manifest.get("files", {}).get(name)
    if expected is None:
        raise CatalogUnavailable(f"{name} is not listed in {path.parent / MANIFEST}")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CatalogUnavailable(f"{path} is missing: rebuild with scripts/build_catalog.py") from None
    except OSError as error:
        raise CatalogUnavailable(f"{path} is unreadable: {error}") from None
    if sha256_hex(data) != expected:
        raise CatalogUnavailable(f"{path} is corrupt: its sha256 does not match {MANIFEST}")
    return data


def _array(directory: Path, manifest: dict, name: str) -> np.ndarray:
    try:
        return np.load(io.BytesIO(read_verified(directory, manifest, name)), allow_pickle=False)
    except ValueError as error:
        raise CatalogUnavailable(f"{Path(directory) / name} is not a NumPy array file: {error}") from None


SUMMARY = ("code", "description", "type", "category", "source")


class Catalog:
    """The variables in row order, lookup by code, the lexical index and (lazily) the dense one.

    variables.json.gz is columnar (codes, descriptions, type / category / source as indexes into small
    lists, record-set and data-type bit masks), which is what search needs and loads in a fraction of the
    time of one dict per variable; details.json.gz holds each variable's remaining fields (table, subjects,
    dataAvailability, columns, values) as one JSON text per row, parsed on first use of get() or iteration.
    """

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.manifest = read_manifest(self.directory)
        columns = self._json(VARIABLES)
        try:
            self.codes: list[str] = columns["code"]
            self.descriptions: list[str] = columns["description"]
            self.categories: list[str] = columns["categories"]
            self.sources: list[str] = columns["sources"]
            self.type_ids = np.array([TYPES.index(t) for t in columns["types"]], dtype=np.int8)[columns["type"]]
            self.category_ids = np.asarray(columns["category"], dtype=np.int32)
            self.source_ids = np.asarray(columns["source"], dtype=np.int8)
            self.record_set_bits = np.asarray(columns["record_sets"], dtype=np.int8)
            self.data_type_bits = np.asarray(columns["data_types"], dtype=np.int8)
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise CatalogUnavailable(f"{self.directory / VARIABLES} is malformed: {error!r}") from None
        self._rows = {code: row for row, code in enumerate(self.codes)}
        self._details: list[str] | None = None
        self._lock = threading.Lock()

    def _json(self, name: str):
        try:
            return json.loads(gzip.decompress(read_verified(self.directory, self.manifest, name)))
        except (OSError, ValueError) as error:
            raise CatalogUnavailable(f"{self.directory / name} is unreadable: {error}") from None

    def __len__(self) -> int:
        return len(self.codes)

    def __iter__(self) -> Iterator[dict]:
        return (self.variable(row) for row in range(len(self.codes)))

    def __contains__(self, code: str) -> bool:
        return code in self._rows

    def summary(self, row: int) -> dict:
        """code, description, type, category and source of the variable in `row`."""
        return {"code": self.codes[row], "description": self.descriptions[row], "type": TYPES[self.type_ids[row]],
                "category": self.categories[self.category_ids[row]], "source": self.sources[self.source_ids[row]]}

    def variable(self, row: int) -> dict:
        """Every field of the variable in `row`."""
        with self._lock:
            if self._details is None:
                self._details = self._json(DETAILS)
        return {**self.summary(row), **json.loads(self._details[row])}

    def get(self, code: str) -> dict | None:
        row = self._rows.get(code)
        return None if row is None else self.variable(row)

    def row(self, code: str) -> int | None:
        return self._rows.get(code)

    @cached_property
    def lexical(self) -> LexicalIndex:
        vocabulary = json.loads(read_verified(self.directory, self.manifest, VOCABULARY))
        arrays = {name: _array(self.directory, self.manifest, lexical_file(name)) for name in LEXICAL_ARRAYS}
        return from_arrays(vocabulary, arrays, len(self.codes))

    @cached_property
    def dense(self):
        from segmentation.audiences.dense import DenseIndex  # FAISS is imported only where dense search runs

        return DenseIndex.read(self.directory, self.manifest, read_verified(self.directory, self.manifest,
                                                                            DENSE_INDEX))

    @cached_property
    def dense_checked(self):
        """The dense index, after checking the query encoder is the one it was built with."""
        dense = self.dense
        dense.check_encoder(self.manifest)
        return dense

    def mask(self, type: str | None = None, data_type: str | None = None,
             record_set: str | None = None) -> np.ndarray | None:
        """Rows that pass the filters (None: no filter)."""
        if type is None and data_type is None and record_set is None:
            return None
        mask = np.ones(len(self.codes), dtype=bool)
        if type is not None:
            mask &= self.type_ids == TYPES.index(type)
        if data_type is not None:
            mask &= (self.data_type_bits & (1 << DATA_TYPES.index(data_type))) != 0
        if record_set is not None:
            mask &= (self.record_set_bits & (1 << RECORD_SETS.index(record_set))) != 0
        return mask


_lock = threading.Lock()
_loaded: dict[Path, Catalog] = {}


def load_catalog(directory: Path | None = None) -> Catalog:
    """The catalog in `directory` (default: default_catalog_dir()), loaded once per process."""
    directory = Path(directory) if directory is not None else default_catalog_dir()
    with _lock:
        catalog = _loaded.get(directory)
        if catalog is None:
            catalog = _loaded[directory] = Catalog(directory)
        return catalog


def clear_cache() -> None:
    with _lock:
        _loaded.clear()
