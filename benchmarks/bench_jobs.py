"""Jobs service over the local cloud's HTTP data plane, with the shipped text model promoted: p50/p95 of
create, get, list, test-segmentation, schedule (the EventBridge delivery and the segmentation run are
synchronous on the local cloud, so this is request to `segmented`), targeting and a performance report."""

import requests

from benchmarks.bench_foundation import _start, _stop
from benchmarks.bench_text import MODEL, _records, job_ad
from benchmarks.common import api_session, summary_ms, timed_calls


def run(repeats: int = 50) -> list[tuple[str, str, str]]:
    process, _seconds, port, api_port = _start(seed_model=MODEL)
    api = f"http://127.0.0.1:{api_port}"
    session = api_session(port)
    ads = [{"title": r["title"], "description": job_ad(r)} for r in _records()[:repeats]]
    try:
        created: list[int] = []

        def create(index: int) -> requests.Response:
            response = session.post(f"{api}/api/jobs", json=ads[index])
            created.append(response.json()["jobAdId"])
            return response

        timings = {
            "POST /api/jobs (create)": timed_calls(create, repeats, expect=201),
            "GET /api/jobs/{jobAdId}": timed_calls(lambda i: session.get(f"{api}/api/jobs/{created[i]}"), repeats),
            "GET /api/jobs?status=draft&limit=25 (Query on gsi1)": timed_calls(
                lambda _i: session.get(f"{api}/api/jobs", params={"status": "draft", "limit": 25}), repeats),
            "POST /api/jobs/test-segmentation {jobAdId} (150-word ads)": timed_calls(
                lambda i: session.post(f"{api}/api/jobs/test-segmentation", json={"jobAdId": created[i]}), repeats),
            "POST /api/jobs/{jobAdId}/schedule, request to segmented (150-word ads)": timed_calls(
                lambda i: session.post(f"{api}/api/jobs/{created[i]}/schedule"), repeats, expect=202),
            "GET /api/jobs/{jobAdId}/targeting/meta": timed_calls(
                lambda i: session.get(f"{api}/api/jobs/{created[i]}/targeting/meta"), repeats),
            "POST /api/jobs/{jobAdId}/performance (3-item transaction)": timed_calls(
                lambda i: session.post(f"{api}/api/jobs/{created[i]}/performance", json={
                    "eventId": f"bench-{i}", "platform": "meta", "impressions": 100, "clicks": 5, "applies": 1}),
                repeats, expect=201),
        }
        statuses = {session.get(f"{api}/api/jobs/{job_ad_id}").json()["status"] for job_ad_id in created}
        assert statuses == {"segmented"}, statuses
    finally:
        _stop(process)
    return [(name, summary_ms(samples), "-") for name, samples in timings.items()]
