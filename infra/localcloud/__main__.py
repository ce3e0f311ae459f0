"""`python -m localcloud up` starts the local cloud; `python -m localcloud fire RULE` fires a schedule;
`python -m localcloud token [--role read|write|admin]` prints a demo user's access token (last line)."""

import argparse
import json
import os
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from localcloud.server import LocalCloud, PortBusy, lambda_logs_to_console
from localcloud.template import TemplateError


def _up(args: argparse.Namespace) -> int:
    cloud = LocalCloud(Path(args.template), args.stack_name, args.host, args.port, args.api_port or None)
    started = time.perf_counter()
    try:
        cloud.start()
    except PortBusy as error:
        print(f"localcloud: {error}", file=sys.stderr)
        return 2
    except TemplateError as error:
        print(f"localcloud: cannot deploy {args.template}: {error}", file=sys.stderr)
        return 3
    print(cloud.summary())
    if args.seed_model:
        print("  Text model:    " + seed_model(cloud, args.seed_model))
    print(f"Ready in {time.perf_counter() - started:.1f} s. Ctrl-C to stop.", flush=True)
    lambda_logs_to_console(not args.quiet)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    cloud.stop()
    return 0


def seed_model(cloud: LocalCloud, model_dir: Path) -> str:
    """Publish and promote a trained model into the stack's bucket, so POST /segment answers at once."""
    from segmentation.platform.storage import ArtifactStore
    from segmentation.text.model import TextModel
    from segmentation.text.registry import ModelRegistry

    registry = ModelRegistry(ArtifactStore(cloud.deployment.ref("ArtifactsBucket")))
    version = registry.publish(TextModel.load(model_dir))
    registry.promote(version)
    return f"{version} (from {model_dir}) promoted"


def _fire(args: argparse.Namespace) -> int:
    url = f"{args.endpoint.rstrip('/')}/_local/rules/{args.rule}/fire"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="POST"), timeout=600) as response:
            print(json.dumps(json.load(response), indent=2))
            return 0
    except urllib.error.HTTPError as error:
        print(f"localcloud: {error.code} {error.read().decode()}", file=sys.stderr)
    except urllib.error.URLError as error:
        print(f"localcloud: no local cloud at {args.endpoint} ({error.reason}); start it with `make up`",
              file=sys.stderr)
    return 1


def _token(args: argparse.Namespace) -> int:
    import boto3

    from localcloud.tokens import stack_token

    endpoint = args.endpoint.rstrip("/")
    try:
        with urllib.request.urlopen(f"{endpoint}/_local/stack", timeout=30) as response:
            stack = json.load(response)
    except (urllib.error.URLError, OSError) as error:
        print(f"localcloud: no local cloud at {endpoint} ({error}); start it with `make up`", file=sys.stderr)
        return 1
    cognito = boto3.client("cognito-idp", endpoint_url=endpoint, region_name=stack["region"],
                           aws_access_key_id="test", aws_secret_access_key="test")
    try:
        token = stack_token(stack["outputs"], cognito, args.role)
    except (LookupError, ValueError) as error:
        print(f"localcloud: {error}", file=sys.stderr)
        return 1
    print(f"# access token of demo-{args.role} (groups: {args.role}); use: Authorization: Bearer <token>")
    print(token)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="localcloud", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start the emulator, deploy template.yaml, serve until Ctrl-C")
    up.add_argument("--template", default="template.yaml")
    up.add_argument("--stack-name", default=os.environ.get("STACK_NAME", "audience-segmentation"))
    up.add_argument("--host", default="127.0.0.1")
    up.add_argument("--port", type=int, default=int(os.environ.get("LOCALCLOUD_PORT", "4566")))
    up.add_argument("--api-port", type=int, default=int(os.environ.get("LOCALCLOUD_API_PORT", "3000")),
                    help="serve the HTTP API at the root of this port (0: do not)")
    up.add_argument("--quiet", action="store_true", help="do not echo function logs to the console")
    up.add_argument("--seed-model", type=Path, help="a trained text model directory to publish and promote")
    fire = commands.add_parser("fire", help="fire a scheduled EventBridge rule now")
    fire.add_argument("rule")
    fire.add_argument("--endpoint", default=os.environ.get("LOCALCLOUD_ENDPOINT", "http://127.0.0.1:4566"))
    token = commands.add_parser("token", help="print an access token for a demo user of a role (last line)")
    token.add_argument("--role", default="admin", choices=("read", "write", "admin"))
    token.add_argument("--endpoint", default=os.environ.get("LOCALCLOUD_ENDPOINT", "http://127.0.0.1:4566"))
    args = parser.parse_args(argv)
    return {"up": _up, "fire": _fire, "token": _token}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
