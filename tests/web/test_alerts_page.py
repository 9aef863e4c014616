"""The alerts page explains each crisis signal with its terms and example messages."""

from __future__ import annotations

import sqlalchemy as sa

from retailpulse.store.tables import table_for


def test_crisis_alert_shows_terms_and_escaped_examples(app, analyst) -> None:  # type: ignore[no-untyped-def]
    db = app.state.backend.db
    m = table_for("messages")
    with db.engine.connect() as conn:
        mid, original = conn.execute(sa.select(m.c.id, m.c.text).order_by(m.c.id).limit(1)).one()
    with db.begin() as conn:
        conn.execute(sa.update(m).where(m.c.id == mid).values(text="<b>late</b> parcel again"))
    previous = db.load_result("voc.alerts")
    alert = {
        "series": "aspect",
        "key": "delivery",
        "day": "2026-09-25 00:00:00+00:00",
        "score": 77.4,
        "severity": "high",
        "negatives": 124.0,
        "expected": 9.7,
        "velocity": 2.5,
        "reach": 1000.0,
        "customers": 3,
        "customer_value": 500.0,
        "terms": "telat;gudang",
        "example_ids": [mid],
    }
    db.save_result("voc.alerts", {}, [alert])
    app.state.backend._cache.clear()
    try:
        html = analyst.get("/alerts").text
    finally:
        with db.begin() as conn:
            conn.execute(sa.update(m).where(m.c.id == mid).values(text=original))
        if previous is not None:
            db.save_result("voc.alerts", previous["params"], previous["payload"])
        app.state.backend._cache.clear()
    assert "Negative messages spiked: aspect delivery" in html
    assert "telat" in html and "gudang" in html
    assert "&lt;b&gt;late&lt;/b&gt; parcel again" in html and "<b>late</b>" not in html
