"""The learning service over HTTP in the emulator: sync, the scheduled aggregator, style hints."""

import itertools
import json
from datetime import UTC, datetime, timedelta

import pytest
from localcloud.rules import fire_rule

from tests.integration.conftest import STACK, http_client
from tests.integration.helpers import wait_for_executions

SYNC = "/api/extension/learning/sync"
PROFILE = "/api/extension/learning/profile"
RULE = f"{STACK}-learning-aggregate"
_ids = itertools.count()


def event(host, schema_hash, style, status="helpful", title="Senior Engineer", **extra):
    return {"event_id": f"ev-{next(_ids)}", "host": host, "schema_hash": schema_hash, "gen_style_id": style,
            "feedback_status": status, "edit_chars": 5, "application_id": "app-1",
            **({"job": {"title": title}} if title else {}), **extra}


def sync(http, events):
    response = http.post(SYNC, json={"events": events})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def aggregate(stack, aws, runs=1) -> dict:
    [target] = fire_rule(stack.account_id, stack.region, RULE)["targets"]
    assert "execution_arn" in target
    [latest, *_] = wait_for_executions(aws("stepfunctions"), stack.ref("LearningAggregatorStateMachine"), runs)
    assert latest["status"] == "SUCCEEDED", latest.get("cause")
    return latest


def hint(http, host, schema_hash):
    response = http.get(PROFILE, query_string={"host": host, "schema_hash": schema_hash})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["style_hint"]


def test_hints_follow_the_hierarchy_form_segment_family_none(stack, http, aws):
    gh = "boards.greenhouse.io"
    batch = (
        [event(gh, "busy", "concise", title="Junior Analyst") for _ in range(4)]
        + [event(gh, "busy", "formal", "unhelpful", title="Junior Analyst")]
        # sparse senior form; its segment (senior on greenhouse) has 1 + 5 runs, mostly "warm"
        + [event(gh, "sparse-senior", "concise")]
        + [event("job-boards.greenhouse.io", "other-senior", "warm", title="Sr. Developer") for _ in range(5)]
        # sparse intern form; greenhouse interns have 2 runs only, so the family decides
        + [event(gh, "sparse-intern", "warm", title="Summer Intern") for _ in range(2)]
        # lever: sparse everywhere
        + [event("jobs.lever.co", "lonely", "formal", title=None) for _ in range(3)]
    )
    result = sync(http, batch)
    assert (result["stored"], result["rejected"]) == (len(batch), 0)
    aggregate(stack, aws)

    busy = hint(http, gh, "busy")
    assert (busy["source"], busy["preferred_style_id"], busy["segment_key"]) == ("form", "concise", "junior")
    assert busy["style_stats"]["formal"] == {"runs": 1, "helpful": 0, "unhelpful": 1, "no_feedback": 0,
                                             "mean_edit_chars": 5, "posterior_mean": pytest.approx(1 / 3),
                                             "lower_bound": pytest.approx(0.0253206, abs=1e-6)}
    senior = hint(http, gh, "sparse-senior")
    assert (senior["source"], senior["preferred_style_id"], senior["segment_key"]) == ("segment", "warm", "senior")
    intern = hint(http, gh, "sparse-intern")
    assert (intern["source"], intern["segment_key"]) == ("family", "intern")
    assert intern["preferred_style_id"] == "warm"
    assert sum(s["runs"] for s in intern["style_stats"].values()) == 13  # every greenhouse run
    lonely = hint(http, "jobs.lever.co", "lonely")
    assert (lonely["source"], lonely["preferred_style_id"], lonely["segment_key"]) == (None, None, None)

    profile = http.get(PROFILE, query_string={"host": "Jobs.Lever.co", "schema_hash": "lonely"}).get_json()
    assert (profile["family"], profile["runs"], profile["lookback_days"]) == ("lever", 3, 30)


def test_resyncing_a_batch_counts_once(stack, http, aws):
    batch = [event("apply.workable.com", "f", "concise") for _ in range(6)]
    assert sync(http, batch)["stored"] == 6
    again = sync(http, batch)
    assert (again["accepted"], again["stored"], again["duplicates"]) == (6, 0, 6)
    aggregate(stack, aws)
    assert hint(http, "apply.workable.com", "f")["style_stats"]["concise"]["runs"] == 6


def test_a_mixed_batch_stores_the_valid_events_and_reports_the_others(stack, http, aws):
    good = event("acme.bamboohr.com", "f", "concise")
    batch = [good, {**event("acme.bamboohr.com", "f", "x"), "edit_chars": "lots"},
             {**event("acme.bamboohr.com", "f", "x"), "feedback_status": "great"}, event("acme.bamboohr.com", "f", "y")]
    result = sync(http, batch)
    assert (result["accepted"], result["stored"], result["rejected"]) == (2, 2, 2)
    assert [(r["index"], r["errors"][0]["field"]) for r in result["rejections"]] == [
        (1, "body.events.1.edit_chars"), (2, "body.events.2.feedback_status")]
    aggregate(stack, aws)
    stats = hint(http, "acme.bamboohr.com", "f")["style_stats"]
    assert set(stats) == {"concise", "y"}


@pytest.mark.parametrize(("body", "field"), [
    ({"events": []}, "body.events"),
    ({"events": "not a list"}, "body.events"),
    ({"events": [event("a.icims.com", "f", "s", event_id="first-of-bad-batch"), 7]}, "body.events.1"),
    ({}, "body.events"),
])
def test_an_empty_batch_or_wrong_types_are_422_and_store_nothing(stack, http, aws, body, field):
    response = http.post(SYNC, json=body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.get_json()["errors"]]
    stored = aws("dynamodb").get_item(TableName=stack.ref("EventsTable"),
                                      Key={"pk": {"S": "LEARNEVT#first-of-bad-batch"}, "sk": {"S": "LEARNEVT"}})
    assert "Item" not in stored


def test_events_outside_the_lookback_window_are_not_counted(stack, http, aws):
    old = (datetime.now(UTC) - timedelta(days=31)).isoformat()
    recent = (datetime.now(UTC) - timedelta(days=29)).isoformat()
    sync(http, [event("acme.taleo.net", "f", "old", occurred_at=old) for _ in range(5)]
         + [event("acme.taleo.net", "f", "recent", occurred_at=recent)])
    aggregate(stack, aws)
    profile = http.get(PROFILE, query_string={"host": "acme.taleo.net", "schema_hash": "f"}).get_json()
    assert profile["runs"] == 1
    assert set(profile["style_hint"]["style_stats"]) == {"recent"}


def test_the_window_ends_at_the_schedule_events_time(stack, http, aws):
    now = datetime.now(UTC)
    sync(http, [event("acme.jobvite.com", "f", "then", occurred_at=(now - timedelta(days=3)).isoformat()),
                event("acme.jobvite.com", "f", "later", occurred_at=(now - timedelta(hours=1)).isoformat())])
    sfn = aws("stepfunctions")
    tick = {"detail-type": "Scheduled Event", "time": (now - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")}
    sfn.start_execution(stateMachineArn=stack.ref("LearningAggregatorStateMachine"), input=json.dumps(tick))
    [execution] = wait_for_executions(sfn, stack.ref("LearningAggregatorStateMachine"))
    assert execution["status"] == "SUCCEEDED", execution.get("cause")
    profile = http.get(PROFILE, query_string={"host": "acme.jobvite.com", "schema_hash": "f"}).get_json()
    assert set(profile["style_hint"]["style_stats"]) == {"then"}
    assert profile["aggregated_at"] == tick["time"]


def test_profile_of_an_unknown_form_is_404_and_bad_queries_are_422(stack, http):
    response = http.get(PROFILE, query_string={"host": "boards.greenhouse.io", "schema_hash": "never-seen"})
    assert response.status_code == 404
    assert "never-seen" in response.get_json()["message"]
    missing = http.get(PROFILE, query_string={"host": "boards.greenhouse.io"})
    assert missing.status_code == 422 and missing.get_json()["errors"][0]["field"] == "query.schema_hash"
    bad_host = http.get(PROFILE, query_string={"host": "not a host", "schema_hash": "x"})
    assert bad_host.status_code == 422 and bad_host.get_json()["errors"][0]["field"] == "query.host"


def test_aggregator_reports_what_it_did(stack, http, aws):
    sync(http, [event("jobs.ashbyhq.com", "f", "concise") for _ in range(5)])
    execution = aggregate(stack, aws)
    output = json.loads(execution["output"])
    assert (output["events"], output["profiles"], output["lookback_days"]) == (5, 1, 30)
    assert output["profiles_by_source"] == {"form": 1, "segment": 0, "family": 0, "none": 0}


def test_writes_record_the_caller_and_the_aggregator_its_system_principal(stack, aws):
    writer = http_client(stack, "write")  # a non-admin caller: the demo user `demo-write`
    events = [event("jobs.ashbyhq.com", "by", "concise") for _ in range(5)]
    assert sync(writer, events)["stored"] == 5
    assert sync(http_client(stack, "admin"), events[:1])["duplicates"] == 1  # a re-sent event keeps its writer
    item = aws("dynamodb").get_item(TableName=stack.ref("EventsTable"), Key={
        "pk": {"S": f"LEARNEVT#{events[0]['event_id']}"}, "sk": {"S": "LEARNEVT"}})["Item"]
    assert item["created_by"]["S"] == "demo-write"
    aggregate(stack, aws)
    profile = aws("dynamodb").get_item(TableName=stack.ref("EntitiesTable"), Key={
        "pk": {"S": "LEARNFORM#jobs.ashbyhq.com#by"}, "sk": {"S": "PROFILE"}})["Item"]
    assert profile["created_by"]["S"] == profile["updated_by"]["S"] == "system:learning-aggregator"
    [run] = aws("dynamodb").query(TableName=stack.ref("EntitiesTable"), KeyConditionExpression="pk = :pk",
                                  ExpressionAttributeValues={":pk": {"S": "LEARNRUN"}})["Items"]
    assert run["created_by"]["S"] == "system:learning-aggregator"


def test_aggregator_and_sync_publish_emf_metrics(stack, http, aws):
    sync(http, [event("jobs.ashbyhq.com", "f", "concise", title="Staff Software Engineer") for _ in range(2)]
         + [{"event_id": "bad"}])
    aggregate(stack, aws)
    logs = aws("logs")

    def metrics(function):
        group = f"/aws/lambda/{stack.ref(function)}"
        blobs = [json.loads(e["message"]) for e in logs.filter_log_events(logGroupName=group)["events"]
                 if e["message"].startswith("{") and "_aws" in e["message"]]
        return [{k: v for k, v in b.items() if k != "_aws"} for b in blobs]

    aggregated = metrics("LearningAggregateFunction")
    assert {"family": "ashby", "segment": "senior", "LearningRunsAggregated": [2.0]} in [
        {k: b[k] for k in ("family", "segment", "LearningRunsAggregated") if k in b} for b in aggregated]
    assert any(b.get("source") == "none" and b.get("LearningProfilesUpdated") == [1.0] for b in aggregated)
    synced = metrics("LearningSyncFunction")
    assert {"LearningEventsStored": [2.0]} in [{k: b[k] for k in ("LearningEventsStored",) if k in b} for b in synced]
    assert {"LearningEventsRejected": [1.0]} in [{k: b[k] for k in ("LearningEventsRejected",) if k in b}
                                                 for b in synced]


def test_a_missing_events_table_is_a_503_for_sync_and_fails_the_aggregator_run(stack, http, aws):
    aws("dynamodb").delete_table(TableName=stack.ref("EventsTable"))
    response = http.post(SYNC, json={"events": [event("boards.greenhouse.io", "f", "concise")]})
    assert response.status_code == 503
    assert "ResourceNotFoundException" in response.get_json()["message"]
    fire_rule(stack.account_id, stack.region, RULE)
    [execution] = wait_for_executions(aws("stepfunctions"), stack.ref("LearningAggregatorStateMachine"))
    assert execution["status"] == "FAILED"
    assert execution["error"] == "DependencyUnavailable"


PROFILES = "/api/extension/learning/profiles"
LATEST_RUN = "/api/extension/learning/runs/latest"


def test_profiles_list_by_host_and_source_in_pages(stack, http, aws):
    gh = "boards.greenhouse.io"
    sync(http, [event(gh, f"form-{n}", "concise") for n in range(3) for _ in range(5)]  # three forms with 5 runs
         + [event("jobs.lever.co", "lonely", "formal", title=None)])  # sparse: source none
    aggregate(stack, aws)

    everything = http.get(PROFILES).get_json()
    assert [(p["host"], p["schema_hash"], p["style_hint"]["source"]) for p in everything["items"]] == [
        (gh, "form-0", "form"), (gh, "form-1", "form"), (gh, "form-2", "form"), ("jobs.lever.co", "lonely", None)]
    assert everything["next_cursor"] is None

    first = http.get(PROFILES, query_string={"host": "Boards.Greenhouse.io", "limit": 2}).get_json()
    assert [p["schema_hash"] for p in first["items"]] == ["form-0", "form-1"]
    rest = http.get(PROFILES, query_string={"host": gh, "limit": 2, "cursor": first["next_cursor"]}).get_json()
    assert ([p["schema_hash"] for p in rest["items"]], rest["next_cursor"]) == (["form-2"], None)

    none = http.get(PROFILES, query_string={"source": "none"}).get_json()["items"]
    assert [(p["host"], p["style_hint"]["preferred_style_id"]) for p in none] == [("jobs.lever.co", None)]
    assert http.get(PROFILES, query_string={"source": "segment"}).get_json()["items"] == []


def test_a_profile_moves_between_source_listings_when_its_hint_source_changes(stack, http, aws):
    sync(http, [event("acme.icims.com", "f", "concise")])
    aggregate(stack, aws)
    assert [p["schema_hash"] for p in http.get(PROFILES, query_string={"source": "none"}).get_json()["items"]] == ["f"]
    sync(http, [event("acme.icims.com", "f", "concise") for _ in range(5)])
    aggregate(stack, aws, runs=2)
    assert http.get(PROFILES, query_string={"source": "none"}).get_json()["items"] == []
    assert [p["schema_hash"] for p in http.get(PROFILES, query_string={"source": "form"}).get_json()["items"]] == ["f"]


@pytest.mark.parametrize(("query", "field"), [
    ({"source": "everywhere"}, "query.source"), ({"host": "not a host"}, "query.host"),
    ({"limit": 0}, "query.limit"), ({"cursor": "garbage"}, "query.cursor")])
def test_profiles_bad_queries_are_422_naming_the_parameter(stack, http, query, field):
    response = http.get(PROFILES, query_string=query)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert field in [e["field"] for e in response.get_json()["errors"]]


def test_latest_run_is_404_before_the_first_run_then_summarises_the_newest(stack, http, aws):
    before = http.get(LATEST_RUN)
    assert before.status_code == 404
    assert "not run yet" in before.get_json()["message"]

    sync(http, [event("jobs.ashbyhq.com", "f", "concise") for _ in range(5)])
    aggregate(stack, aws)
    first = http.get(LATEST_RUN).get_json()
    assert (first["events"], first["profiles"], first["lookback_days"]) == (5, 1, 30)
    assert first["profiles_by_source"] == {"form": 1, "segment": 0, "family": 0, "none": 0}
    assert first["started_at"] <= first["finished_at"]
    assert set(first["timings_s"]) == {"read", "aggregate", "write"}

    sync(http, [event("jobs.lever.co", "g", "formal", title=None)])
    aggregate(stack, aws, runs=2)
    second = http.get(LATEST_RUN).get_json()
    assert second["run_id"] != first["run_id"]
    assert (second["events"], second["profiles"]) == (6, 2)
    assert second["profiles_by_source"] == {"form": 1, "segment": 0, "family": 0, "none": 1}
