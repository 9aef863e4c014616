from __future__ import annotations

import sqlalchemy as sa

from retailpulse.engage import inbox_store
from retailpulse.store.engage_tables import conversations


def test_sync_keeps_peoples_work(app, as_user) -> None:  # type: ignore[no-untyped-def]
    db = app.state.backend.db
    c, csrf = as_user("agent")
    cid = c.get("/api/v1/conversations").json()["data"][0]["id"]
    r = c.post(
        f"/inbox/{cid}/tags",
        data={"value": "vip, refund", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    c.post(f"/inbox/{cid}/note", data={"text": "Called the store", "csrf_token": csrf})
    c.post(f"/inbox/{cid}/assign", data={"assignee_id": "me", "csrf_token": csrf})
    counts = inbox_store.sync(db)
    assert counts["created"] == 0 and counts["updated"] >= 1
    with db.engine.connect() as conn:
        row = conn.execute(sa.select(conversations).where(conversations.c.id == cid)).one()
    assert row.tags == "refund;vip"
    assert row.status == "open" and row.assignee_id is not None
    html = c.get(f"/inbox/{cid}").text
    assert "Called the store" in html


def test_empty_note_and_bad_bulk_name_the_fix(as_user) -> None:  # type: ignore[no-untyped-def]
    c, csrf = as_user("agent")
    cid = c.get("/api/v1/conversations").json()["data"][0]["id"]
    r = c.post(f"/inbox/{cid}/note", data={"text": "  ", "csrf_token": csrf})
    assert r.status_code == 400 and "A note cannot be empty" in r.text
    r = c.post("/inbox/bulk", data={"action": "explode", "ids": [cid], "csrf_token": csrf})
    assert r.status_code == 400 and "bulk &#39;action&#39; must be one of" in r.text
    r = c.post("/inbox/bulk", data={"action": "resolve", "csrf_token": csrf})
    assert r.status_code == 400 and "Select at least one" in r.text


def test_bulk_resolve_and_export(app, as_user) -> None:  # type: ignore[no-untyped-def]
    c, csrf = as_user("agent")
    ids = [q["id"] for q in c.get("/api/v1/conversations").json()["data"]][:2]
    c.post(f"/inbox/{ids[0]}/reply", data={"text": "Sorry! — team", "csrf_token": csrf})
    r = c.post(
        "/inbox/bulk",
        data={"action": "resolve", "ids": ids, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    left = {q["id"] for q in c.get("/api/v1/conversations").json()["data"]}
    assert not left & set(ids)
    csv = c.get("/inbox/export.csv").text
    assert "Sorry! — team" in csv.splitlines()[-1] or "Sorry! — team" in csv


def test_queue_candidates_give_the_same_top_as_scoring_everything(app) -> None:  # type: ignore[no-untyped-def]
    from retailpulse.web import auth

    db = app.state.backend.db
    admin = next(u for u in auth.list_users(db) if u.username == "admin")
    policy = inbox_store.sla_policy(db, 4.0)
    values = app.state.backend.customer_values()
    full = inbox_store.queue(db, admin, values, policy=policy, status="", limit=1000)
    for k in (1, 2, 3):
        top = inbox_store.queue(db, admin, values, policy=policy, status="", limit=k)
        assert top["id"].to_list() == full["id"].head(k).to_list()


def test_new_store_conversations_go_to_that_stores_staff(app) -> None:  # type: ignore[no-untyped-def]
    from retailpulse.web import auth

    db = app.state.backend.db
    staff = {u.store_id: u.id for u in auth.list_users(db) if u.role == "store"}
    new = [
        {"store_id": "S1", "status": "new", "assignee_id": None},
        {"store_id": "S2", "status": "new", "assignee_id": None},
        {"store_id": None, "status": "new", "assignee_id": None},
        {"store_id": "S9", "status": "new", "assignee_id": None},
        {"store_id": "S1", "status": "resolved", "assignee_id": None},
    ]
    with db.engine.connect() as conn:
        assert inbox_store.assign_by_store(conn, new) == 2
    assert [n["assignee_id"] for n in new] == [staff["S1"], staff["S2"], None, None, None]
