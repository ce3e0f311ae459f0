"""Segment traits and index scores (against a direct computation), unique names, lifestyle diversity,
record-set selection and upload validation; no emulator."""

import math

import numpy as np
import pytest
from segmentation.audiences import lifestyle, profiling, records, uploads
from segmentation.platform.errors import InvalidInput

COLUMNS = [{"name": "degree", "description": "r's highest degree", "kind": "categorical",
            "labels": {"0": "less than high school", "3": "bachelor's", "4": "graduate"}},
           {"name": "realinc", "description": "family income in constant $", "kind": "numeric", "labels": {}}]


def test_index_scores_are_weighted_shares_and_means_relative_to_the_whole():
    values = np.array([[3, 90_000], [4, 120_000], [0, 20_000], [0, 30_000], [3, 50_000]], dtype=np.float32)
    weights = np.array([1.0, 2.0, 1.0, 1.0, 1.0])
    members = np.array([True, True, False, False, False])
    top, characteristics = profiling.traits(values, weights, COLUMNS, members)
    graduate = characteristics["degree"]["distribution"]["graduate"]
    assert graduate["share"] == pytest.approx(2 / 3, abs=1e-4) and graduate["overall"] == pytest.approx(2 / 6, abs=1e-4)
    assert graduate["index"] == 200
    mean_seg = (90_000 + 2 * 120_000) / 3
    mean_all = (90_000 + 240_000 + 20_000 + 30_000 + 50_000) / 6
    assert characteristics["realinc"]["index"] == round(100 * mean_seg / mean_all)
    assert all(t["index"] > 100 for t in top if t["variable"] == "degree")
    assert top[0]["label"] in {"r's highest degree: graduate", "High family income in constant $",
                               "r's highest degree: bachelor's"}


def test_names_come_from_traits_and_are_unique():
    eco = [{"description": "improving & protecting environment", "value": "too little", "index": 150},
           {"description": "marital status", "value": "never married", "index": 140}]
    names = profiling.name_segments([eco, eco, eco])
    assert names[0] == "Eco-Forward Singles" and len(set(names)) == 3


def test_diversity_is_normalised_shannon_entropy():
    assert lifestyle.diversity(np.array([1.0]), 36) == 0.0
    assert lifestyle.diversity(np.full(36, 1 / 36), 36) == pytest.approx(1.0)
    p = np.array([0.5, 0.25, 0.25])
    assert lifestyle.diversity(p, 4) == pytest.approx(-(p * np.log(p)).sum() / math.log(4))


def test_record_set_selection():
    assert records.resolve(None, None, None)["record_set"] == "panel"
    assert records.resolve("third_party", "postal_code", None)["record_set"] == "zcta"
    assert records.resolve("clean_room", None, None) | {} == {"data_type": "clean_room", "subtype": "panel",
                                                                "record_set": "panel", "upload_id": None,
                                                                "clean_room": True}
    with pytest.raises(InvalidInput) as error:
        records.resolve("first_party", "rampid", None)
    assert error.value.field == "payload.upload_id" and "POST /api/audiences/uploads" in str(error.value)
    with pytest.raises(InvalidInput) as error:
        records.resolve("third_party", "email", None)
    assert error.value.field == "payload.subtype"


def test_upload_validation_without_storage():
    lines = ["phone,age,colour"] + [f"(555) 010-{i:04d},{20 + i % 50},{'red' if i % 2 else 'blue'}" for i in range(120)]
    lines[3] = "12,40,red"
    report, recs = uploads.validate("phone", "\n".join(lines) + "\n")
    assert report["status"] == "validated" and report["accepted"] == 119
    assert report["rejected_rows"] == [{"line": 4, "reason": "phone: not a phone number (E.164 allows 8 to 15 digits)"}]
    assert recs.ids[0] == "+15550100000"
    kinds = {c["column"]: c["kind"] for c in report["columns"]}
    assert kinds == {"age": "numeric", "colour": "categorical"}
