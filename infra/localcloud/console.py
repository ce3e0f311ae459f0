"""The web console's static files on the API port (http://127.0.0.1:3000/console/): same origin as the
API, so the local console needs no CORS. On AWS the same files sit in a private S3 bucket behind
CloudFront (template.yaml, `make publish-console`)."""

import json
import mimetypes
import os
from pathlib import Path

from werkzeug.security import safe_join
from werkzeug.wrappers import Request, Response

PREFIX = "/console"
_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".html": "text/html",
          ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png", ".md": "text/markdown"}


def console_dir() -> Path:
    """CONSOLE_DIR, else the repository's console/ folder."""
    return Path(os.environ.get("CONSOLE_DIR") or Path(__file__).resolve().parents[2] / "console")


def local_config() -> dict:
    """What `make publish-console` writes as config.json on AWS, for the local cloud: the API is this
    origin; sign-in is whatever the local stack offers (none until the API requires tokens)."""
    return {"apiUrl": "", "auth": {"mode": os.environ.get("CONSOLE_AUTH_MODE", "none")}}


def serve(request: Request) -> Response:
    path = request.path
    if path == PREFIX:
        return Response(status=301, headers={"Location": PREFIX + "/"})
    if request.method not in ("GET", "HEAD"):
        return Response(json.dumps({"message": "the console is read-only"}), status=405,
                        mimetype="application/json")
    relative = path[len(PREFIX) + 1:] or "index.html"
    if relative == "config.json":
        return Response(json.dumps(local_config()), mimetype="application/json",
                        headers={"Cache-Control": "no-store"})
    root = console_dir()
    file = safe_join(str(root), relative)
    if file is None or not Path(file).is_file():
        return Response(json.dumps({"message": f"no console file {relative}"}), status=404,
                        mimetype="application/json")
    suffix = Path(file).suffix
    mimetype = _TYPES.get(suffix) or mimetypes.guess_type(file)[0] or "application/octet-stream"
    return Response(Path(file).read_bytes(), mimetype=mimetype, headers={"Cache-Control": "no-cache"})


def is_console(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")
