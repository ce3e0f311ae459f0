"""Candidate segmentation's pure core: NumPy features and assignment against the fitted scikit-learn
pipeline, missing and unseen values, artifacts without pickle, stable ids, names, validation, files."""

import json

import numpy as np
import pytest
from segmentation.candidates.features import normalize_skill
from segmentation.candidates.files import parse_candidates
from segmentation.candidates.matching import first_ids, match_ids
from segmentation.candidates.model import CandidateModel, ModelArtifactError, features_of, segment_counts
from segmentation.candidates.profiles import build_profiles, seniority
from segmentation.candidates.schemas import BatchInvalid, CandidateUpdate, validate_batch
from segmentation.candidates.training import (
    TrainingDataError,
    TrainingParams,
    input_matrix,
    sklearn_pipeline,
    train,
)

from tests.conftest import ROOT

DEMO = ROOT / "models" / "candidates" / "demo" / "stackoverflow_candidates.csv"


@pytest.fixture(scope="module")
def pool() -> list[dict]:
    return parse_candidates(DEMO.read_bytes(), DEMO.name).accepted


@pytest.fixture(scope="module")
def fitted(pool):
    """Train on 700 real candidates; the other 300 are held out."""
    return train(pool[:700], TrainingParams(clusters=5))


def test_numpy_assignment_equals_the_fitted_sklearn_pipeline_on_held_out_rows(pool, fitted):
    training = sorted((features_of(r) | {"candidate_id": r["candidate_id"]} for r in pool[:700]),
                      key=lambda r: r["candidate_id"])
    pipeline = sklearn_pipeline(training).fit(input_matrix(training))
    held_out = [features_of(r) for r in pool[700:]]
    expected = pipeline.predict(input_matrix(held_out))
    assert np.array_equal(fitted.predict(held_out), expected)
    transformed = pipeline.named_steps["features"].transform(input_matrix(held_out))
    assert np.allclose(fitted.preprocessing.transform(held_out), transformed.toarray()
                       if hasattr(transformed, "toarray") else transformed)
    assert np.allclose(fitted.centroids, pipeline.named_steps["kmeans"].cluster_centers_)


def test_missing_and_unseen_values_encode_as_documented(fitted):
    pre = fitted.preprocessing
    [missing, unseen] = pre.transform([{}, {"location": "Atlantis", "education_level": "Wizard school",
                                            "primary_skill": "Alchemy", "skills": ["Transmutation"]}])
    medians_scaled = (pre.medians - pre.means) / pre.scales
    assert np.allclose(missing[:2], medians_scaled)  # a missing number is the training median
    assert missing[2:].sum() == 0 and unseen[2:].sum() == 0  # missing and unseen categories: all zeros
    [upper] = pre.transform([{"skills": ["PYTHON", " python "]}])
    [lower] = pre.transform([{"skills": ["python"]}])
    assert np.array_equal(upper, lower) and upper[2:].sum() == 1  # skills case-folded, counted once
    assert len(pre.skills) <= 200 and normalize_skill("  Node.js ") == "node.js"


def test_assignment_has_confidence_and_an_explanation_naming_candidate_values(pool, fitted):
    rows = [features_of(r) for r in pool[700:720]]
    result = fitted.assign(rows)
    assert len(result.segment_ids) == 20 and set(result.segment_ids) <= set(fitted.segments)
    assert ((result.confidence >= 0) & (result.confidence <= 1)).all()
    for row, explanation in zip(rows, result.explanations):
        assert 1 <= len(explanation) <= 3
        assert all(0 < e["share"] <= 1 for e in explanation)
        for e in explanation:
            if e["feature"] == "skills":
                assert e["has"] == (e["value"] in row["skills"])  # has it, or lacks what the runner-up has
            else:
                assert e["value"] == row[e["feature"]]


def test_artifacts_round_trip_without_pickle_and_a_corrupt_file_is_named(fitted, tmp_path):
    directory = fitted.save(tmp_path / "v1")
    assert {p.name for p in directory.iterdir()} == {"manifest.json", "preprocessing.json", "centroids.npy",
                                                     "distance_quantiles.npy", "margin_quantiles.npy", "segments.json"}
    loaded = CandidateModel.load(directory)
    assert loaded.version == fitted.version and np.array_equal(loaded.centroids, fitted.centroids)
    manifest = json.loads((directory / "manifest.json").read_text())
    assert {"init": "k-means++", "n_init": 10, "max_iter": 300, "tol": 1e-4}.items() <= manifest["parameters"].items()
    assert manifest["seed"] == 42 and {"inertia", "silhouette", "sizes", "gates"} <= set(manifest["metrics"])
    assert {"numpy", "scikit-learn"} <= set(manifest["libraries"])
    original = (directory / "centroids.npy").read_bytes()
    (directory / "centroids.npy").write_bytes(b"\x93NUMPY tampered")
    with pytest.raises(ModelArtifactError, match="centroids.npy is corrupt"):
        CandidateModel.load(directory)
    (directory / "centroids.npy").write_bytes(original)
    (directory / "segments.json").unlink()
    with pytest.raises(ModelArtifactError, match="segments.json is missing"):
        CandidateModel.load(directory)


def test_the_same_pool_in_another_order_trains_the_same_model(pool):
    a = train(pool[:300], TrainingParams(clusters=3))
    b = train(list(reversed(pool[:300])), TrainingParams(clusters=3))
    assert np.array_equal(a.centroids, b.centroids) and a.segment_ids == b.segment_ids
    assert a.manifest["data"]["sha256"] == b.manifest["data"]["sha256"]


def test_too_few_or_identical_candidates_are_refused():
    with pytest.raises(TrainingDataError, match="3 candidates cannot make 5 clusters"):
        train([{"candidate_id": str(i), "years_experience": i} for i in range(3)], TrainingParams(clusters=5))
    with pytest.raises(TrainingDataError, match="1 distinct profile"):
        train([{"candidate_id": str(i), "years_experience": 2} for i in range(10)], TrainingParams(clusters=2))


def test_segment_ids_follow_shared_members_and_new_segments_get_fresh_numbers():
    labels = np.array([0] * 50 + [1] * 30 + [2] * 20)
    ids, next_number = first_ids(labels, 3)
    assert ids == ["0", "1", "2"] and next_number == 3
    # new rows: 1 is old 0's members, 0 is old 1's, 2 splits old 2 with nothing above half of either
    new = np.array([1] * 50 + [0] * 30 + [2] * 10 + [3] * 10)
    new_ids, next_number, _pairs = match_ids(new, 4, labels, ids, 3)
    assert new_ids[1] == "0" and new_ids[0] == "1"
    assert new_ids[2] == "2" and new_ids[3] == "3" and next_number == 4  # 10 of 10 shared: kept; rest fresh
    unrelated = np.array([0, 1] * 50)
    fresh, _n, _p = match_ids(unrelated, 2, labels, ids, 3)
    assert fresh == ["3", "4"]  # every pair shares exactly half: not more than half, so fresh ids


def test_names_and_counts(fitted):
    names = [s["name"] for s in fitted.segments.values()]
    assert len(set(names)) == len(names)
    assert all(name.split(" ")[0] in {"Entry-level", "Mid-level", "Senior", "Veteran", "Unknown-seniority"}
               for name in names)
    assert seniority(1) == "Entry-level" and seniority(7) == "Senior" and seniority(None) == "Unknown-seniority"
    assert list(segment_counts(["10", "2", "2", "0"])) == ["0", "2", "10"]
    for segment in fitted.segments.values():
        for skill in segment["profile"]["skills"]:
            assert skill["lift"] == pytest.approx(skill["share"] / skill["pool_share"], rel=1e-2)


def test_validation_names_the_field_and_refuses_reserved_ids():
    with pytest.raises(BatchInvalid) as invalid:
        validate_batch({"candidates": [{"candidate_id": "a"}, {"candidate_id": "segmentation"},
                                       {"candidate_id": "b", "years_experience": "7"}, {"candidate_id": "a"},
                                       {"candidate_id": "c", "skills": ["x" * 61]}, {"candidate_id": "d", "x": 1}]})
    report = {item["index"]: item["errors"][0]["field"] for item in invalid.value.items}
    assert report == {1: "candidate_id", 2: "years_experience", 3: "candidate_id", 4: "skills.0", 5: "x"}
    assert len(validate_batch({"candidate_id": "one", "desired_salary": 50000})) == 1
    with pytest.raises(ValueError, match="names no field"):
        CandidateUpdate.model_validate({})


def test_files_report_rejected_rows_by_line_and_field():
    csv_text = (b"id,years_experience,skills\n" b"a,3,Python;SQL\n" b"b,-1,\n" b"\"c\",x,\n" b"a,2,\n"
                b"segments,1,\n")
    parsed = parse_candidates(csv_text, "pool.csv")
    assert [r["candidate_id"] for r in parsed.accepted] == ["a"] and parsed.accepted[0]["skills"] == ["Python", "SQL"]
    assert [(r["line"], r["errors"][0]["field"]) for r in parsed.rejected] == [
        (3, "years_experience"), (4, "years_experience"), (5, "candidate_id"), (6, "candidate_id")]
    jsonl = b'{"id": "j1", "location": "Berlin"}\nnot json\n{"candidate_id": "j2", "phone": 5}\n'
    parsed = parse_candidates(jsonl, "pool.jsonl")
    assert [r["line"] for r in parsed.rejected] == [2, 3] and parsed.rejected[1]["errors"][0]["field"] == "phone"
    with pytest.raises(ValueError, match="unknown column"):
        parse_candidates(b"id,shoe_size\nx,1\n", "x.csv")


def test_profiles_counted_with_numpy_equal_counting_each_segment_in_python():
    """build_profiles counts with bincounts over codes; a plain per-segment Counter is the reference."""
    from collections import Counter

    rng = np.random.default_rng(3)
    records = [{"years_experience": None if i % 11 == 0 else float(rng.integers(0, 30)),
                "desired_salary": None if i % 7 == 0 else float(rng.integers(30, 200) * 1000),
                "location": [None, "Germany", "India", "Brazil"][i % 4], "education_level": ["BSc", "MSc"][i % 2],
                "primary_skill": ["Back-end", "Front-end", "Data"][i % 3],
                "skills": [s for s in ("python", "sql", "go", "react") if rng.random() < 0.4]} for i in range(400)]
    labels = rng.integers(0, 3, size=400)
    segments = build_profiles(records, labels, ["0", "1", "2"], normalized=True)
    pool_locations = Counter(r["location"] for r in records if r["location"] is not None)
    pool_skills = Counter(s for r in records for s in r["skills"])
    for row, segment_id in enumerate(["0", "1", "2"]):
        members = [records[i] for i in np.flatnonzero(labels == row)]
        profile = segments[segment_id]["profile"]
        assert segments[segment_id]["size"] == len(members)
        years = [m["years_experience"] for m in members if m["years_experience"] is not None]
        assert profile["years_experience"]["median"] == round(float(np.median(years)), 2)
        assert profile["years_experience"]["missing_share"] == round(1 - len(years) / len(members), 4)
        locations = Counter(m["location"] for m in members if m["location"] is not None)
        expected = sorted(locations, key=lambda v: (-locations[v], v))[:3]
        assert [r["value"] for r in profile["location"]] == expected
        top = profile["location"][0]
        assert top["share"] == round(locations[top["value"]] / len(members), 4)
        assert top["pool_share"] == round(pool_locations[top["value"]] / len(records), 4)
        skills = Counter(s for m in members for s in m["skills"])
        for shown in profile["skills"]:
            share = skills[shown["value"]] / len(members)
            assert shown["share"] == round(share, 4)
            assert shown["lift"] == round(share / (pool_skills[shown["value"]] / len(records)), 3)
