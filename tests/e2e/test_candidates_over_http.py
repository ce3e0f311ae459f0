"""The candidates service on the local cloud (`make up`), over HTTP only (cloud.http): a pool, bad input, a
training run with its progress, named segments, assignment at once, prediction write-back, targeting."""

import csv
import time

from tests.conftest import ROOT

DEMO = ROOT / "models" / "candidates" / "demo" / "stackoverflow_candidates.csv"


def demo_rows(count: int, prefix: str) -> list[dict]:
    with DEMO.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))[:count]
    return [{"candidate_id": f"{prefix}{r['candidate_id']}",
             **{k: float(r[k]) for k in ("years_experience", "desired_salary") if r[k]},
             **{k: r[k] for k in ("location", "education_level", "primary_skill") if r[k]},
             "skills": [s for s in r["skills"].split(";") if s]} for r in rows]


def wait_for_run(http, run_id: str, timeout: float = 600) -> tuple[dict, list[str]]:
    deadline, steps = time.monotonic() + timeout, []
    while time.monotonic() < deadline:
        run = http.get(f"/api/candidates/segmentation/runs/{run_id}").json()
        steps.append(run["step"])
        if run["status"] != "RUNNING":
            return run, steps
        time.sleep(0.5)
    raise AssertionError(f"run {run_id} did not finish in {timeout} s")


def test_candidates_pool_training_segments_and_prediction_over_http(cloud):
    http = cloud.http
    rows = demo_rows(250, "e2e-")
    for start in range(0, 250, 125):
        response = http.post("/api/candidates", json={"candidates": rows[start:start + 125]})
        assert response.status_code == 201, response.text
    bad = http.post("/api/candidates", json={"candidates": [{"candidate_id": "e2e-x", "years_experience": -1},
                                                             {"candidate_id": "e2e-y", "salary": 1}]})
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["body.candidates.0.years_experience",
                                                          "body.candidates.1.salary"]
    assert http.get("/api/candidates/e2e-x").status_code == 404

    started = http.post("/api/candidates/segmentation/train", json={"clusters": 4})
    assert started.status_code == 202
    run, steps = wait_for_run(http, started.json()["run_id"])
    assert run["status"] == "SUCCEEDED", run
    assert run["counts"]["candidates"] >= 250 and run["counts"]["assigned"] == run["counts"]["candidates"]
    assert run["step"] == "RecordRun" and run["result"]["k"] == 4
    assert set(steps) <= {None, "Snapshot", "Fit", "Evaluate", "Publish", "Reassign", "AssignShard", "RecordRun"}

    segments = http.get("/api/candidates/segments").json()
    assert len(segments["segments"]) == 4 and all(s["name"] for s in segments["segments"])
    one = segments["segments"][0]
    assert http.get(f"/api/candidates/segments/{one['segment_id']}").json()["profile"] == one["profile"]
    page = http.get("/api/candidates", params={"segment_id": one["segment_id"], "limit": 10}).json()
    assert page["items"] and {c["segment_id"] for c in page["items"]} == {one["segment_id"]}

    created = http.post("/api/candidates", json={"candidate_id": "e2e-new", "years_experience": 9,
                                                 "location": "Germany", "skills": ["Python", "Docker"]})
    assert created.status_code == 201 and created.json()["candidates"][0]["segment_id"] is not None
    updated = http.patch("/api/candidates/e2e-new", json={"years_experience": 1, "skills": ["Excel"]})
    assert updated.status_code == 200 and updated.json()["assigned_at"] is not None

    predicted = http.post("/api/candidates/segmentation/predict", json={})
    assert predicted.status_code == 200
    result = predicted.json()
    assert result["num_candidates"] == sum(result["segments"].values()) >= 251
    assert result["model_version"] == segments["model_version"]

    ad = http.post("/api/jobs", json={"title": "Senior Python Developer", "description": "Python, SQL and Docker.",
                                      "targetCandidateSegments": [one["segment_id"]]}).json()
    ranking = http.get(f"/api/jobs/{ad['jobAdId']}/candidate-segments").json()
    assert "python" in ranking["adSkills"] and len(ranking["segments"]) == 4
    assert http.delete("/api/candidates/e2e-new").status_code == 200
