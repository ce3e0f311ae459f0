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


TOKEN_PATH = PREFIX + "/auth/token"
DEMO_ROLES = ("read", "write", "admin")


def _json(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json", headers={"Cache-Control": "no-store"})


def _user_pool(outputs: dict) -> tuple[str, str] | None:
    if outputs.get("UserPoolId") and outputs.get("UserPoolClientId"):
        return outputs["UserPoolId"], outputs["UserPoolClientId"]
    return None


def local_config(outputs: dict, routes: list[str] | None = None) -> dict:
    """What `make publish-console` writes as config.json on AWS, for the local cloud: the API is this
    origin; sign-in is the dev sign-in against the emulated user pool when the stack has one; `routes`
    are the API's route keys, so a page whose service the stack lacks says so without calling it."""
    pool = _user_pool(outputs)
    auth = {"mode": "none"} if pool is None else {"mode": "local", "tokenUrl": TOKEN_PATH, "clientId": pool[1],
                                                   "demoRoles": list(DEMO_ROLES)}
    return {"apiUrl": "", "auth": auth, "routes": sorted(routes or [])}


def sign_in(request: Request, outputs: dict) -> Response:
    """Dev sign-in on the local cloud: {"username", "password"} signs in to the emulated user pool
    (USER_PASSWORD_AUTH, as on AWS); {"role"} signs in as that role's demo user (`make token`)."""
    import boto3
    from botocore.exceptions import ClientError

    pool = _user_pool(outputs)
    if pool is None:
        return _json({"message": "this stack has no user pool: the API takes no tokens"}, 404)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _json({"message": "send a JSON object", "errors": [{"field": "body", "message": "not JSON"}]}, 422)
    cognito = boto3.client("cognito-idp")
    try:
        if "role" in body:
            from localcloud.tokens import demo_token

            if body["role"] not in DEMO_ROLES:
                return _json({"message": f"role must be one of {', '.join(DEMO_ROLES)}",
                              "errors": [{"field": "body.role", "message": "unknown role"}]}, 422)
            return _json({"access_token": demo_token(cognito, pool[0], pool[1], body["role"])})
        missing = [name for name in ("username", "password") if not body.get(name)]
        if missing:
            return _json({"message": f"{' and '.join(missing)} required",
                          "errors": [{"field": f"body.{name}", "message": "required"} for name in missing]}, 422)
        answer = cognito.initiate_auth(ClientId=pool[1], AuthFlow="USER_PASSWORD_AUTH",
                                       AuthParameters={"USERNAME": body["username"], "PASSWORD": body["password"]})
        return _json({"access_token": answer["AuthenticationResult"]["AccessToken"]})
    except ClientError as error:
        code = error.response["Error"]["Code"]
        status = 401 if code in ("NotAuthorizedException", "UserNotFoundException") else 400
        return _json({"message": f"sign-in failed: {error.response['Error'].get('Message', code)}",
                      "errors": [{"field": "body.password", "message": "wrong user name or password"}]
                      if status == 401 else []}, status)


def serve(request: Request, outputs: dict | None = None, routes: list[str] | None = None) -> Response:
    path = request.path
    outputs = outputs or {}
    if path == PREFIX:
        return Response(status=301, headers={"Location": PREFIX + "/"})
    if path == TOKEN_PATH and request.method == "POST":
        return sign_in(request, outputs)
    if request.method not in ("GET", "HEAD"):
        return _json({"message": "the console is read-only"}, 405)
    relative = path[len(PREFIX) + 1:] or "index.html"
    if relative == "config.json":
        return _json(local_config(outputs, routes))
    root = console_dir()
    file = safe_join(str(root), relative)
    if file is None or not Path(file).is_file():
        return _json({"message": f"no console file {relative}"}, 404)
    suffix = Path(file).suffix
    mimetype = _TYPES.get(suffix) or mimetypes.guess_type(file)[0] or "application/octet-stream"
    return Response(Path(file).read_bytes(), mimetype=mimetype, headers={"Cache-Control": "no-cache"})


def is_console(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")
