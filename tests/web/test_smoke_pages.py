from __future__ import annotations


def test_every_page_renders_for_admin(as_user) -> None:  # type: ignore[no-untyped-def]
    c, _ = as_user("admin")
    for path in [
        "/",
        "/listen",
        "/understand",
        "/customers",
        "/customers/C1",
        "/inbox",
        "/alerts",
        "/settings",
        "/account",
        "/api/docs",
    ]:
        r = c.get(path)
        assert r.status_code == 200, (path, r.text[:2000])
