"""make package's layer trimming (scripts/package.py): the exclude rules, and the botocore service models
the ML layer keeps against the clients the code creates."""

import importlib.util
import re

from tests.conftest import ROOT

spec = importlib.util.spec_from_file_location("package", ROOT / "scripts" / "package.py")
package = importlib.util.module_from_spec(spec)
spec.loader.exec_module(package)


def test_excludes_remove_folders_and_globs_and_keep_what_is_kept(tmp_path):
    for name in ("lib/tests/test_a.py", "lib/core.py", "lib/sub/tests/x.py", "data/a/model.json",
                 "data/b/model.json", "data/endpoints.json", "tool/cli.py", "keep/encoder/encoder.json",
                 "keep/encoder/model.onnx", "pkg/__pycache__/m.cpython-312.pyc"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    removed = package.remove_excluded(tmp_path, ["**/tests", "tool", "data/*", "!data/a", "!data/endpoints.json",
                                                 "keep/encoder", "!keep/encoder/encoder.json"])
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert left == ["data/a/model.json", "data/endpoints.json", "keep/encoder/encoder.json", "lib/core.py"]
    assert removed == 6


def test_the_ml_layer_keeps_a_botocore_model_for_every_service_the_code_creates_a_client_for():
    excludes = package.read_excludes(ROOT / "layers" / "ml" / "package-exclude.txt")
    kept = {p.removeprefix("!botocore/data/") for p in excludes if p.startswith("!botocore/data/")}
    sources = [*(ROOT / "layers" / "ml").rglob("*.py"), *(ROOT / "functions").rglob("*.py")]
    used = {service for path in sources
            for service in re.findall(r"""\bclient\(\s*["']([a-z0-9-]+)["']""", path.read_text(encoding="utf-8"))}
    assert "dynamodb" in used and "s3" in used
    assert used - kept == set(), "add these models to layers/ml/package-exclude.txt (!botocore/data/<service>)"
