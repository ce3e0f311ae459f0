"""Each function imports only what its layers carry: the ML layer has no SciPy, scikit-learn, UMAP or
torch, so a function without the training layer that imported one would fail on Lambda."""

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from localcloud.template import load_template

from tests.conftest import ROOT, TEMPLATE

TRAINING_ONLY = ("scipy", "sklearn", "umap", "torch", "sentence_transformers")
PROBE = """
import importlib.util, json, sys
sys.path.insert(0, sys.argv[1])
spec = importlib.util.spec_from_file_location("handler", sys.argv[2])
spec.loader.exec_module(importlib.util.module_from_spec(spec))
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules} & set(sys.argv[3:]))))
"""


def ml_layer_only_handlers() -> dict[str, tuple[str, str]]:
    handlers = {}
    for name, resource in load_template(TEMPLATE)["Resources"].items():
        props = resource.get("Properties", {})
        if resource["Type"] != "AWS::Serverless::Function" or "Layers" in props:
            continue  # functions with their own Layers add the training layer
        module = props["Handler"].rsplit(".", 1)[0].replace(".", "/") + ".py"
        handlers[name] = (str(ROOT / props["CodeUri"]), str(ROOT / props["CodeUri"] / module))
    return handlers


def test_functions_on_the_ml_layer_alone_never_import_training_libraries():
    handlers = ml_layer_only_handlers()
    assert len(handlers) > 30

    def imported(paths: tuple[str, str]) -> list[str]:
        done = subprocess.run([sys.executable, "-c", PROBE, *paths, *TRAINING_ONLY], cwd=ROOT, capture_output=True,
                              text=True, timeout=120, check=False)
        if done.returncode != 0:
            pytest.fail(f"{paths[1]} does not import: {done.stderr[-2000:]}")
        return json.loads(done.stdout)

    with ThreadPoolExecutor(max_workers=2) as pool:
        found = dict(zip(handlers, pool.map(imported, handlers.values())))
    assert {name: modules for name, modules in found.items() if modules} == {}


def test_the_platform_package_imports_no_domain_package():
    """platform/ is what every service builds on: it must not depend on any of them."""
    import ast

    platform = ROOT / "layers" / "ml" / "segmentation" / "platform"
    domains = sorted(p.name for p in platform.parent.iterdir() if p.is_dir() and p.name not in ("platform", "__pycache__"))
    found = []
    for source in sorted(platform.glob("*.py")):
        for node in ast.walk(ast.parse(source.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            found += [f"{source.name}: {n}" for n in names if n.split(".")[:2] in (["segmentation", d] for d in domains)]
    assert found == [], found
