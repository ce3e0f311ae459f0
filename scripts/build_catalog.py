"""Build the variable catalog (ACS 2019 5-year + GSS) and its lexical and FAISS indexes, once.

    python scripts/build_catalog.py [--out DIR] [--force] [--index sq8|flat]

Writes into segmentation/audiences/catalog_index (or $CATALOG_DIR) unless --out is given. Does nothing
when the catalog there was built from the same inputs (censusdata variable files, the GSS and ZCTA files
under $SHARED_DIR/data, the encoder, this recipe) and every file matches its sha256. `make catalog`
runs it; `make test`, `make demo`, `make up` and `make bench` depend on it.

Data: US Census Bureau ACS 2019 5-year variable metadata (public domain, via censusdata 1.15.post1);
GSS codebook and 2016-2020 panel from the gssr/gssrdoc R packages (MIT code; cite the GSS, NORC at the
University of Chicago); ZCTA demographics from choroplethrZip (MIT). See docs/audiences.md.
"""

import argparse
import os
import sys
import time
from pathlib import Path

from segmentation.audiences import catalog as cat
from segmentation.audiences import catalog_build as build
from segmentation.platform.integrity import sha256_hex

ROOT = Path(__file__).resolve().parents[1]
# Text embeddings of earlier builds (git-ignored): a rebuild embeds only new texts.
EMBEDDING_CACHE = ROOT / ".cache" / "catalog" / "embeddings.npz"


def shared_dir() -> Path:
    """$SHARED_DIR, else ../shared beside the repository, else /work/shared."""
    configured = os.environ.get("SHARED_DIR", "").strip()
    if configured:
        return Path(configured)
    beside = ROOT.parent / "shared"
    return beside if beside.is_dir() else Path("/work/shared")


def source_paths() -> dict[str, Path]:
    data = shared_dir() / "data"
    paths = {"gss_doc": data / "gss" / "gss_doc.rda", "panel": data / "gss" / "gss_panel20.rda",
             "zcta": data / "zcta" / "df_zip_demographics.rdata"}
    variables_dir = build.censusdata_variables_dir()
    for kind in build.ACS_KINDS:
        paths[f"acs_{kind}"] = variables_dir / f"acs5_2019_{kind}_variables.json"
    for name, path in paths.items():
        if not path.is_file():
            raise SystemExit(f"build_catalog: {name} source {path} is missing (set SHARED_DIR to the shared folder)")
    return paths


def input_digests(paths: dict[str, Path], index_kind: str) -> dict:
    from segmentation.text.encoder import default_encoder_dir, read_manifest

    encoder = read_manifest(default_encoder_dir())
    return {
        "recipe": build.RECIPE,
        "censusdata": build.CENSUSDATA,
        "index": index_kind,
        "files": {name: sha256_hex(path.read_bytes()) for name, path in sorted(paths.items())},
        "encoder": encoder.get("files", {}),
    }


def up_to_date(out_dir: Path, inputs: dict) -> bool:
    try:
        manifest = cat.read_manifest(out_dir)
        for name in manifest.get("files", {}):
            cat.read_verified(out_dir, manifest, name)
    except cat.CatalogUnavailable:
        return False
    return manifest.get("inputs") == inputs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="output folder (default: $CATALOG_DIR or segmentation/audiences/catalog_index)")
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    parser.add_argument("--index", choices=("sq8", "flat"), default="sq8", help="FAISS index kind (default sq8)")
    args = parser.parse_args(argv)
    out_dir = args.out or cat.default_catalog_dir()

    paths = source_paths()
    inputs = input_digests(paths, args.index)
    if not args.force and up_to_date(out_dir, inputs):
        print(f"{out_dir}: up to date")
        return 0

    from segmentation.audiences.dense import ENCODER_QUANTIZED, encoder_model_file
    from segmentation.text.encoder import OnnxEncoder, default_encoder_dir

    started = time.perf_counter()
    acs = build.read_acs(paths["acs_detail"].parent)
    print(f"read ACS variable files in {time.perf_counter() - started:.1f}s", flush=True)
    t = time.perf_counter()
    panel_columns = build.read_columns(paths["panel"])
    zcta_columns = set(build.read_columns(paths["zcta"]))
    bases = build.panel_bases(panel_columns)
    print(f"read panel ({len(panel_columns)} columns, {len(bases)} variables) and ZCTA columns in "
          f"{time.perf_counter() - t:.1f}s", flush=True)
    missing = {column for column, _ in build.ZCTA_COLUMNS.values()} - zcta_columns
    if missing:
        raise SystemExit(f"build_catalog: df_zip_demographics lacks the columns {sorted(missing)}")
    t = time.perf_counter()
    gss_rows = build.read_gss_doc(paths["gss_doc"])
    print(f"read GSS codebook ({len(gss_rows)} variables) in {time.perf_counter() - t:.1f}s", flush=True)

    acs_variables, counts = build.acs_variables(acs, bases)
    variables = acs_variables + build.gss_variables(gss_rows, bases)
    encoder = OnnxEncoder(default_encoder_dir(), quantized=ENCODER_QUANTIZED)
    name = encoder_model_file()
    embed = build.cached_embedder(lambda texts: encoder.embed(texts), EMBEDDING_CACHE,
                                  encoder.manifest["files"][name])
    result = build.build_files(variables, embed, {name: encoder.manifest["files"][name]}, inputs, counts, args.index)
    build.write_files(out_dir, result.files)
    counts = result.manifest["counts"]
    print(f"{out_dir}: {counts['variables']} variables {counts['by_source']} {counts['by_type']}, "
          f"{result.manifest['dense']['texts_embedded']} texts embedded, built in "
          f"{time.perf_counter() - started:.1f}s ({', '.join(f'{k} {v:.1f}' for k, v in result.timings.items())})")
    for file_name, data in result.files.items():
        print(f"  {file_name:<26} {len(data) / 1e6:8.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
