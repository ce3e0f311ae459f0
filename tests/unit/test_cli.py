"""The command-line tools as users run them: training, segmenting, and their errors."""

import json
import subprocess
import sys

from tests.conftest import CORPUS, DEFAULT_MODEL, ROOT


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, input=stdin, capture_output=True, text=True,
                          timeout=600, check=False)


def test_train_then_segment(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(CORPUS.read_text().splitlines()[:150]) + "\n")
    trained = run("scripts/train_models.py", "--corpus", str(corpus), "--clusters", "4", "--out",
                  str(tmp_path / "model"), "--embedder", "onnx")
    assert trained.returncode == 0, trained.stderr
    manifest = json.loads((tmp_path / "model" / "manifest.json").read_text())
    assert manifest["corpus"]["documents"] == 150 and manifest["parameters"]["k"] == 4
    assert {"nmi", "ari", "silhouette", "stability_ari"} <= set(manifest["metrics"])
    assignments = [json.loads(line) for line in (tmp_path / "model" / "assignments.jsonl").read_text().splitlines()]
    assert len(assignments) == 150 and set(assignments[0]) == {"id", "cluster_id", "confidence"}

    ads = '{"id": "a", "text": "Welder for a shipyard in Glasgow"}\n{"id": "b", "text": 7}\n'
    segmented = run("scripts/segment_ads.py", "--model", str(tmp_path / "model"), stdin=ads)
    assert segmented.returncode == 1  # one bad line
    assert "line 2: text must be a string" in segmented.stderr
    [answer] = [json.loads(line) for line in segmented.stdout.splitlines()]
    assert answer["id"] == "a" and answer["model_version"] == manifest["version"]


def test_malformed_corpus_and_missing_model_are_reported(tmp_path):
    corpus = tmp_path / "bad.jsonl"
    corpus.write_text('{"text": "fine"}\n{"title": "no text"}\n')
    trained = run("scripts/train_models.py", "--corpus", str(corpus), "--out", str(tmp_path / "m"))
    assert trained.returncode == 2 and "line 2: `text` must be a string" in trained.stderr
    missing = run("scripts/train_models.py", "--corpus", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "m"))
    assert missing.returncode == 2 and "nope.jsonl does not exist" in missing.stderr
    segmented = run("scripts/segment_ads.py", "--model", str(tmp_path / "absent"), stdin="")
    assert segmented.returncode == 3 and "manifest.json is missing" in segmented.stderr


def test_default_model_ships_with_passing_gates():
    manifest = json.loads((DEFAULT_MODEL / "manifest.json").read_text())
    assert manifest["metrics"]["gates"]["passed"] is True
    assert manifest["parameters"]["reducer"] == "hybrid" and manifest["parameters"]["max_tokens"] == 256
    # ESCO + the USAJOBS ads balanced by occupation, k chosen by measurement (docs/benchmarks.md, "Choosing k")
    assert manifest["corpus"]["documents"] > 6000 and manifest["parameters"]["k"] == 32
    assert manifest["parameters"]["head_weight"] == 1.0  # the head view (docs/text-segmentation.md, "Head view")
