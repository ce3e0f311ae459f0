"""Publish the web console after a deploy (make publish-console): upload console/ to the stack's
private console bucket with a config.json naming the API URL and the sign-in settings, delete what is
no longer in console/, and invalidate the CloudFront cache.

    python scripts/publish_console.py [--stack-name NAME] [--bucket B --api-url URL --distribution-id ID]
        [--auth-mode none|cognito --auth-domain https://... --auth-client-id ID --auth-scopes "openid ..."]

Without --bucket/--api-url/--distribution-id the values come from the CloudFormation stack's outputs
(ConsoleBucketName, HttpApiUrl, ConsoleDistributionId; the sign-in settings from CognitoDomainUrl and
UserPoolClientId when the stack has them). boto3 reads AWS_ENDPOINT_URL / AWS_REGION as usual.
"""

import argparse
import json
import mimetypes
import os
import sys
import time
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parents[1]
CONSOLE = ROOT / "console"
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".html": "text/html; charset=utf-8", ".json": "application/json", ".md": "text/markdown; charset=utf-8",
         ".svg": "image/svg+xml", ".png": "image/png"}
SKIPPED = ("config.json",)  # written from the stack, never from a local file


def console_files(root: Path = CONSOLE) -> dict[str, Path]:
    return {path.relative_to(root).as_posix(): path for path in sorted(root.rglob("*"))
            if path.is_file() and path.name not in SKIPPED and not path.name.startswith(".")}


def cache_control(key: str) -> str:
    # vendor/ files are pinned versions; the rest changes with every publish and is revalidated
    return "public, max-age=86400" if key.startswith("vendor/") else "no-cache"


def stack_outputs(stack_name: str) -> dict[str, str]:
    stack = boto3.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def template_routes(template: Path = ROOT / "template.yaml") -> list[str]:
    """The HTTP API's route keys as template.yaml declares them ("GET /api/jobs", ...)."""
    sys.path.insert(0, str(ROOT / "infra"))
    from localcloud.template import load_template

    routes = set()
    for resource in load_template(template)["Resources"].values():
        for event in (resource.get("Properties") or {}).get("Events", {}).values():
            if event.get("Type") == "HttpApi":
                routes.add(f"{event['Properties']['Method'].upper()} {event['Properties']['Path']}")
    return sorted(routes)


def config_for(api_url: str, auth: dict[str, Any], routes: list[str] | None = None) -> dict[str, Any]:
    return {"apiUrl": api_url.rstrip("/"), "auth": auth, "routes": routes if routes is not None else template_routes()}


def publish(bucket: str, config: dict[str, Any], distribution_id: str | None = None,
            root: Path = CONSOLE) -> dict[str, Any]:
    s3 = boto3.client("s3")
    files = console_files(root)
    for key, path in files.items():
        content_type = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes(), ContentType=content_type,
                      CacheControl=cache_control(key))
    s3.put_object(Bucket=bucket, Key="config.json", Body=json.dumps(config, indent=2).encode(),
                  ContentType="application/json", CacheControl="no-cache")
    stale = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        stale += [o["Key"] for o in page.get("Contents", []) if o["Key"] not in files and o["Key"] != "config.json"]
    for start in range(0, len(stale), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in stale[start:start + 1000]]})
    invalidation = None
    if distribution_id:
        invalidation = boto3.client("cloudfront").create_invalidation(
            DistributionId=distribution_id, InvalidationBatch={
                "Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": f"publish-{time.time_ns()}"},
        )["Invalidation"]["Id"]
    return {"bucket": bucket, "uploaded": len(files) + 1, "deleted": len(stale), "invalidation": invalidation}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack-name", default=os.environ.get("STACK_NAME", "audience-segmentation"))
    parser.add_argument("--bucket")
    parser.add_argument("--api-url")
    parser.add_argument("--distribution-id")
    parser.add_argument("--auth-mode", choices=["none", "cognito"])
    parser.add_argument("--auth-domain", help="the Cognito hosted UI's base URL (https://...)")
    parser.add_argument("--auth-client-id")
    parser.add_argument("--auth-scopes", default="openid")
    args = parser.parse_args(argv)
    outputs: dict[str, str] = {}
    if not (args.bucket and args.api_url):
        try:
            outputs = stack_outputs(args.stack_name)
        except Exception as error:  # noqa: BLE001 - any failure here means: say which values are missing
            print(f"publish-console: cannot read the outputs of stack {args.stack_name} ({error}); "
                  "pass --bucket and --api-url", file=sys.stderr)
            return 2
    bucket = args.bucket or outputs.get("ConsoleBucketName")
    api_url = args.api_url or outputs.get("HttpApiUrl")
    if not bucket or not api_url:
        print("publish-console: no console bucket or API URL (stack outputs ConsoleBucketName, HttpApiUrl)",
              file=sys.stderr)
        return 2
    domain = args.auth_domain or outputs.get("CognitoDomainUrl")
    client_id = args.auth_client_id or outputs.get("UserPoolClientId")
    mode = args.auth_mode or ("cognito" if domain and client_id else "none")
    if mode == "cognito" and not (domain and client_id):
        print("publish-console: --auth-mode cognito needs --auth-domain and --auth-client-id", file=sys.stderr)
        return 2
    auth = {"mode": mode, **({"domain": domain, "clientId": client_id, "scopes": args.auth_scopes}
                             if mode == "cognito" else {})}
    result = publish(bucket, config_for(api_url, auth), args.distribution_id or outputs.get("ConsoleDistributionId"))
    print(json.dumps({**result, "config": config_for(api_url, auth),
                      "console_url": outputs.get("ConsoleUrl")}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
