"""`make package`: build every function and layer of template.yaml for Lambda (python3.12, the template's
architecture) into .aws-sam/build, with a template.yaml there that points at the built folders, as
`sam build` writes it; then print each function's unzipped size (its code + its layers) against Lambda's
250 MB limit and fail when one is over.

Why not `sam build` itself: it works offline only with the host's pip for the host's platform, copies a
layer's ContentUri whole (the ML layer's folder holds both encoder precisions, ~125 MB) and keeps every
file pip installs (tests, CLIs, libraries nothing imports). This builder installs each layer's
requirements for the target (`pip --platform manylinux_2_28_x86_64 --python-version 3.12
--only-binary=:all:`, pinned by requirements/constraints.txt), then removes what the layer's
`package-exclude.txt` lists, each line with its reason. Layers with `BuildMethod: makefile` run
`make build-<LogicalId>` in their ContentUri with ARTIFACTS_DIR, as `sam build` does.

Every handler is then imported by python3.12 from the built folders alone (`-I -S`, no site-packages),
its layers merged into one folder in the template's order as Lambda unpacks them into /opt/python
(hard links under .aws-sam/merged), so a function whose layers lack something it imports fails here, as
it would on AWS. Functions that carry the audiences layer also run the audiences health checks there
(RUN_CHECKS: the record sets, the clusterer, a catalog lookup and, with the encoder layer, a real catalog
search with the int8 encoder and FAISS).

Installs are cached under .aws-sam/cache by the hash of their inputs: a second run copies, it does
not download.
"""

import argparse
import fnmatch
import hashlib
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "infra"))
from localcloud.template import load_template

LIMIT_BYTES = 262_144_000  # Lambda: 250 MB unzipped, function code plus all of its layers
PLATFORMS = {"x86_64": ["manylinux_2_28_x86_64", "manylinux2014_x86_64"],
             "arm64": ["manylinux_2_28_aarch64", "manylinux2014_aarch64"]}
CONSTRAINTS = ROOT / "requirements" / "constraints.txt"
ALWAYS_SKIPPED = ("__pycache__", "*.pyc", ".DS_Store", ".pytest_cache")


def python312() -> str:
    """The interpreter the handlers are import-checked with: $PYTHON312, python3.12 on PATH, or pyenv's."""
    candidates = [os.environ.get("PYTHON312", ""), shutil.which("python3.12") or "",
                  *sorted(str(p) for p in Path.home().glob(".pyenv/versions/3.12*/bin/python3.12"))]
    for candidate in candidates:
        if candidate and subprocess.run([candidate, "-c", "import sys; assert sys.version_info[:2] == (3, 12)"],
                                        capture_output=True, check=False).returncode == 0:
            return candidate
    sys.exit("package: no python3.12 found (set PYTHON312=/path/to/python3.12)")


def tree_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def read_excludes(path: Path) -> list[str]:
    if not path.is_file():
        return []
    return [line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.split("#", 1)[0].strip()]


def remove_excluded(root: Path, patterns: list[str]) -> int:
    """Delete files and folders under root matching the patterns (paths relative to root, fnmatch style;
    `!pattern` keeps a path an earlier pattern removed). Returns the bytes removed."""
    keep = [p[1:] for p in patterns if p.startswith("!")]
    drop = [p for p in patterns if not p.startswith("!")] + [f"**/{p}" for p in ALWAYS_SKIPPED]

    def matches(relative: str, name: str, pattern: str) -> bool:
        if pattern.startswith("**/"):
            return fnmatch.fnmatch(name, pattern[3:]) or fnmatch.fnmatch(relative, "*/" + pattern[3:])
        return fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(relative, pattern + "/*")

    removed = 0
    for path in sorted(root.rglob("*"), key=lambda p: len(p.parts)):
        if not path.exists() and not path.is_symlink():
            continue  # inside a folder removed already
        relative = path.relative_to(root).as_posix()
        if any(fnmatch.fnmatch(relative, k) or fnmatch.fnmatch(relative, k + "/*") or k.startswith(relative + "/")
               for k in keep):
            continue
        if any(matches(relative, path.name, d) for d in drop):
            if path.is_dir() and not path.is_symlink():
                removed += tree_size(path)
                shutil.rmtree(path)
            else:
                removed += path.stat().st_size
                path.unlink()
    return removed


def copy_source(source: Path, target: Path, skip: tuple[str, ...] = ()) -> None:
    def ignore(directory: str, names: list[str]) -> set[str]:
        relative = Path(directory).relative_to(source)
        return {n for n in names if any(fnmatch.fnmatch(n, p) for p in ALWAYS_SKIPPED)
                or (relative / n).as_posix() in skip or (relative / n).as_posix() + "/" in skip}

    shutil.copytree(source, target, ignore=ignore, dirs_exist_ok=True)


def pip_install(requirements: Path, target: Path, python_version: str, platforms: list[str] | None,
                cache: Path) -> Path:
    """`pip install -r requirements -c constraints --target`, for `platforms` (None: the host), cached."""
    key = hashlib.sha256()
    for part in (requirements.read_bytes(), CONSTRAINTS.read_bytes(), python_version.encode(),
                 json.dumps(platforms).encode(), sys.executable.encode() if platforms is None else b""):
        key.update(part)
    cached = cache / f"{requirements.parent.name}-{key.hexdigest()[:16]}"
    if not (cached / ".complete").exists():
        shutil.rmtree(cached, ignore_errors=True)
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                   "--no-compile", "-r", str(requirements), "-c", str(CONSTRAINTS), "--target", str(cached)]
        if platforms is not None:
            command += ["--python-version", python_version, "--implementation", "cp", "--only-binary=:all:"]
            command += [arg for platform in platforms for arg in ("--platform", platform)]
        print(f"  pip install -r {requirements.relative_to(ROOT)} -> {cached.relative_to(ROOT)}", flush=True)
        subprocess.run(command, check=True)
        (cached / ".complete").touch()
    shutil.copytree(cached, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".complete"))
    return cached


def build_layer(logical_id: str, props: dict[str, Any], metadata: dict[str, Any], build: Path, python_version: str,
                platforms: list[str] | None, cache: Path) -> dict[str, Any]:
    source = ROOT / props["ContentUri"]
    target = build / logical_id
    method = metadata.get("BuildMethod", "")
    if method != "makefile" and not method.startswith("python"):
        raise SystemExit(f"package: {logical_id}: BuildMethod {method!r} is not supported (python3.12, makefile)")
    site = target / "python"
    site.mkdir(parents=True)
    requirements = source / "requirements.txt"
    if requirements.is_file():
        pip_install(requirements, site, python_version, platforms, cache)
    if method == "makefile":  # the Makefile adds the rest; its own pip step is skipped (installed above)
        subprocess.run(["make", "--no-print-directory", "-C", str(source), f"build-{logical_id}",
                        f"ARTIFACTS_DIR={target.resolve()}", "SKIP_PIP=1"], check=True)
    else:
        copy_source(source, site, skip=("requirements.txt", "package-exclude.txt", "README.md", "Makefile"))
    return {"excluded_bytes": remove_excluded(site, read_excludes(source / "package-exclude.txt"))}


def dump_template(template: dict[str, Any], path: Path) -> None:
    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(str, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", s,
                                                                 style="|" if "\n" in s else None))
    path.write_text(yaml.dump(template, Dumper=Dumper, sort_keys=False, width=200), encoding="utf-8")


def layer_ids(props: dict[str, Any], globals_: dict[str, Any]) -> list[str]:
    layers = [*globals_.get("Layers", []), *props.get("Layers", [])]
    ids = []
    for layer in layers:
        if not (isinstance(layer, dict) and "Ref" in layer):
            raise SystemExit(f"package: layers must be !Ref to a layer of this template, got {layer!r}")
        ids.append(layer["Ref"])
    return ids


def inputs_digest(template_path: Path, host: bool) -> str:
    """What a build depends on: the template, every file under the layers' and functions' folders (path, size,
    mtime), the lock, this script and the interpreter (host builds)."""
    digest = hashlib.sha256()
    for path in (template_path, CONSTRAINTS, Path(__file__)):
        digest.update(path.read_bytes())
    for folder in ("layers", "functions"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                stat = path.stat()
                digest.update(f"{path.relative_to(ROOT)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    digest.update(f"{host}:{sys.executable if host else ''}".encode())
    return digest.hexdigest()


IMPORT_PROBE = """
import importlib.util, os, sys
code, module = sys.argv[1], sys.argv[2]
sys.path[:0] = [code, *sys.argv[3:]]
spec = importlib.util.spec_from_file_location("handler", os.path.join(code, module))
spec.loader.exec_module(importlib.util.module_from_spec(spec))
"""


# Run, not only imported, from the merged layers, by the functions carrying all the layers named: their data
# files sit under segmentation/ in another layer than the code that finds them next to its own __file__.
RUN_CHECKS = [
    (("AudiencesLayer",), ("from segmentation.audiences import health, search\n"
                           "assert health.data_retriever() and health.clustering_engine()\n"
                           "assert search.get_variable('B19013_001E')['code'] == 'B19013_001E'\n")),
    (("AudiencesLayer", "EncoderLayer"), ("hits = search.search('household income', k=3)\n"
                                          "assert len(hits) == 3 and health.variable_selector(), hits\n")),
]


def run_checks(layers: list[str]) -> str:
    return "".join(code for needs, code in RUN_CHECKS if set(needs) <= set(layers))


def merged_layers(build: Path, ids: list[str], root: Path) -> Path:
    """The layers' python/ folders merged as Lambda unpacks them into /opt (a later layer's file replaces an
    earlier one's), as hard links: root/<ids joined by +>/python."""
    target = root / "+".join(ids) / "python"
    if target.is_dir():
        return target
    for layer in ids:
        source = build / layer / "python"
        for path in source.rglob("*"):
            destination = target / path.relative_to(source)
            if path.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
            else:
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.unlink(missing_ok=True)
                try:
                    os.link(path, destination)
                except OSError:
                    shutil.copy2(path, destination)
    target.mkdir(parents=True, exist_ok=True)
    return target


def import_check(python: str, function_dir: Path, handler: str, layer_dirs: list[Path], run: str = "") -> str | None:
    module = handler.rsplit(".", 1)[0].replace(".", "/") + ".py"
    env = {"PATH": os.environ.get("PATH", ""), "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_ACCESS_KEY_ID": "package-check", "AWS_SECRET_ACCESS_KEY": "package-check",
           "POWERTOOLS_METRICS_NAMESPACE": "package-check", "LAMBDA_TASK_ROOT": str(function_dir)}
    done = subprocess.run([python, "-I", "-S", "-c", IMPORT_PROBE + run, str(function_dir), module,
                           *(str(d) for d in layer_dirs)],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    return None if done.returncode == 0 else done.stderr.strip().splitlines()[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--template", default=str(ROOT / "template.yaml"))
    parser.add_argument("--build-dir", default=str(ROOT / ".aws-sam" / "build"))
    parser.add_argument("--host", action="store_true",
                        help="install the host's wheels for the host's Python (the local cloud's layer build)")
    parser.add_argument("--skip-import-check", action="store_true")
    parser.add_argument("--sizes-json", help="also write the sizes here")
    parser.add_argument("--if-changed", action="store_true",
                        help="do nothing when the build dir was built from the same inputs (template, layers, lock)")
    args = parser.parse_args(argv)
    build = Path(args.build_dir)
    digest = inputs_digest(Path(args.template), args.host)
    stamp = build / ".inputs"
    if args.if_changed and stamp.is_file() and stamp.read_text() == digest:
        print(f"package: {build} is up to date")
        return 0

    template = load_template(args.template)
    cache = ROOT / ".aws-sam" / "cache"
    globals_ = template.get("Globals", {}).get("Function", {})
    runtime = globals_.get("Runtime", "python3.12")
    architecture = (globals_.get("Architectures") or ["x86_64"])[0]
    if args.host:
        python_version, platforms = f"{sys.version_info.major}.{sys.version_info.minor}", None
    else:
        python_version, platforms = runtime.removeprefix("python"), PLATFORMS[architecture]
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    cache.mkdir(parents=True, exist_ok=True)
    resources = template["Resources"]
    target = f"host Python {python_version}, host wheels" if args.host else f"{runtime} {architecture}, " + ", ".join(platforms)
    print(f"package: {target} -> {build}")

    layers: dict[str, dict[str, Any]] = {}
    for logical_id, resource in resources.items():
        if resource["Type"] == "AWS::Serverless::LayerVersion":
            props = resource["Properties"]
            info = build_layer(logical_id, props, resource.get("Metadata", {}), build, python_version, platforms,
                               cache)
            layers[logical_id] = {**info, "bytes": tree_size(build / logical_id)}
            props["ContentUri"] = logical_id
            resource.setdefault("Metadata", {})["BuildMethod"] = resource.get("Metadata", {}).get("BuildMethod")
            resource["Metadata"]["SamResourceId"] = logical_id

    functions: dict[str, dict[str, Any]] = {}
    for logical_id, resource in resources.items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        props = resource["Properties"]
        target = build / logical_id
        copy_source(ROOT / props["CodeUri"], target)
        props["CodeUri"] = logical_id
        resource.setdefault("Metadata", {})["SamResourceId"] = logical_id
        ids = layer_ids(props, globals_)
        code = tree_size(target)
        functions[logical_id] = {"handler": props["Handler"], "layers": ids, "code_bytes": code,
                                 "bytes": code + sum(layers[i]["bytes"] for i in ids)}
    for resource in resources.values():  # state machine definitions are copied as sam build does
        if resource["Type"] == "AWS::Serverless::StateMachine" and "DefinitionUri" in resource["Properties"]:
            uri = resource["Properties"]["DefinitionUri"]
            (build / Path(uri).parent).mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / uri, build / uri)
    dump_template(template, build / "template.yaml")

    failures: list[str] = []
    if not args.skip_import_check:
        python = python312() if not args.host else sys.executable
        merged_root = build.parent / f"{build.name}-merged"
        shutil.rmtree(merged_root, ignore_errors=True)
        opt = {name: merged_layers(build, info["layers"], merged_root) for name, info in functions.items()}

        def check(item: tuple[str, dict[str, Any]]) -> tuple[str, str | None]:
            name, info = item
            return name, import_check(python, build / name, info["handler"], [opt[name]], run_checks(info["layers"]))

        with ThreadPoolExecutor(max_workers=2) as pool:
            for name, error in pool.map(check, functions.items()):
                functions[name]["imports"] = error or "ok"
                if error:
                    failures.append(f"{name}: handler does not import (or run its checks) from its built layers: "
                                    f"{error}")
        shutil.rmtree(merged_root, ignore_errors=True)

    mb = 1_000_000
    print(f"\n{'layer':<28}{'unzipped MB':>12}{'excluded MB':>13}")
    for name, info in layers.items():
        print(f"{name:<28}{info['bytes'] / mb:>12.1f}{info['excluded_bytes'] / mb:>13.1f}")
    print(f"\n{'function':<38}{'code MB':>9}{'+ layers MB':>13}  {'of 250 MB':>9}  layers")
    for name, info in sorted(functions.items(), key=lambda item: -item[1]["bytes"]):
        share = info["bytes"] / LIMIT_BYTES
        flag = "  OVER" if info["bytes"] > LIMIT_BYTES else ""
        print(f"{name:<38}{info['code_bytes'] / mb:>9.2f}{info['bytes'] / mb:>13.1f}  {share:>8.0%}  "
              f"{'+'.join(info['layers'])}{flag}")
        if info["bytes"] > LIMIT_BYTES:
            failures.append(f"{name}: {info['bytes'] / mb:.1f} MB unzipped is over Lambda's 250 MB "
                            f"({LIMIT_BYTES:,} bytes)")
    sizes = {"runtime": runtime, "architecture": architecture, "host": args.host, "limit_bytes": LIMIT_BYTES,
             "layers": layers, "functions": functions}
    (build / "sizes.json").write_text(json.dumps(sizes, indent=2), encoding="utf-8")
    if args.sizes_json:
        Path(args.sizes_json).write_text(json.dumps(sizes, indent=2), encoding="utf-8")
    if failures:
        print("\npackage FAILED:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    stamp.write_text(digest)
    print(f"\npackage: {len(functions)} functions, {len(layers)} layers, all under 250 MB; "
          f"template: {build / 'template.yaml'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
