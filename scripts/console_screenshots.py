"""Shrink the browser tests' screenshots (tests/browser/screenshots, from `make test-browser`) into
the small PNGs docs/console.md and the README show (docs/img/console/).

    python scripts/console_screenshots.py [--width 760]
"""

import argparse
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "tests" / "browser" / "screenshots"
TARGET = ROOT / "docs" / "img" / "console"
SHOTS = ["audiences", "audiences-segments", "audiences-distribute", "jobs-list", "jobs-edit", "jobs-test-segmentation",
         "jobs-candidate-segments", "segments-detail", "segments-list", "learning", "api-down", "segments-detail-390",
         "jobs-detail-390", "audiences-390"]


def shrink(source: Path, target: Path, width: int, max_height: int) -> int:
    image = Image.open(source).convert("RGB")
    scale = min(1.0, width / image.width)
    image = image.resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)
    if image.height > max_height:
        image = image.crop((0, 0, image.width, max_height))
    image.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(target, optimize=True)
    return target.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--width", type=int, default=760)
    args = parser.parse_args()
    TARGET.mkdir(parents=True, exist_ok=True)
    for name in SHOTS:
        source = SOURCE / f"{name}.png"
        if not source.is_file():
            raise SystemExit(f"no {source.relative_to(ROOT)}: run `make test-browser` first")
        narrow = name.endswith("-390")
        size = shrink(source, TARGET / f"{name}.png", 390 if narrow else args.width, 844 if narrow else 1400)
        print(f"docs/img/console/{name}.png  {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
