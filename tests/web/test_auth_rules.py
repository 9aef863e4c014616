"""Every route's auth rule: anonymous → login (or 401 JSON); wrong role → 403; store scope."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from _web_seed import USERS
from retailpulse.store.engage_tables import conversations
from retailpulse.web.auth import AREAS
from retailpulse.web.routes import ROUTERS

PUBLIC = {"/login", "/healthz", "/api/docs", "/api/v1/openapi.json", "/logout"}


def area_of(route: APIRoute) -> str | None:
    for dep in route.dependant.dependencies:
        area = getattr(dep.call, "area", None)
        if area:
            return str(area)
    return None


def concrete(path: str, app, store: str | None = "S1") -> str:  # type: ignore[no-untyped-def]
    db = app.state.backend.db
    store = store or "S1"
    with db.engine.connect() as conn:
        cid = conn.execute(
            sa.select(conversations.c.id).where(conversations.c.store_id == store)
        ).scalar()
    return (
        path.replace("{cid}", str(cid))
        .replace("{customer_id}", "C1" if store == "S1" else "C2")
        .replace("{token_id}", "999999")
    )


def routes(app):  # type: ignore[no-untyped-def]
    found = [r for router in ROUTERS for r in router.routes if isinstance(r, APIRoute)]
    assert len(found) >= 30
    return found


def test_every_non_public_route_declares_an_area(app) -> None:  # type: ignore[no-untyped-def]
    for r in routes(app):
        if r.path in PUBLIC:
            continue
        assert area_of(r) in AREAS, f"{r.path} has no auth rule"


def test_anonymous_is_sent_to_login_or_gets_401(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as c:
        for r in routes(app):
            if r.path in PUBLIC:
                continue
            for method in r.methods:
                resp = c.request(
                    method,
                    concrete(r.path, app),
                    follow_redirects=False,
                    headers={"x-csrf-token": "x"},
                )
                if r.path.startswith("/api/"):
                    assert resp.status_code in (401, 403), (method, r.path)
                    body = resp.json()
                    assert body["ok"] is False
                elif method == "GET":
                    assert resp.status_code == 303, (method, r.path)
                    assert resp.headers["location"].startswith("/login?next=")
                else:
                    # unsafe methods are refused before anything runs (no session → no CSRF)
                    assert resp.status_code in (303, 403), (method, r.path)


@pytest.mark.parametrize("username", list(USERS))
def test_wrong_role_gets_403(app, as_user, username: str) -> None:  # type: ignore[no-untyped-def]
    c, csrf = as_user(username)
    role = USERS[username][0]
    for r in routes(app):
        area = area_of(r)
        if area is None or role in AREAS[area]:
            continue
        for method in r.methods:
            resp = c.request(
                method,
                concrete(r.path, app),
                follow_redirects=False,
                headers={"x-csrf-token": csrf},
            )
            assert resp.status_code == 403, (username, method, r.path, resp.status_code)


def test_allowed_roles_can_read_their_pages(app, as_user) -> None:  # type: ignore[no-untyped-def]
    for username, (role, store) in USERS.items():
        c, _ = as_user(username)
        for r in routes(app):
            area = area_of(r)
            if area is None or role not in AREAS[area] or "GET" not in r.methods:
                continue
            resp = c.get(concrete(r.path, app, store))
            if r.path == "/api/v1/segments":  # answers 404 "not computed yet" until computed
                assert resp.status_code in (200, 404) and resp.json()["ok"] is (
                    resp.status_code == 200
                )
                continue
            assert resp.status_code == 200, (username, r.path, resp.text[:300])


def test_store_user_sees_only_their_store(app, as_user) -> None:  # type: ignore[no-untyped-def]
    c, _ = as_user("store2")
    listen = c.get("/listen").text
    assert "store: S2" in listen
    assert "store: S1" not in listen
    assert c.get("/customers/C1").status_code == 404  # home store S1
    assert c.get("/customers/C2").status_code == 200
    assert "Alice" not in c.get("/customers").text
    api = c.get("/api/v1/messages").json()["data"]["rows"]
    assert api and all("store:S2" in (m["entities"] or "") for m in api)
    db = app.state.backend.db
    with db.engine.connect() as conn:
        s1 = conn.execute(
            sa.select(conversations.c.id).where(conversations.c.store_id == "S1")
        ).scalar()
    assert c.get(f"/inbox/{s1}").status_code == 404
    assert c.get(f"/api/v1/conversations/{s1}").status_code == 404
    queue = c.get("/api/v1/conversations").json()["data"]
    assert queue and all(q["store_id"] == "S2" for q in queue)


def test_logout_ends_the_session(as_user) -> None:  # type: ignore[no-untyped-def]
    c, csrf = as_user("analyst")
    assert c.get("/").status_code == 200
    c.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    r = c.get("/", follow_redirects=False)
    assert r.status_code == 303


def test_forged_session_cookie_is_refused(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as c:
        c.cookies.set("rp_session", "abc.def")
        assert c.get("/", follow_redirects=False).status_code == 303


def test_session_cookie_flags(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app, base_url="https://testserver") as c:
        page = c.get("/login")
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text).group(1)  # type: ignore[union-attr]
        r = c.post(
            "/login",
            data={"username": "admin", "password": "correct horse battery", "csrf_token": token},
            follow_redirects=False,
        )
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "secure" in cookie and "samesite=lax" in cookie


def test_security_headers(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/login")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert (
        "'unsafe-inline'"
        not in r.headers["content-security-policy"].split("script-src")[1].split(";")[0]
    )
    assert r.headers["x-frame-options"] == "DENY"
