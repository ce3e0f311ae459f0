"""Checking a batch file line by line (segmentation.text.batch.parse_batch): no emulator, no model."""

import json

import pytest
from segmentation.platform.errors import InvalidInput
from segmentation.text.batch import parse_batch, result_name


def test_good_lines_are_kept_and_bad_ones_reported_by_line():
    raw = "\n".join([json.dumps({"id": "a", "text": "Nurse wanted"}), "{oops", "", json.dumps({"id": True, "text": "x"}),
                     json.dumps({"text": "y" * 20_001}), json.dumps({"id": 5, "text": "Driver"}), "42"])
    ads, errors = parse_batch(raw.encode())
    assert ads == [{"line": 1, "id": "a", "text": "Nurse wanted"}, {"line": 6, "id": 5, "text": "Driver"}]
    assert [(e["line"], e["field"]) for e in errors] == [(2, "line"), (4, "id"), (5, "text"), (7, "text")]
    assert "20000 characters" in errors[2]["error"]


def test_a_file_that_is_not_utf8_is_refused_naming_the_file():
    with pytest.raises(InvalidInput) as raised:
        parse_batch(b"\xff\xfe{}")
    assert raised.value.field == "file"


def test_result_names_follow_the_upload_key():
    assert result_name("batch/ads/2026/december.jsonl") == "2026/december"
    assert result_name("batch/ads/ads") == "ads"
