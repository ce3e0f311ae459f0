"""Publish a trained model directory to the artifacts bucket, promote a version, or roll back.

    python scripts/publish_model.py --bucket B --model DIR [--promote]
    python scripts/publish_model.py --bucket B --promote-version VERSION
    python scripts/publish_model.py --bucket B --rollback

Uses whatever endpoint the environment names (AWS_ENDPOINT_URL for the local cloud or LocalStack).
Promotion refuses a model whose quality gates failed.
"""

import argparse
import json
import sys
from pathlib import Path

from segmentation.platform.errors import PlatformError
from segmentation.platform.storage import ArtifactStore
from segmentation.text.model import ModelArtifactError, TextModel
from segmentation.text.registry import ModelRegistry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bucket", required=True)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--model", type=Path, help="a directory written by scripts/train_models.py")
    action.add_argument("--promote-version")
    action.add_argument("--rollback", action="store_true")
    parser.add_argument("--promote", action="store_true", help="with --model: promote it after publishing")
    args = parser.parse_args(argv)
    registry = ModelRegistry(ArtifactStore(args.bucket))
    try:
        if args.model:
            version = registry.publish(TextModel.load(args.model))
            result = {"published": version}
            if args.promote:
                result["latest"] = registry.promote(version)
        elif args.promote_version:
            result = {"latest": registry.promote(args.promote_version)}
        else:
            result = {"latest": registry.rollback()}
    except (ModelArtifactError, PlatformError) as error:
        print(f"publish_model: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
