"""Generate docs/openapi.json from the HTTP handlers' own pydantic models (the functions in
template.yaml with HttpApi events), so the API document cannot drift from the code.

    python scripts/export_openapi.py [--check]
"""

import argparse
import importlib.util
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "infra"))

from localcloud.template import load_template
from segmentation import __version__
from segmentation.platform.api import ErrorResponse

OUTPUT = ROOT / "docs" / "openapi.json"


def http_handler_modules(template_path: Path) -> list[Path]:
    modules = []
    for resource in load_template(template_path)["Resources"].values():
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::Serverless::Function" and any(
                e.get("Type") == "HttpApi" for e in props.get("Events", {}).values()):
            module = props["Handler"].rsplit(".", 1)[0].replace(".", "/") + ".py"
            modules.append(ROOT / props["CodeUri"] / module)
    return sorted(set(modules))


def build() -> dict:
    document: dict = {"openapi": "3.1.0", "info": {
        "title": "Audience segmentation platform", "version": __version__,
        "description": "HTTP API of the audience segmentation platform (API Gateway HTTP API, payload 2.0)."},
        "paths": {}, "components": {"schemas": {}}}
    for path in http_handler_modules(ROOT / "template.yaml"):
        spec = importlib.util.spec_from_file_location(f"openapi_{path.parent.name}_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        schema = json.loads(module.app.get_openapi_json_schema())
        success = _success_status(path)
        for route, operations in schema.get("paths", {}).items():
            for operation in operations.values():
                responses = operation.get("responses", {})
                if success != "200" and "200" in responses:  # Powertools documents 200 for Response(status_code=...)
                    responses[success] = responses.pop("200")
            document["paths"].setdefault(route, {}).update(operations)
        document["components"]["schemas"].update(schema.get("components", {}).get("schemas", {}))
    _use_platform_errors(document)
    document["paths"] = dict(sorted(document["paths"].items()))
    document["components"]["schemas"] = dict(sorted(document["components"]["schemas"].items()))
    return document


def _success_status(handler: Path) -> str:
    """The status a handler answers on success: the one its Response(status_code=...) names, else 200."""
    codes = set(re.findall(r"status_code=(2\d\d)", handler.read_text(encoding="utf-8")))
    if len(codes) > 1:
        raise SystemExit(f"{handler}: more than one success status ({', '.join(sorted(codes))}); document it")
    return codes.pop() if codes else "200"


# Every error the platform's contract can answer on any route (segmentation.platform.api, the JWT
# authorizer, auth.ROUTE_ROLES), each with the ErrorResponse body that names the problem.
PLATFORM_ERRORS = {
    "400": "Malformed request: a body that is not valid JSON",
    "401": "No valid token: missing, malformed, expired or wrongly signed (API Gateway's JWT authorizer)",
    "403": "The token's groups lack the route's role (the message names it)",
    "404": "A resource the path names does not exist",
    "409": "Conflict with the resource's current state (the message says which)",
    "415": "A request body in a media type other than application/json (or text/plain)",
    "422": "Invalid request: `errors` names each field",
    "500": "Unexpected error: the request id points to the logs",
}
PUBLIC_OPERATIONS = {("/api/health", "get")}


def _use_platform_errors(document: dict) -> None:
    """Describe errors as the handlers send them (segmentation.platform.api.ErrorResponse), not as
    Powertools' default validation error."""
    error_schema = ErrorResponse.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas = document["components"]["schemas"]
    schemas.update(error_schema.pop("$defs", {}))
    schemas["ErrorResponse"] = error_schema
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}}
    schemas["GatewayError"] = {"type": "object", "required": ["message"], "properties": {
        "message": {"type": "string"}}, "description": "API Gateway's answer when its JWT authorizer refuses."}
    gateway_error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/GatewayError"}}}}
    for route, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code, description in PLATFORM_ERRORS.items():
                if code in ("401", "403") and (route, method) in PUBLIC_OPERATIONS:
                    continue
                if code in ("400", "415") and "requestBody" not in operation:
                    continue
                body = gateway_error if code == "401" else error  # API Gateway's own body: {"message": ...}
                responses[code] = {**responses.get(code, {"description": description}), **body}
            operation["responses"] = dict(sorted(responses.items()))
            if (route, method) not in PUBLIC_OPERATIONS:
                operation["security"] = [{"bearerAuth": []}]
    document["components"]["securitySchemes"] = {"bearerAuth": {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
        "description": "An access token of the stack's user pool (docs/operations.md); the route's role "
                       "(read, write, admin) comes from the token's cognito:groups."}}


def render() -> str:
    return json.dumps(build(), indent=2, sort_keys=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/openapi.json is out of date")
    args = parser.parse_args()
    text = render()
    if args.check:
        current = OUTPUT.read_text() if OUTPUT.exists() else ""
        if current != text:
            print("docs/openapi.json is out of date: run `python scripts/export_openapi.py`", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(build()['paths'])} paths)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
