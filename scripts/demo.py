"""`make demo`: stand up the embedded local cloud, deploy template.yaml, promote the shipped text model,
segment realistic job ads over HTTP, then retrain through Step Functions by uploading a corpus under
the corpus prefix, show /segment answering from the newly promoted version, and take a job ad through
the jobs service (schedule, badge, preview, pins, platform targeting, feedback), the candidates service
(bulk import, training run, named segments, prediction, campaign targeting), and build an audience
from a sentence (segments, export, Meta payload) on the GSS panel and a first-party file."""

import json
import math
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import boto3
from localcloud.__main__ import seed_model
from localcloud.rules import fire_rule
from localcloud.server import LocalCloud, free_port
from localcloud.tokens import stack_token

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "models" / "corpus" / "esco_occupations.jsonl"
DEFAULT_MODEL = ROOT / "models" / "text" / "default"

ADS = [
    ("Senior Python Developer (AWS). Build and run the data pipelines behind our analytics platform in Berlin. "
    "5+ years of Python, SQL and cloud infrastructure; you will mentor two junior engineers."),
    ("Registered Nurse - Intensive Care Unit, night shifts. Provide patient care, monitor vital signs and work "
    "with doctors in a 20-bed ICU in Toronto. Valid nursing licence required."),
    ("HGV Class 1 Driver wanted for international routes from Rotterdam. Load, secure and deliver goods on time; "
    "C+E licence and tachograph card required."),
    ("Primary school teacher (Year 3) from September: plan lessons, assess pupils' progress and work with "
    "parents. QTS required. London."),
    ("Sales Representative for industrial machinery: visit customers, present products, negotiate contracts and "
    "hit quarterly targets across the Midlands."),
    ("Cook for a busy hotel restaurant: prepare breakfast and lunch menus, follow food safety and hygiene rules, "
    "keep the kitchen clean and stocked. Chicago."),
    ("Accountant: prepare monthly management accounts, reconciliations, payroll journals and VAT returns; "
    "support the annual audit. CPA or ACCA part-qualified."),
    ("Warehouse operative / forklift driver: receive, store and pick stock, load trucks, keep inventory records "
    "accurate. Day shifts in Dallas."),
    "We're hiring! Join our amazing team. Great vibes, free snacks. Apply now!",
]


HEADERS = {"content-type": "application/json"}  # main() adds the demo user's bearer token


def call(method: str, url: str, body: dict | None = None, headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=None if body is None else json.dumps(body).encode(), method=method,
                                     headers=HEADERS if headers is None else headers)
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def post(url: str, body: dict) -> tuple[int, dict]:
    return call("POST", url, body)


def wait_until_processed(api: str, job_ad_id: int, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        _status, ad = call("GET", f"{api}/api/jobs/{job_ad_id}")
        if ad["status"] != "scheduled" or time.monotonic() > deadline:
            return ad
        time.sleep(0.2)


def jobs_flow(api: str) -> None:
    """A recruiter's round trip: create, schedule, list with badges, preview, pin, targeting, feedback."""
    status, ad = post(f"{api}/api/jobs", {"title": "Senior Python Developer", "company": "Acme Analytics",
                                          "description": ADS[0], "locations": ["Berlin"]})
    job_ad_id = ad["jobAdId"]
    print(f"    POST /api/jobs -> {status} jobAdId={job_ad_id} status={ad['status']}")
    status, ad = post(f"{api}/api/jobs/{job_ad_id}/schedule", {})
    print(f"    POST /api/jobs/{job_ad_id}/schedule -> {status} status={ad['status']}")
    ad = wait_until_processed(api, job_ad_id)
    print(f"    GET /api/jobs/{job_ad_id} -> status={ad['status']} cluster {ad['audienceClusterId']} "
          f"({ad['audienceClusterProfileName']}) confidence {ad['audienceConfidence']:.2f} "
          f"badge={ad['confidenceBadge']} mode={ad['mappedTargeting']['mode']} model {ad['modelVersion']}")
    _status, page = call("GET", f"{api}/api/jobs?status=segmented")
    print(f"    GET /api/jobs?status=segmented -> {[(i['jobAdId'], i['confidenceBadge']) for i in page['items']]}")
    _status, preview = post(f"{api}/api/jobs/test-segmentation", {"text": ADS[1]})
    data = preview["segmentationData"]
    print(f"    POST /api/jobs/test-segmentation (unsaved nurse ad) -> cluster {data['audienceClusterId']} "
          f"({data['audienceClusterProfileName']}) confidence {data['audienceConfidence']:.2f} "
          f"mode={data['mappedTargeting']['mode']}")
    status, _ad = call("PUT", f"{api}/api/jobs/{job_ad_id}", {
        "pinnedClusterId": "3", "pinnedTargeting": {"age_range": [25, 40], "radius_km": 5}})
    print(f"    PUT /api/jobs/{job_ad_id} pin cluster 3 and ask for ages 25-40 within 5 km -> {status}")
    post(f"{api}/api/jobs/{job_ad_id}/schedule", {})
    ad = wait_until_processed(api, job_ad_id)
    print(f"    re-scheduled -> cluster {ad['audienceClusterId']} ({ad['audienceSource']}); the model would have "
          f"chosen {ad['modelChoice']['audienceClusterId']} ({ad['modelChoice']['audienceConfidence']:.2f})")
    for platform in ("meta", "x", "google"):
        _status, targeting = call("GET", f"{api}/api/jobs/{job_ad_id}/targeting/{platform}")
        applied = [r["detail"] for r in targeting["rules_applied"] if r["applied"]]
        print(f"    GET /api/jobs/{job_ad_id}/targeting/{platform} -> {json.dumps(targeting['payload'])[:110]}...")
        print(f"        employment rules applied: {'; '.join(applied)}")
    for event_id, counts in (("demo-1", (1200, 48, 6)), ("demo-1", (1200, 48, 6)), ("demo-2", (800, 20, 1))):
        status, recorded = post(f"{api}/api/jobs/{job_ad_id}/performance", {
            "eventId": event_id, "platform": "meta", "impressions": counts[0], "clicks": counts[1],
            "applies": counts[2]})
        print(f"    POST /api/jobs/{job_ad_id}/performance {event_id} -> {status} recorded={recorded['recorded']} "
              f"totals={recorded['performance']}")
    _status, report = call("GET", f"{api}/api/jobs/cluster-performance")
    for row in report["clusters"]:
        print(f"    GET /api/jobs/cluster-performance -> cluster {row['clusterId']} ({row['profileName']}): "
              f"{row['impressions']} impressions, CTR {row['clickThroughRate']}, apply rate {row['applyRate']}")


def segment_ads(api: str) -> None:
    for ad in ADS:
        started = time.perf_counter()
        status, body = post(f"{api}/segment", {"job_ad_text": ad})
        ms = (time.perf_counter() - started) * 1000
        if status != 200:
            print(f"    {status} {body}")
            continue
        primitives = body["derived_audience_primitives"]
        industry = next((p["value"] for p in primitives if p["type"] == "industry"), "-")
        seniority = next((p["value"] for p in primitives if p["type"] == "seniority"), "-")
        places = ", ".join(p["value"] for p in primitives if p["type"] == "location") or "-"
        print(f"    {ad[:46]:<46} -> cluster {body['assigned_cluster_id']:>2} {body['cluster_profile_name'][:34]:<34} "
              f"conf {body['cluster_assignment_confidence']:.2f} {body['targeting_mode']:<7} "
              f"[{industry}, {seniority}, {places}] {ms:.0f} ms")


def segments_flow(api: str) -> None:
    """A marketing team's round trip: a segment, members, evaluate, two content variants, the A/B read-out."""
    base = f"{api}/api/v1/segments"
    status, segment = post(base, {"persona_id": "3f0c6a3e-8a40-4d8e-9a57-0c1f4b6e2b11",
                                  "segment_name": "Weekend runners", "strategy": "hybrid",
                                  "criteria": {"interests": ["running"], "engagement_level": "medium",
                                               "last_active_days": 14}})
    print(f"    POST /api/v1/segments -> {status} {segment['segment_name']} ({segment['strategy']}, {segment['status']})")
    for n, score in enumerate((0.95, 0.87, 0.6)):
        post(f"{base}/{segment['id']}/members/user-{n}", {"confidence_score": score})
    post(f"{base}/{segment['id']}/members/user-0", {"confidence_score": 0.95})  # idempotent
    _status, segment = call("GET", f"{base}/{segment['id']}")
    print(f"    3 members added (one twice) -> member_count {segment['member_count']}")
    _status, verdict = post(f"{base}/{segment['id']}/evaluate", {"profile": {
        "interests": ["Running"], "engagement_level": "high", "last_active_days": 30}})
    print(f"    POST .../evaluate -> matches={verdict['matches']} failed={[f['criterion'] for f in verdict['failed']]}")
    variants = {}
    for variant, is_control in (("control", True), ("bold", False)):
        _status, content = post(f"{base}/personalized", {"content_id": f"shoe-ad-{variant}",
                                                         "segment_id": segment["id"], "variant_id": variant,
                                                         "is_control": is_control})
        variants[variant] = content["id"]
    for variant, counts in (("control", (2000, 300, 100)), ("bold", (2000, 500, 150))):
        post(f"{base}/personalized/{variants[variant]}/performance",
             {"views": counts[0], "engagement": counts[1], "conversions": counts[2]})
    _status, analytics = call("GET", f"{base}/{segment['id']}/analytics")
    print(f"    GET .../analytics -> summary {analytics['performance_summary']}")
    for variant in analytics["ab_test"]["variants"]:
        print(f"        A/B {variant['variant_id']} vs control: " + json.dumps(
            {k: v for k, v in variant.items() if k not in ("personalized_id", "content_id", "variant_id")})[:240])
    for recommendation in analytics["recommendations"]:
        print(f"        recommendation {recommendation['code']}: {recommendation['message']}")


def learning_event(event_id: str, host: str, schema: str, style: str, feedback: str, title: str | None) -> dict:
    event = {"event_id": event_id, "host": host, "schema_hash": schema, "gen_style_id": style,
             "feedback_status": feedback, "edit_chars": 12}
    return {**event, "job": {"title": title}} if title else event


def learning_flow(api: str, deployment) -> None:
    """Events from the browser extension, the aggregator fired on demand, hints by the hierarchy."""
    events = [learning_event(f"busy-{i}", "boards.greenhouse.io", "busy", "concise", "helpful", "Junior Analyst")
              for i in range(4)]
    events.append(learning_event("busy-4", "boards.greenhouse.io", "busy", "formal", "unhelpful", "Junior Analyst"))
    events += [learning_event(f"senior-{i}", "job-boards.greenhouse.io", "other-senior", "warm", "helpful",
                              "Sr. Developer") for i in range(5)]
    events.append(learning_event("sparse-0", "boards.greenhouse.io", "sparse-senior", "concise", "helpful",
                                 "Senior Engineer"))
    events += [learning_event(f"intern-{i}", "boards.greenhouse.io", "sparse-intern", "warm", "helpful",
                              "Summer Intern") for i in range(2)]
    events += [learning_event(f"lonely-{i}", "jobs.lever.co", "lonely", "formal", "helpful", None) for i in range(3)]
    status, body = post(f"{api}/api/extension/learning/sync", {"events": events})
    print(f"    POST /api/extension/learning/sync ({len(events)} events) -> {status} stored={body['stored']}")
    _status, again = post(f"{api}/api/extension/learning/sync", {"events": events[:3] + [
        {**events[0], "event_id": "bad-0", "edit_chars": "lots"}]})
    print(f"    the same events again plus a malformed one -> duplicates={again['duplicates']} "
          f"rejected={[(r['index'], r['reason']) for r in again['rejections']]}")
    rule = f"{deployment.stack_name}-learning-aggregate"
    [target] = fire_rule(deployment.account_id, deployment.region, rule)["targets"]
    execution = wait_for_execution_arn(boto3.client("stepfunctions"), target["execution_arn"])
    print(f"    fired {rule} -> aggregator execution {execution['status']}")
    for host, schema in (("boards.greenhouse.io", "busy"), ("boards.greenhouse.io", "sparse-senior"),
                         ("boards.greenhouse.io", "sparse-intern"), ("jobs.lever.co", "lonely")):
        _status, profile = call("GET", f"{api}/api/extension/learning/profile?host={host}&schema_hash={schema}")
        hint = profile["style_hint"]
        print(f"    GET /api/extension/learning/profile {host} {schema:<13} -> style {hint['preferred_style_id']!s:<8} "
              f"source {hint['source']!s:<7} segment {hint['segment_key']}")  # null: every level too sparse


CANDIDATES = ROOT / "models" / "candidates" / "demo" / "stackoverflow_candidates.csv"


def candidates_flow(api: str, deployment) -> None:
    """Bulk import of 1,000 real survey respondents (Stack Overflow Developer Survey 2025, ODbL), the
    training run the import starts, the named segments, prediction, a new candidate and campaign targeting."""
    bucket, sfn = deployment.ref("ArtifactsBucket"), boto3.client("stepfunctions")
    key = "candidates/import/stackoverflow_candidates.csv"
    boto3.client("s3").upload_file(str(CANDIDATES), bucket, key)
    imported = wait_for_execution(sfn, deployment.ref("CandidatesImportStateMachine"))
    _status, run = call("GET", f"{api}/api/candidates/segmentation/runs/{imported['name']}")
    print(f"    uploaded s3://{bucket}/{key} -> import run {run['run_id']} {run['status']}: {run['counts']}")
    trained = wait_for_execution(sfn, deployment.ref("CandidatesTrainingStateMachine"))
    _status, run = call("GET", f"{api}/api/candidates/segmentation/runs/{trained['name']}")
    print(f"    the import started training run {run['run_id']} {run['status']} (step {run['step']}): "
          f"k={run['result']['k']} silhouette={run['result']['silhouette']} -> {run['result']['model_uri']}")
    _status, segments = call("GET", f"{api}/api/candidates/segments")
    print(f"    GET /api/candidates/segments (model {segments['model_version']}):")
    for segment in segments["segments"]:
        skills = ", ".join(f"{s['value']} x{s['lift']:.1f}" for s in segment["profile"]["skills"][:3])
        print(f"      Segment {segment['segment_id']}: {segment['size']:>4} candidates  {segment['name']}  "
              f"[skills by lift: {skills}]")
    status, result = post(f"{api}/api/candidates/segmentation/predict", {})
    print(f"    POST /api/candidates/segmentation/predict -> {status}")
    print(f"      Segmented {result['num_candidates']} candidates")
    for segment_id, count in result["segments"].items():
        print(f"      Segment {segment_id}: {count} candidates")
    status, created = post(f"{api}/api/candidates", {
        "candidate_id": "demo-ada", "years_experience": 12, "desired_salary": 150000, "location": "Germany",
        "education_level": "Master's", "primary_skill": "Back-end", "skills": ["Python", "PostgreSQL", "AWS"]})
    ada = created["candidates"][0]
    why = "; ".join(f"{e['feature']}={'' if e.get('has', True) else 'not '}{e['value']} ({e['share']:.0%})"
                    for e in ada["segment_explanation"])
    print(f"    POST /api/candidates demo-ada -> {status} segment {ada['segment_id']} ({ada['segment_name']}) "
          f"confidence {ada['segment_confidence']:.2f}; why: {why}")
    status, ad = post(f"{api}/api/jobs", {"title": "Senior Backend Engineer (Python)", "description":
                                          "Design APIs in Python on AWS with PostgreSQL. 5+ years of experience.",
                                          "targetCandidateSegments": [ada["segment_id"]]})
    _status, ranking = call("GET", f"{api}/api/jobs/{ad['jobAdId']}/candidate-segments")
    print(f"    GET /api/jobs/{ad['jobAdId']}/candidate-segments (ad skills {ranking['adSkills']}, "
          f"{ranking['seniority']}):")
    for segment in ranking["segments"][:3]:
        print(f"      {segment['score']:.3f}  Segment {segment['segment_id']} {segment['name']}"
              f"{'  <- targeted' if segment['targeted'] else ''}")


def wait_for_execution_arn(sfn, execution_arn: str, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while (execution := sfn.describe_execution(executionArn=execution_arn))["status"] == "RUNNING":
        if time.monotonic() > deadline:
            raise TimeoutError(f"{execution_arn} still running after {timeout:.0f} s")
        time.sleep(0.2)
    return execution


def wait_for_execution(sfn, state_machine_arn: str, timeout: float = 900) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        executions = sfn.list_executions(stateMachineArn=state_machine_arn)["executions"]
        if executions and executions[0]["status"] != "RUNNING":
            return sfn.describe_execution(executionArn=executions[0]["executionArn"])
        time.sleep(0.5)
    raise TimeoutError(f"no training run finished within {timeout:.0f} s")


def _audience_segments(body: dict) -> None:
    for s in body["segments"]:
        if s.get("suppressed"):
            print(f"      #{s['group_id']:<2} {s['name']:<40} suppressed ({s['reason']})")
            continue
        life = s["lifestyle_segments"][0]["name"] if s.get("lifestyle_segments") else "-"
        print(f"      #{s['group_id']:<2} {s['name']:<40} {s['size']:>5} ({s['size_percentage']:>4.1f}%) "
              f"{'; '.join(s['dominantTraits'][:2])[:70]} | lifestyle: {life}, diversity {s['diversity_score']}")


def demo_people_file(count: int = 1500) -> bytes:
    """A first-party CRM file: real GSS panel respondents' attributes with obviously fake e-mail addresses."""
    import csv
    import io

    from segmentation.audiences import records

    panel = records.load_builtin("panel")
    columns = ["age", "sex", "degree", "partyid", "natenvir"]
    values = panel.matrix(columns)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["email", *columns])
    for i in range(min(count, panel.n)):
        cells = []
        for name, value in zip(columns, values[i]):
            column = panel.column(name)
            cells.append("" if math.isnan(value) else column["labels"].get(str(int(value)), f"{value:g}")
                         if column["kind"] == "categorical" else f"{value:g}")
        writer.writerow([f"Demo.Person{i:05d}@Example.invalid", *cells])
    return out.getvalue().encode()


def audiences_flow(api: str, deployment) -> None:
    """The natural-language audience builder: panel audience, export, distribution; a first-party upload."""
    import requests

    out = ROOT / "build" / "demo"
    out.mkdir(parents=True, exist_ok=True)
    s3, bucket = boto3.client("s3"), deployment.ref("ArtifactsBucket")
    _status, session = post(f"{api}/api/nl/start_session", {})
    print(f"    POST /api/nl/start_session -> {session['status']} {session['session_id']}")
    query = "environmentally conscious millennials"
    status, body = post(f"{api}/api/nl/process", {"session_id": session["session_id"], "action": "process",
                                                  "payload": {"input": query, "data_type": "third_party"}})
    searchable = status == 200
    if not searchable:
        print(f"    process {query!r} -> {status} {body['message']}")
    else:
        groups = body["suggested_variables"]
        print(f"    process {query!r} on the GSS panel -> {body['total_suggested']} variables: "
              + ", ".join(f"{t} {len(v)}" for t, v in groups.items()))
        codes = [v["code"] for group in groups.values() for v in group][:8]
        print(f"    confirming {codes}")
        status, body = post(f"{api}/api/nl/process", {"session_id": session["session_id"], "action": "confirm",
                                                      "payload": {"confirmed_variables": codes}})
        print(f"    confirm -> {status} {body.get('status')}: {len(body.get('segments', []))} segments of "
              f"{body.get('total_records')} respondents")
        if status == 200:
            _audience_segments(body)
            audience_id = body["audience_id"]
            with urllib.request.urlopen(urllib.request.Request(
                    f"{api}/api/export/{audience_id}?format=csv", headers=HEADERS), timeout=60) as response:
                text = response.read().decode()
            path = out / f"audience_{audience_id}.csv"
            path.write_text(text)
            print(f"    GET /api/export/{audience_id}?format=csv -> {len(text.splitlines())} lines -> {path}")
            status, sent = post(f"{api}/api/distribute", {"audience_id": audience_id, "platforms": ["meta", "google"]})
            print(f"    POST /api/distribute (panel: segment definitions) -> {sent['status']}: "
                  f"{sorted({r['status'] for r in sent['results']})}")

    print("    first-party file: 1,500 real GSS respondents' attributes, fake e-mail addresses (example.invalid)")
    _status, ticket = post(f"{api}/api/audiences/uploads", {"filename": "crm.csv", "subtype": "email"})
    sent = requests.post(ticket["url"], data=ticket["fields"], files={"file": ("crm.csv", demo_people_file(), "text/csv")},
                         timeout=60)
    _status, report = call("GET", f"{api}/api/audiences/uploads/{ticket['upload_id']}")
    print(f"    presigned POST -> {sent.status_code}; GET /api/audiences/uploads/{ticket['upload_id']} -> "
          f"{report['status']}, {report['accepted']} rows, matched "
          f"{[c['column'] + '=' + c['matched']['code'] for c in report['columns'] if c.get('matched')]}")
    if not searchable:
        print("    (the rest of the audience flow waits for the catalog search of issue 12)")
        return
    _status, session = post(f"{api}/api/nl/start_session", {})
    status, body = post(f"{api}/api/nl/process", {"session_id": session["session_id"], "action": "process", "payload": {
        "input": "environmentally conscious young adults", "data_type": "first_party", "subtype": "email",
        "upload_id": ticket["upload_id"]}})
    codes = [v["code"] for group in body.get("suggested_variables", {}).values() for v in group]
    status, body = post(f"{api}/api/nl/process", {"session_id": session["session_id"], "action": "confirm",
                                                  "payload": {"confirmed_variables": codes}})
    print(f"    first-party confirm on {codes} -> {status}: {len(body.get('segments', []))} segments")
    if status != 200:
        return
    _audience_segments(body)
    status, sent = post(f"{api}/api/distribute", {"audience_id": body["audience_id"], "platforms": ["meta"]})
    queued = [r for r in sent["results"] if r["status"] == "queued"]
    print(f"    POST /api/distribute meta -> {sent['status']}: {len(queued)} segments queued, "
          f"{len(sent['results']) - len(queued)} not ({sorted({r['status'] for r in sent['results']})})")
    if queued:
        key = queued[0]["location"].split(f"{bucket}/", 1)[1]
        payload = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        path = out / "meta_payload.json"
        path.write_bytes(payload)
        print(f"    Meta payload of segment #{queued[0]['group_id']} (SHA-256 of normalised e-mails) -> {path}")


def main() -> int:
    started = time.perf_counter()
    cloud = LocalCloud(ROOT / "template.yaml", "audience-segmentation", port=free_port(4566), api_port=free_port(3000))  # a `make up` may hold them
    deployment = cloud.start()
    print(cloud.summary())
    print(f"\n[1] local cloud up and stack deployed in {time.perf_counter() - started:.1f} s")
    print(f"    text model: {seed_model(cloud, DEFAULT_MODEL)}")

    api = cloud.api_urls()[0]
    HEADERS["authorization"] = "Bearer " + stack_token(deployment.outputs, boto3.client("cognito-idp"), "admin")
    status, body = call("GET", f"{api}/api/v1/segments", headers={})
    print(f"    every route but /api/health needs a token: GET /api/v1/segments without one -> {status} "
          f"{body['message']}; the demo signs in as demo-admin (make token ROLE=admin)")
    status, body = call("DELETE", f"{api}/api/v1/segments/00000000-0000-4000-8000-000000000000",
                        headers={"authorization": "Bearer " + stack_token(deployment.outputs,
                                                                          boto3.client("cognito-idp"), "read")})
    print(f"    roles per route: DELETE with a read-only token -> {status} {body['message']}")
    with urllib.request.urlopen(f"{api}/api/health", timeout=30) as response:
        health = json.load(response)
        print(f"\n[2] GET {api}/api/health -> {response.status} {health['status']}")
        for component, status in health["components"].items():
            print(f"      {component:<18} {status}")

    print(f"\n[3] POST {api}/segment (default model, trained on ESCO descriptions and 3,245 USAJOBS ads)")
    segment_ads(api)
    status, body = post(f"{api}/segment", {"job_ad_text": "   "})
    print(f"    blank text -> {status} {body['message']}")

    bucket = deployment.ref("ArtifactsBucket")
    key = "corpus/esco_occupations.jsonl"
    print(f"\n[4] retraining through Step Functions: uploading the ESCO corpus to s3://{bucket}/{key} "
          "(about two minutes on 2 cores)")
    run_started = time.perf_counter()
    boto3.client("s3").upload_file(str(CORPUS), bucket, key)
    sfn = boto3.client("stepfunctions")
    execution = wait_for_execution(sfn, deployment.ref("TrainingStateMachine"))
    history = sfn.get_execution_history(executionArn=execution["executionArn"], maxResults=1000)["events"]
    states = [e["stateEnteredEventDetails"]["name"] for e in history if "stateEnteredEventDetails" in e]
    print(f"    S3 notification started execution {execution['name']}")
    print(f"    states: {' -> '.join(dict.fromkeys(states))} ({states.count('EmbedShard')} shards in the Map)")
    print(f"    execution status: {execution['status']} in {time.perf_counter() - run_started:.1f} s")
    if execution["status"] == "SUCCEEDED":
        record = json.loads(boto3.client("s3").get_object(
            Bucket=bucket, Key=f"runs/{execution['name']}.json")["Body"].read())
        metrics = record["model"]["metrics"]
        print(f"    promoted {record['promotion']['version']} (previous {record['promotion']['previous']}); "
              f"k={metrics['k']} silhouette={metrics['silhouette']} stability_ari={metrics['stability_ari']}")
        print(f"\n[5] POST {api}/segment (the newly promoted model)")
        segment_ads(api)
    else:
        print(f"    cause: {execution.get('cause')}")

    rule = f"{deployment.stack_name}-nightly-retrain"
    fired = fire_rule(deployment.account_id, deployment.region, rule)
    print(f"\n[6] fired schedule {rule} on demand -> {fired['targets'][0]['payload']}")

    print("\n[7] jobs service: a job ad from draft to segmented, targeted and measured")
    jobs_flow(api)

    print("\n[8] segments service: a segment, members, content variants and the A/B read-out")
    segments_flow(api)

    print("\n[9] learning service: extension events -> scheduled aggregator -> style hints (form > segment > family)")
    learning_flow(api, deployment)

    print("\n[10] candidates service: bulk import of 1,000 survey respondents -> training -> named segments")
    candidates_flow(api, deployment)
    print("\n[11] audiences: natural-language audience builder on the GSS panel and a first-party file")
    audiences_flow(api, deployment)
    cloud.stop()
    print(f"\nDemo finished in {time.perf_counter() - started:.1f} s; training run {execution['status']}.")
    return 0 if execution["status"] == "SUCCEEDED" else 1


if __name__ == "__main__":
    sys.exit(main())
