"""Generate docs/openapi.json from the HTTP handlers' own pydantic models (the functions in
template.yaml with HttpApi events), so the API document cannot drift from the code.

    python scripts/export_openapi.py [--check]
"""

import argparse
import importlib.util
import json
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
        for route, operations in schema.get("paths", {}).items():
            document["paths"].setdefault(route, {}).update(operations)
        document["components"]["schemas"].update(schema.get("components", {}).get("schemas", {}))
    _use_platform_errors(document)
    document["paths"] = dict(sorted(document["paths"].items()))
    document["components"]["schemas"] = dict(sorted(document["components"]["schemas"].items()))
    return document


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
    for operations in document["paths"].values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses["422"] = {"description": "Invalid request: `errors` names each field", **error}
            responses["500"] = {"description": "Unexpected error: the request id points to the logs", **error}


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
