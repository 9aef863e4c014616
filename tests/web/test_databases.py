"""The pages and the inbox on both databases (SQLite and a real PostgreSQL server)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

import retailpulse
from _web_seed import PASSWORD, seed, settings
from retailpulse.engage import inbox_store
from retailpulse.web import auth
from retailpulse.web.app import create_app


def test_pages_inbox_and_api_work_on_both_databases(db_url: str) -> None:
    ws = retailpulse.open(db_url, settings=settings())
    try:
        seed(ws.db)
        assert inbox_store.sync(ws.db)["created"] == 5
        with TestClient(create_app(ws.settings, ws)) as c:
            token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', c.get("/login").text)
            assert token
            c.post(
                "/login",
                data={"username": "admin", "password": PASSWORD, "csrf_token": token.group(1)},
            )
            for path in [
                "/",
                "/listen",
                "/listen?q=质量&days=30",
                "/understand",
                "/customers",
                "/customers/C1",
                "/inbox",
                "/alerts",
                "/settings",
            ]:
                assert c.get(path).status_code == 200, path
            queue = c.get("/api/v1/conversations").json()["data"]
            assert queue[0]["author_id"] == "u_budi"
            csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', c.get("/account").text)
            assert csrf
            r = c.post(
                f"/api/v1/conversations/{queue[0]['id']}/reply",
                json={"text": "On it"},
                headers={"x-csrf-token": csrf.group(1)},
            )
            assert r.status_code == 201
            assert c.get("/api/v1/messages", params={"q": "质量"}).json()["data"]["rows"]
        admin = next(u for u in auth.list_users(ws.db) if u.username == "admin")
        policy = inbox_store.sla_policy(ws.db, 4.0)
        full = inbox_store.queue(ws.db, admin, None, policy=policy, status="", limit=100)
        top = inbox_store.queue(ws.db, admin, None, policy=policy, status="", limit=2)
        assert top["id"].to_list() == full["id"].head(2).to_list()
        assert inbox_store.overdue(ws.db, admin, policy)["count"] >= 1
    finally:
        ws.close()
