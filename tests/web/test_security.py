"""CSRF, rate limiting, escaping, SQL-injection-shaped search, odd text, clean 404s."""

from __future__ import annotations

import re

import sqlalchemy as sa
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _web_seed import PASSWORD, RTL
from retailpulse.store.tables import TABLES
from retailpulse.web.auth import LoginLimiter
from retailpulse.web.routes import ROUTERS


def test_every_form_post_needs_a_csrf_token(app, as_user) -> None:  # type: ignore[no-untyped-def]
    c, _ = as_user("admin")
    posts = [
        r
        for router in ROUTERS
        for r in router.routes
        if isinstance(r, APIRoute) and "POST" in r.methods
    ]
    assert len(posts) >= 10
    for r in posts:
        path = r.path.replace("{cid}", "1").replace("{token_id}", "1")
        resp = c.post(path, data={"text": "x"}, follow_redirects=False)
        assert resp.status_code == 403, (path, resp.status_code)
        resp = c.post(path, data={"text": "x", "csrf_token": "0" * 64}, follow_redirects=False)
        assert resp.status_code == 403, (path, resp.status_code)


def test_every_form_in_every_page_carries_the_token(as_user) -> None:  # type: ignore[no-untyped-def]
    c, csrf = as_user("admin")
    for path in ["/", "/inbox", "/inbox/1", "/settings", "/account", "/customers/C1"]:
        html = c.get(path).text
        for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", html, re.S):
            assert f'name="csrf_token" value="{csrf}"' in form, (path, form[:200])


def test_login_needs_csrf(app) -> None:  # type: ignore[no-untyped-def]
    with TestClient(app) as c:
        r = c.post("/login", data={"username": "admin", "password": PASSWORD})
        assert r.status_code == 403


def test_login_rate_limit(app) -> None:  # type: ignore[no-untyped-def]
    app.state.limiter = LoginLimiter(max_failures=3, window_seconds=900)
    try:
        with TestClient(app) as c:
            token = re.search(r'value="([0-9a-f]{64})"', c.get("/login").text).group(1)  # type: ignore[union-attr]
            for _ in range(3):
                r = c.post(
                    "/login",
                    data={"username": "agent", "password": "nope-nope", "csrf_token": token},
                )
                assert r.status_code == 401
            r = c.post(
                "/login",
                data={"username": "agent", "password": PASSWORD, "csrf_token": token},
                follow_redirects=False,
            )
            assert r.status_code == 429
            assert "Too many failed sign-ins" in r.text
    finally:
        app.state.limiter = LoginLimiter()


def test_limiter_window_expires() -> None:
    lim = LoginLimiter(max_failures=2, window_seconds=10)
    lim.failed("ip", "u", now=0)
    lim.failed("ip", "u", now=1)
    assert lim.retry_after("ip", "u", now=2) > 0
    assert lim.retry_after("ip", "u", now=12) == 0


def test_message_html_is_escaped(as_user) -> None:  # type: ignore[no-untyped-def]
    c, _ = as_user("admin")
    html = c.get("/listen").text
    assert "<script>window.__pwned" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "<img src=x onerror" not in html
    inbox = c.get("/inbox").text
    assert "<script>window.__pwned" not in inbox


def test_rtl_emoji_and_long_text_render(as_user) -> None:  # type: ignore[no-untyped-def]
    c, _ = as_user("admin")
    html = c.get("/listen").text
    assert RTL in html
    assert 'dir="auto"' in html
    assert html.count("very long message") >= 3000


INJECTIONS = [
    "' OR 1=1 --",
    "'; DROP TABLE messages; --",
    "%",
    "_",
    "\\",
    '" OR ""="',
    "1; SELECT * FROM users",
    "%' UNION SELECT password_hash FROM users --",
]


def test_sql_injection_shaped_search_is_harmless(app, as_user) -> None:  # type: ignore[no-untyped-def]
    c, _ = as_user("admin")
    db = app.state.backend.db
    with db.engine.connect() as conn:
        before = conn.execute(sa.select(sa.func.count()).select_from(TABLES["messages"])).scalar()
    for q in INJECTIONS:
        r = c.get("/listen", params={"q": q})
        assert r.status_code == 200
        assert "argon2" not in r.text
        api = c.get("/api/v1/messages", params={"q": q}).json()
        assert api["ok"] is True
        # LIKE wildcards are escaped: a hit must contain the search text literally
        assert all(q.lower() in (m["text"] or "").lower() for m in api["data"]["rows"])
        assert c.get("/customers", params={"q": q}).status_code == 200
    with db.engine.connect() as conn:
        after = conn.execute(sa.select(sa.func.count()).select_from(TABLES["messages"])).scalar()
    assert before == after


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(q=st.text(max_size=60))
def test_any_search_text_answers_cleanly(analyst, q: str) -> None:  # type: ignore[no-untyped-def]
    r = analyst.get("/api/v1/messages", params={"q": q})
    assert r.status_code == 200
    assert r.json()["ok"] is True


def test_chinese_search_finds_the_message(as_user) -> None:  # type: ignore[no-untyped-def]
    c, _ = as_user("admin")
    rows = c.get("/api/v1/messages", params={"q": "质量"}).json()["data"]["rows"]
    assert [r["platform"] for r in rows] == ["weibo"]


def test_unknown_conversation_is_a_clean_404(as_user) -> None:  # type: ignore[no-untyped-def]
    c, _ = as_user("agent")
    r = c.get("/inbox/987654")
    assert r.status_code == 404
    assert "There is no conversation 987654" in r.text
    assert "Traceback" not in r.text
    j = c.get("/api/v1/conversations/987654").json()
    assert j == {"ok": False, "error": j["error"], "errors": [], "status": 404}
    assert c.get("/inbox/not-a-number").status_code == 400
    assert c.get("/no/such/page").status_code == 404
