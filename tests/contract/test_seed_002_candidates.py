"""Seed 002 (AdFlux ML pipeline), verbatim: `ml train --clusters N` prints "Model trained with X candidates
and N clusters" and "Model saved to PATH"; `ml predict` prints "Segmented X candidates" and one
"Segment S: n candidates" line per segment; segment_candidates() answers {"num_candidates", "segments":
{id: count}}. Offline on files (--input) and against the local cloud (ML_API_URL), where the HTTP API
answers in the same shape."""

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

DEMO = ROOT / "models" / "candidates" / "demo" / "stackoverflow_candidates.csv"
ML = str(Path(sys.executable).with_name("ml"))
TRAINED = re.compile(r"^Model trained with (\d+) candidates and (\d+) clusters$")
SAVED = re.compile(r"^Model saved to (\S+)$")
SEGMENTED = re.compile(r"^Segmented (\d+) candidates$")
SEGMENT = re.compile(r"^Segment (\S+): (\d+) candidates$")


def ml(*args: str, env: dict | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([ML, *args], cwd=cwd, capture_output=True, text=True, timeout=900, check=False,
                          env={**os.environ, **(env or {})})


def check_predict_lines(lines: list[str]) -> dict[str, int]:
    total = int(SEGMENTED.match(lines[0]).group(1))
    segments = {m.group(1): int(m.group(2)) for m in (SEGMENT.match(line) for line in lines[1:])}
    assert all(SEGMENT.match(line) for line in lines[1:]), lines
    assert list(segments) == sorted(segments, key=int)  # segment-id order
    assert sum(segments.values()) == total
    return segments


def test_ml_train_and_predict_offline_print_the_seeds_lines(tmp_path):
    trained = ml("train", "--clusters", "5", "--input", str(DEMO), "--out", str(tmp_path / "models"))
    assert trained.returncode == 0, trained.stderr
    first, second = trained.stdout.splitlines()
    assert TRAINED.match(first).groups() == ("1000", "5")
    path = Path(SAVED.match(second).group(1))
    assert (path / "manifest.json").is_file() and (tmp_path / "models" / "latest.json").is_file()

    predicted = ml("predict", "--input", str(DEMO), "--model", str(tmp_path / "models"),
                   "--output", str(tmp_path / "out.jsonl"))
    assert predicted.returncode == 0, predicted.stderr
    segments = check_predict_lines(predicted.stdout.splitlines())
    assert len(segments) == 5
    first_line = (tmp_path / "out.jsonl").read_text().splitlines()[0]
    assert set(json.loads(first_line)) == {"candidate_id", "segment_id", "confidence", "explanation"}


def test_ml_reports_a_bad_row_by_line_and_field_and_writes_no_model(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,years_experience,desired_salary\na,3,50000\nb,-4,60000\nc,2,lots\n")
    trained = ml("train", "--input", str(bad), "--out", str(tmp_path / "models"))
    assert trained.returncode == 2
    assert "line 3: years_experience" in trained.stderr and "line 4: desired_salary" in trained.stderr
    assert not (tmp_path / "models").exists()
    few = tmp_path / "few.jsonl"
    few.write_text('{"id": "a", "years_experience": 1}\n{"id": "b", "years_experience": 2}\n')
    refused = ml("train", "--input", str(few), "--out", str(tmp_path / "models"))
    assert refused.returncode == 2 and "2 candidates cannot make 5 clusters" in refused.stderr
    missing = ml("predict", "--input", str(few), "--model", str(tmp_path / "none"))
    assert missing.returncode == 3 and "latest.json is missing" in missing.stderr


def test_ml_against_the_local_cloud_and_the_apis_result_shape(cloud):
    rows = []
    with DEMO.open(encoding="utf-8") as handle:
        for r in list(csv.DictReader(handle))[:150]:
            rows.append({"candidate_id": f"contract-{r['candidate_id']}",
                         **{k: float(r[k]) for k in ("years_experience", "desired_salary") if r[k]},
                         **{k: r[k] for k in ("location", "primary_skill") if r[k]},
                         "skills": [s for s in r["skills"].split(";") if s]})
    assert cloud.http.post("/api/candidates", json={"candidates": rows}).status_code == 201
    env = {"ML_API_URL": cloud.api_url, "ML_API_TOKEN": cloud.http.headers["Authorization"].removeprefix("Bearer ")}
    trained = ml("train", "--clusters", "3", env=env)
    assert trained.returncode == 0, trained.stderr
    first, second = trained.stdout.splitlines()
    count, clusters = TRAINED.match(first).groups()
    assert int(count) >= 150 and clusters == "3"
    assert SAVED.match(second).group(1).startswith("s3://")

    predicted = ml("predict", env=env)
    assert predicted.returncode == 0, predicted.stderr
    segments = check_predict_lines(predicted.stdout.splitlines())
    answer = cloud.http.post("/api/candidates/segmentation/predict", json={}).json()
    assert set(answer) == {"num_candidates", "segments", "model_version"}
    assert answer["segments"] == segments and answer["num_candidates"] == sum(segments.values())
