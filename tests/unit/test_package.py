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


def test_the_catalog_search_embeds_with_the_precision_the_encoder_layer_ships():
    """The audiences search (dense.ENCODER_QUANTIZED) and serving (encoder.QUANTIZED) use the int8 graph, the
    only one layers/encoder ships; the search functions carry that layer and the audiences layer."""
    from segmentation.audiences import dense
    from segmentation.text import encoder

    makefile = (ROOT / "layers" / "encoder" / "Makefile").read_text(encoding="utf-8")
    shipped = re.search(r"^FILES\s*:=\s*(.+)$", makefile, re.MULTILINE).group(1).split()
    assert dense.ENCODER_QUANTIZED is encoder.QUANTIZED is True
    assert dense.encoder_model_file() == encoder.MODEL_INT8 in shipped
    assert encoder.MODEL_FP32 not in shipped
    template = package.load_template(str(ROOT / "template.yaml"))["Resources"]
    for name in ("VariablesSearchFunction", "AudiencesProcessFunction", "HealthFunction"):
        layers = [layer["Ref"] for layer in template[name]["Properties"].get("Layers", [])]
        assert {"EncoderLayer", "AudiencesLayer"} <= set(layers), name


def test_faiss_and_the_audience_data_ship_only_in_the_audiences_layer():
    ml = (ROOT / "layers" / "ml" / "requirements.txt").read_text(encoding="utf-8")
    assert "faiss" not in ml.split("#")[0] and not re.search(r"^faiss", ml, re.MULTILINE)
    assert re.search(r"^faiss-cpu==", (ROOT / "layers" / "audiences" / "requirements.txt").read_text(), re.MULTILINE)
    excludes = package.read_excludes(ROOT / "layers" / "ml" / "package-exclude.txt")
    assert {"segmentation/audiences/catalog_index", "segmentation/audiences/records"} <= set(excludes)
