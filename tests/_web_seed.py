"""A small, hand-made retailer for web tests: a few customers, stores and messages that
exercise every page, including hostile and unusual text."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from retailpulse.settings import load_settings
from retailpulse.store.database import Database
from retailpulse.store.tables import TABLES, message_enrichment
from retailpulse.web import auth

NOW = datetime(2026, 11, 20, 12, 0, 0)
XSS = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
RTL = "هذا المنتج رائع جدا 😍👍 שלום"
LONG = "very long message " * 3000
PASSWORD = "correct horse battery"
USERS = {
    "admin": ("admin", None),
    "analyst": ("analyst", None),
    "agent": ("agent", None),
    "store1": ("store", "S1"),
    "store2": ("store", "S2"),
}


def _common(i: int) -> dict[str, Any]:
    return {
        "raw": None,
        "row_hash": hashlib.md5(str(i).encode()).hexdigest(),
        "imported_at": NOW,
        "updated_at": NOW,
    }


def seed(db: Database) -> None:
    with db.begin() as conn:
        conn.execute(
            sa.insert(TABLES["stores"]),
            [
                {"store_id": "S1", "name": "Orchard", "city": "Singapore", **_common(1)},
                {"store_id": "S2", "name": "Grand Indonesia", "city": "Jakarta", **_common(2)},
            ],
        )
        conn.execute(
            sa.insert(TABLES["products"]),
            [
                {
                    "sku": "SKU1",
                    "name": "Linen shirt",
                    "category": "apparel",
                    "price": 39.0,
                    **_common(3),
                },
            ],
        )
        customers = [
            ("C1", "Alice Tan", "gold", "S1"),
            ("C2", "Budi Santoso", "platinum", "S2"),
            ("C3", "王芳", "silver", "S1"),
            ("C4", "Dewi", "none", "S2"),
        ]
        conn.execute(
            sa.insert(TABLES["customers"]),
            [
                {
                    "customer_id": c,
                    "name": n,
                    "tier": t,
                    "home_store": s,
                    "email": f"{c.lower()}@example.com",
                    "joined_at": NOW - timedelta(days=400),
                    **_common(10 + k),
                }
                for k, (c, n, t, s) in enumerate(customers)
            ],
        )
        conn.execute(
            sa.insert(TABLES["identities"]),
            [
                {
                    "customer_id": "C1",
                    "platform": "instagram",
                    "author_id": "u_alice",
                    "method": "login",
                    "consent": True,
                    "linked_at": NOW - timedelta(days=100),
                    **_common(20),
                },
                {
                    "customer_id": "C2",
                    "platform": "x",
                    "author_id": "u_budi",
                    "method": "order_match",
                    "consent": True,
                    "linked_at": NOW - timedelta(days=50),
                    **_common(21),
                },
                {
                    "customer_id": "C3",
                    "platform": "weibo",
                    "author_id": "u_wang",
                    "method": "email_match",
                    "consent": None,
                    "linked_at": NOW - timedelta(days=20),
                    **_common(22),
                },
            ],
        )
        conn.execute(
            sa.insert(TABLES["transactions"]),
            [
                {
                    "order_id": f"O{i}",
                    "customer_id": c,
                    "created_at": NOW - timedelta(days=i * 7),
                    "store_id": s,
                    "channel": "store",
                    "total": 50.0 + 10 * i,
                    "currency": "SGD",
                    **_common(30 + i),
                }
                for i, (c, s) in enumerate([("C1", "S1"), ("C1", "S1"), ("C2", "S2"), ("C3", "S1")])
            ],
        )
        conn.execute(
            sa.insert(TABLES["surveys"]),
            [
                {
                    "response_id": "R1",
                    "customer_id": "C1",
                    "created_at": NOW - timedelta(days=3),
                    "nps": 9,
                    "csat": 5,
                    "text": "Great staff",
                    **_common(40),
                },
                {
                    "response_id": "R2",
                    "customer_id": "C2",
                    "created_at": NOW - timedelta(days=2),
                    "nps": 3,
                    "csat": 2,
                    "text": "Slow delivery",
                    **_common(41),
                },
            ],
        )
        msgs = [
            # id, platform, kind, author, thread, hours ago, text, sentiment, emotion, intents,
            # aspects, entities, followers
            (
                1,
                "x",
                "post",
                "u_budi",
                None,
                5,
                "My order #A77 is late again, terrible service!",
                "negative",
                "anger",
                "complaint",
                "delivery:negative;service:negative",
                "order:A77;store:S2",
                5000,
            ),
            (
                2,
                "instagram",
                "comment",
                "u_alice",
                "ig1",
                3,
                "Do you have the linen shirt in M?",
                "neutral",
                "none",
                "question;purchase_intent",
                "availability:neutral",
                "product:SKU1;store:S1",
                800,
            ),
            (
                3,
                "weibo",
                "post",
                "u_wang",
                None,
                30,
                "衬衫质量很好，店员很热情！",
                "positive",
                "joy",
                "praise",
                "product_quality:positive;service:positive",
                "store:S1",
                120,
            ),
            (
                4,
                "facebook",
                "comment",
                "u_xss",
                "fb1",
                2,
                XSS,
                "negative",
                "anger",
                "complaint",
                "",
                "",
                10,
            ),
            (
                5,
                "tiktok",
                "comment",
                "u_rtl",
                "tt1",
                1,
                RTL,
                "positive",
                "love",
                "praise",
                "",
                "",
                20,
            ),
            (6, "review", "review", "u_long", None, 40, LONG, "neutral", "none", "", "", "", 0),
            (
                7,
                "instagram",
                "dm",
                "u_dewi",
                None,
                8,
                "Barangnya belum sampai, tolong dicek",
                "negative",
                "sadness",
                "complaint;request",
                "delivery:negative",
                "store:S2",
                50,
            ),
        ]
        conn.execute(
            sa.insert(TABLES["messages"]),
            [
                {
                    "id": i,
                    "platform": p,
                    "external_id": f"m{i}",
                    "kind": k,
                    "direction": "inbound",
                    "account": "@brand",
                    "author_id": a,
                    "author_handle": a,
                    "author_name": None,
                    "author_followers": fol,
                    "thread_id": th,
                    "created_at": NOW - timedelta(hours=h),
                    "text": text,
                    **_common(100 + i),
                }
                for i, p, k, a, th, h, text, _s, _e, _in, _as, _en, fol in msgs
            ],
        )
        conn.execute(
            sa.insert(TABLES["messages"]),
            [
                {
                    "id": 50,
                    "platform": "instagram",
                    "external_id": "m50",
                    "kind": "reply",
                    "direction": "outbound",
                    "account": "@brand",
                    "author_id": "brand",
                    "thread_id": "ig1",
                    "created_at": NOW - timedelta(hours=1),
                    "text": "Yes, size M is in stock at Orchard!",
                    **_common(150),
                },
            ],
        )
        conn.execute(
            sa.insert(message_enrichment),
            [
                {
                    "message_id": i,
                    "language": lang,
                    "sentiment": s,
                    "p_negative": 0.9 if s == "negative" else 0.1,
                    "p_neutral": 0.05,
                    "p_positive": 0.05 if s == "negative" else 0.8,
                    "emotion": e,
                    "intents": it,
                    "aspects": asp,
                    "entities": en,
                    "is_spam": False,
                    "model_version": "test",
                    "enriched_at": NOW,
                }
                for (i, _p, _k, _a, _th, _h, _t, s, e, it, asp, en, _f), lang in zip(
                    msgs, ["en", "en", "zh", "en", "other", "en", "id"], strict=True
                )
            ],
        )
    if not db.is_sqlite:  # explicit ids above: move the sequence past them
        with db.begin() as conn:
            conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('messages', 'id'), 1000)"))
    for username, (role, store) in USERS.items():
        auth.create_user(db, username, PASSWORD, role, name=username.title(), store_id=store)


def settings() -> Any:
    return load_settings(secret_key="test-secret-key-test-secret-key")
