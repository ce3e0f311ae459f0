"""Segment job ads with a trained model: JSON Lines {"id", "text"} on stdin, one /segment response
(with "id") per line on stdout, through the same serving code as POST /segment.

    python scripts/segment_ads.py --model DIR [--batch-size 32] [--fp32] < ads.jsonl
"""

import argparse
import json
import sys
from pathlib import Path

from segmentation.platform import settings
from segmentation.platform.errors import InvalidInput, PlatformError
from segmentation.text.corpus import validate_ad_text
from segmentation.text.encoder import default_encoder_dir
from segmentation.text.model import ModelArtifactError, TextModel
from segmentation.text.serving import Segmenter, load_encoder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--fp32", action="store_true", help="use the fp32 encoder instead of int8")
    args = parser.parse_args(argv)
    try:
        segmenter = Segmenter(TextModel.load(args.model), load_encoder(default_encoder_dir(), not args.fp32),
                              settings.confidence_threshold())
    except (ModelArtifactError, PlatformError) as error:
        print(f"segment_ads: {error}", file=sys.stderr)
        return 3
    ads, problems = [], 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise InvalidInput("expected an object with `text`", field="text")
            ads.append((record.get("id"), validate_ad_text(record.get("text"), field="text")))
        except (ValueError, InvalidInput) as error:
            problems += 1
            print(f"segment_ads: line {number}: {error}", file=sys.stderr)
    for start in range(0, len(ads), args.batch_size):
        batch = ads[start:start + args.batch_size]
        for (ad_id, _text), result in zip(batch, segmenter.segment([text for _id, text in batch], args.batch_size)):
            sys.stdout.write(json.dumps({"id": ad_id, **result}, ensure_ascii=False) + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
