from datetime import UTC, datetime, timedelta

from segmentation.learning.events import validate_batch

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
GOOD = {"event_id": "e-1", "host": "ACME.wd5.myworkdayjobs.com", "schema_hash": "abc123", "gen_style_id": "concise",
        "feedback_status": "helpful", "edit_chars": 12, "job": {"title": "Sr. Engineer", "company": "Acme"}}


def test_a_valid_event_is_stored_with_family_segment_and_time():
    [stored], rejected = validate_batch([GOOD], NOW)
    assert rejected == []
    assert stored["host"] == "acme.wd5.myworkdayjobs.com"
    assert (stored["family"], stored["segment_key"], stored["job_title"]) == ("workday", "senior", "Sr. Engineer")
    assert stored["occurred_at"] == stored["received_at"] == "2026-11-23T06:00:00Z"


def test_malformed_events_are_rejected_with_index_and_reason():
    batch = [GOOD, {**GOOD, "edit_chars": "12"}, {**GOOD, "feedback_status": "meh", "host": "not a host"},
             {k: v for k, v in GOOD.items() if k != "event_id"}, {**GOOD, "job": {"title": 3}},
             {**GOOD, "occurred_at": (datetime.now(UTC) + timedelta(days=1)).isoformat()}, {**GOOD, "edit_chars": -1}]
    valid, rejected = validate_batch(batch, NOW)
    assert len(valid) == 1
    assert [r["index"] for r in rejected] == [1, 2, 3, 4, 5, 6]
    fields = {r["index"]: {e["field"] for e in r["errors"]} for r in rejected}
    assert fields[1] == {"body.events.1.edit_chars"}
    assert fields[2] == {"body.events.2.feedback_status", "body.events.2.host"}
    assert fields[3] == {"body.events.3.event_id"}
    assert fields[4] == {"body.events.4.job.title"}
    assert "in the future" in rejected[4]["reason"]


def test_events_without_job_have_no_segment_and_old_times_are_kept():
    event = {k: v for k, v in GOOD.items() if k != "job"} | {"occurred_at": "2026-11-01T10:00:00+02:00"}
    [stored], _ = validate_batch([event], NOW)
    assert stored["segment_key"] is None
    assert stored["occurred_at"] == "2026-11-01T08:00:00Z"
