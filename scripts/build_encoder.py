"""Export the sentence encoder to ONNX for the torch-free runtime (segmentation.text.encoder).

    python scripts/build_encoder.py [--out DIR] [--force]

Writes into segmentation/text/encoder (or $ENCODER_DIR) unless --out is given. Does nothing when the
encoder there was built from the installed model package with the current export recipe and calibration texts
(from models/corpus, or $CORPUS_DIR), and every file matches its sha256.
"""

import argparse
import sys
import time
from pathlib import Path

from segmentation.platform.integrity import sha256_hex
from segmentation.text.encoder import MANIFEST, EncoderError, default_encoder_dir, verify_encoder_dir
from segmentation.text.encoder_export import RECIPE, calibration_texts, export_encoder, source_package


def up_to_date(out_dir: Path) -> bool:
    try:
        manifest = verify_encoder_dir(out_dir)
    except EncoderError:
        return False
    calibration = sha256_hex("\n".join(calibration_texts()).encode("utf-8"))
    return (manifest.get("source_package") == source_package() and manifest.get("export") == RECIPE
            and manifest.get("calibration", {}).get("sha256") == calibration and "probe" in manifest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="output folder (default: $ENCODER_DIR or segmentation/text/encoder)")
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = parser.parse_args(argv)
    out_dir = args.out or default_encoder_dir()

    if not args.force and up_to_date(out_dir):
        print(f"{out_dir}: up to date ({source_package()})")
        return 0
    started = time.perf_counter()
    manifest = export_encoder(out_dir)
    print(f"{out_dir}: built from {manifest['source_package']} in {time.perf_counter() - started:.1f}s")
    for name in (*manifest["files"], MANIFEST):
        print(f"  {name:<16} {(out_dir / name).stat().st_size / 1e6:8.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
