"""The segments service on the local cloud (`make up`), over HTTP only."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

BASE = "/api/v1/segments"


def test_segment_lifecycle_over_http(cloud):
    api = f"{cloud.api_url}{BASE}"
    assert requests.get(f"{api}/health", timeout=30).json()["status"] == "healthy"
    created = requests.post(api, timeout=30, json={
        "persona_id": str(uuid.uuid4()), "segment_name": "Weekend runners", "strategy": "behavioral",
        "criteria": {"content_preferences": ["running"], "engagement_frequency": "weekly"}})
    assert created.status_code == 201, created.text
    sid = created.json()["id"]

    def add(user: str) -> int:
        return requests.post(f"{api}/{sid}/members/{user}", json={"confidence_score": 0.7}, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:  # the server handles requests on threads
        codes = list(pool.map(add, [f"runner-{i % 12}" for i in range(36)]))
    assert codes.count(201) == 12
    assert requests.get(f"{api}/{sid}", timeout=30).json()["member_count"] == 12

    control = requests.post(f"{api}/personalized", timeout=30, json={
        "content_id": "shoe-ad", "segment_id": sid, "variant_id": "control", "is_control": True}).json()
    variant = requests.post(f"{api}/personalized", timeout=30, json={
        "content_id": "shoe-ad-2", "segment_id": sid, "variant_id": "b"}).json()
    for pid, conversions in ((control["id"], 20), (variant["id"], 35)):
        response = requests.post(f"{api}/personalized/{pid}/performance", timeout=30,
                                 json={"views": 500, "engagement": 90, "conversions": conversions})
        assert response.status_code == 200, response.text
    report = requests.get(f"{api}/{sid}/analytics", timeout=30).json()
    assert report["performance_summary"]["views"] == 1000
    assert report["ab_test"]["variants"][0]["variant_id"] == "b"
    assert requests.post(f"{api}/{sid}/analyze", timeout=30).json()["last_analyzed_at"]
    assert requests.delete(f"{api}/{sid}", timeout=30).json()["members_removed"] == 12
    assert requests.get(f"{api}/{sid}", timeout=30).status_code == 404
