"""The JSON API: one envelope, pinned; tokens; the conversation actions."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def _token(as_user) -> tuple[TestClient, str]:  # type: ignore[no-untyped-def]
    c, csrf = as_user("agent")
    html = c.post("/account/tokens", data={"name": "crm sync", "csrf_token": csrf}).text
    raw = re.search(r"(rp_[0-9a-f]{8}_[A-Za-z0-9_-]+)", html).group(1)  # type: ignore[union-attr]
    return c, raw


def test_envelope_is_pinned(app, as_user) -> None:  # type: ignore[no-untyped-def]
    c, _ = as_user("admin")
    ok = c.get("/api/v1/me").json()
    assert set(ok) == {"ok", "data"} and ok["ok"] is True
    assert ok["data"]["username"] == "admin"
    with TestClient(app) as anon:
        err = anon.get("/api/v1/me").json()
    assert set(err) == {"ok", "error", "errors", "status"}
    assert err["ok"] is False and err["status"] == 401 and isinstance(err["errors"], list)
    bad = c.get("/api/v1/messages", params={"days": "-1"}).json()
    assert set(bad) == {"ok", "error", "errors", "status"} and bad["status"] == 400
    assert bad["errors"][0]["field"] == "days"


def test_bearer_token_works_without_csrf_and_can_be_revoked(app, as_user) -> None:  # type: ignore[no-untyped-def]
    c, raw = _token(as_user)
    with TestClient(app) as api:
        h = {"Authorization": f"Bearer {raw}"}
        assert api.get("/api/v1/me", headers=h).json()["data"]["username"] == "agent"
        queue = api.get("/api/v1/conversations", headers=h).json()["data"]
        assert queue and queue[0]["priority"] >= queue[-1]["priority"]
        assert {x["component"] for x in queue[0]["components"]} == {
            "sentiment",
            "intent",
            "value",
            "tier",
            "churn",
            "reach",
            "sla",
        }
        cid = queue[0]["id"]
        r = api.post(
            f"/api/v1/conversations/{cid}/reply", headers=h, json={"text": "We are on it."}
        )
        assert r.status_code == 201 and r.json()["data"]["delivery_status"] == "to_send"
        conv = api.get(f"/api/v1/conversations/{cid}", headers=h).json()["data"]
        assert conv["conversation"]["status"] == "waiting"
        assert conv["conversation"]["first_response_at"] is not None
        r = api.post(f"/api/v1/conversations/{cid}/assign", headers=h, json={"assignee_id": None})
        assert r.json()["data"]["assignee_id"] is None
        r = api.post(f"/api/v1/conversations/{cid}/resolve", headers=h)
        assert r.json()["data"]["status"] == "resolved"
        bad = api.post(f"/api/v1/conversations/{cid}/status", headers=h, json={"status": "x"})
        assert bad.status_code == 400 and "must be one of" in bad.json()["error"]
        assert api.get("/api/v1/me", headers={"Authorization": "Bearer rp_nope"}).status_code == 401
    csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', c.get("/account").text).group(1)  # type: ignore[union-attr]
    token_id = re.search(r"/account/tokens/(\d+)/revoke", c.get("/account").text).group(1)  # type: ignore[union-attr]
    c.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf})
    with TestClient(app) as api:
        assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_session_api_post_needs_csrf_header(as_user) -> None:  # type: ignore[no-untyped-def]
    c, csrf = as_user("agent")
    cid = c.get("/api/v1/conversations").json()["data"][0]["id"]
    assert c.post(f"/api/v1/conversations/{cid}/resolve").status_code == 403
    assert (
        c.post(f"/api/v1/conversations/{cid}/resolve", headers={"x-csrf-token": csrf}).status_code
        == 200
    )


def test_results_missing_say_which_command(as_user) -> None:  # type: ignore[no-untyped-def]
    c, _ = as_user("analyst")
    r = c.get("/api/v1/segments")
    assert r.status_code == 404
    assert "Run `retailpulse customers`" in r.json()["error"]
    qs = c.get("/api/v1/questions").json()["data"]
    assert [q["id"] for q in qs] == ["profiles", "behaviour", "satisfaction", "needs", "strategies"]


def test_results_show_when_computed(app, as_user) -> None:  # type: ignore[no-untyped-def]
    db = app.state.backend.db
    db.save_result(
        "customers.segments", {}, {"segments": [{"segment": "champions", "customers": 3}]}
    )
    c, _ = as_user("analyst")
    assert c.get("/api/v1/segments").json()["data"]["segments"][0]["segment"] == "champions"
    assert "champions" in c.get("/understand").text
    db.save_result("customers.segments", {}, None)
    db.save_result("segments", {"k": 3}, [{"segment": "loyal big spenders", "customers": 12}])
    try:
        c, _ = as_user("analyst")
        assert c.get("/api/v1/segments").json()["data"][0]["customers"] == 12
        html = c.get("/understand").text
        assert "loyal big spenders" in html
    finally:
        db.save_result("segments", {}, None)


def test_openapi_and_docs_page(client) -> None:  # type: ignore[no-untyped-def]
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/conversations/{cid}/reply" in schema["paths"]
    html = client.get("/api/docs").text
    assert "/api/v1/customers/{customer_id}" in html
    assert "cdn" not in html.lower()


def test_voice_results_fill_the_overview_and_alerts(app, as_user) -> None:  # type: ignore[no-untyped-def]
    db = app.state.backend.db
    answer = {
        "number": 3,
        "question": "Are customers satisfied?",
        "verdict": "Mostly, not on delivery",
        "numbers": {"net sentiment": "+12"},
        "confidence": 0.8,
        "confidence_level": "high",
        "doubts": ["few surveys in Surabaya"],
    }
    db.save_result("voc.questions", {}, [answer])
    db.save_result("voc.alerts", {}, [{"aspect": "delivery", "z": 4.2, "severity": "high"}])
    try:
        c, _ = as_user("analyst")
        html = c.get("/").text
        assert "Mostly, not on delivery" in html and "few surveys in Surabaya" in html
        assert "+12" in html and "confidence: high" in html
        assert "delivery" in c.get("/alerts").text
        db.save_result(
            "voc.needs",
            {},
            {
                "unmet_total": 7,
                "unmet_by_aspect": [
                    {"aspect": "delivery", "unmet": 5},
                    {"aspect": "price", "unmet": 2},
                ],
            },
        )
        html = c.get("/understand").text
        assert "unmet by aspect" in html and "unmet total" in html
        qs = c.get("/api/v1/questions").json()["data"]
        assert qs[2]["verdict"] == "Mostly, not on delivery"
    finally:
        db.save_result("voc.questions", {}, None)
        db.save_result("voc.alerts", {}, None)
        db.save_result("voc.needs", {}, None)
