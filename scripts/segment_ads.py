"""Segment job ads with a trained model: JSON Lines {"id", "text"} on stdin, one /segment response
(with "id") per line on stdout, through the same serving code as POST /segment.

    python scripts/segment_ads.py --model DIR [--fp32] < ads.jsonl

Throughput: the ads are segmented in chunks of CHUNK; the encoder (segmentation.text.encoder) runs each ad
alone on one of its worker threads (one per core), so an ad's result never depends on the ads around it.
Texts are cut to the model's token cap (256 word pieces for the default model). Malformed lines are reported on stderr by line number; the rest are segmented (exit 1).
"""

import argparse
import json
import sys
from pathlib import Path

from segmentation.platform import settings
from segmentation.platform.errors import InvalidInput, PlatformError
from segmentation.text.batch import parse_batch
from segmentation.text.encoder import default_encoder_dir
from segmentation.text.model import ModelArtifactError, TextModel
from segmentation.text.serving import Segmenter, load_encoder

CHUNK = 2048


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--fp32", action="store_true", help="use the fp32 encoder instead of int8")
    args = parser.parse_args(argv)
    try:
        segmenter = Segmenter(TextModel.load(args.model), load_encoder(default_encoder_dir(), not args.fp32),
                              settings.confidence_threshold())
    except (ModelArtifactError, PlatformError) as error:
        print(f"segment_ads: {error}", file=sys.stderr)
        return 3
    try:
        ads, errors = parse_batch(sys.stdin.buffer.read())
    except InvalidInput as error:
        print(f"segment_ads: {error}", file=sys.stderr)
        return 2
    for error in errors:
        print(f"segment_ads: line {error['line']}: {error['error']}", file=sys.stderr)
    for start in range(0, len(ads), CHUNK):
        chunk = ads[start:start + CHUNK]
        results = segmenter.segment([ad["text"] for ad in chunk])
        sys.stdout.write("".join(json.dumps({"id": ad["id"], **result}, ensure_ascii=False) + "\n"
                                 for ad, result in zip(chunk, results)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
