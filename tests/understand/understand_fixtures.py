"""A tiny hand-made retailer used by the understand tests (every number is checkable by eye)."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl


def dt(y: int, m: int, d: int, h: int = 12) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC)


def customers() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "customer_id": ["c1", "c2", "c3", "c4"],
            "name": ["Siti Rahma", "Budi Santoso", "Wei Ling", "Ana Lim"],
            "email": ["siti@example.com", "budi@example.com", None, "ana@example.com"],
            "phone": [None, "+62 811 2222 3333", None, None],
            "tier": ["gold", "silver", "none", "bronze"],
            "home_store": ["s1", "s1", "s2", "s2"],
        }
    )


def stores() -> pl.DataFrame:
    return pl.DataFrame(
        {"store_id": ["s1", "s2"], "name": ["Central", "Harbour"], "city": ["Jakarta", "Penang"]}
    )


def consents() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "customer_id": ["c1", "c2", "c3", "c4", "c4"],
            "purpose": ["profiling"] * 5,
            "granted": [True, True, False, True, False],
            "at": [dt(2024, 1, 1), dt(2024, 1, 1), dt(2024, 1, 1), dt(2024, 1, 1), dt(2024, 3, 1)],
        }
    )


def transactions() -> pl.DataFrame:
    rows = [
        ("o-1001", "c1", dt(2024, 1, 5), 100.0, 0.0),
        ("o-1002", "c1", dt(2024, 3, 5), 80.0, 10.0),
        ("o-1003", "c1", dt(2024, 6, 20), 120.0, 0.0),
        ("o-2001", "c2", dt(2024, 1, 10), 40.0, 5.0),
        ("o-2002", "c2", dt(2024, 2, 10), 30.0, 5.0),
        ("o-3001", "c3", dt(2024, 6, 25), 60.0, 0.0),
        ("o-4001", "c4", dt(2024, 2, 1), 20.0, 0.0),
    ]
    return pl.DataFrame(
        rows, schema=["order_id", "customer_id", "created_at", "total", "discount"], orient="row"
    ).with_columns(pl.col("created_at").cast(pl.Datetime("us", "UTC")))


def messages() -> pl.DataFrame:
    rows = [
        # platform, external_id, kind, direction, author_id, handle, name, thread, parent,
        # at, text, sentiment, intents, entities, customer
        (
            "instagram",
            "m1",
            "dm",
            "inbound",
            "ig-siti",
            "@siti",
            "Siti R.",
            "t1",
            None,
            dt(2024, 6, 1),
            "Where is order o-1003?",
            "neutral",
            "question",
            "order:o-1003",
            None,
        ),
        (
            "instagram",
            "m2",
            "dm",
            "outbound",
            "brand",
            "@brand",
            "Brand",
            "t1",
            "m1",
            dt(2024, 6, 1, 13),
            "On its way!",
            "positive",
            "",
            "",
            None,
        ),
        (
            "facebook",
            "m3",
            "dm",
            "inbound",
            "fb-budi",
            "budi.s",
            "Budi Santoso",
            "t2",
            None,
            dt(2024, 6, 2),
            "my email is BUDI@example.com",
            "neutral",
            "",
            "",
            None,
        ),
        (
            "x",
            "m4",
            "post",
            "inbound",
            "x-wei",
            "@weil",
            "Wei Ling",
            "t3",
            None,
            dt(2024, 6, 3),
            "order o-3001 was great",
            "positive",
            "praise",
            "",
            None,
        ),
        (
            "x",
            "m5",
            "post",
            "inbound",
            "x-ana",
            "@ana",
            "Ana  Lim",
            "t4",
            None,
            dt(2024, 6, 4),
            "love the Penang store",
            "positive",
            "praise",
            "store:s2",
            None,
        ),
        (
            "facebook",
            "m6",
            "dm",
            "inbound",
            "fb-mix",
            "mix",
            "Mix",
            "t5",
            None,
            dt(2024, 6, 5),
            "orders o-1001 and o-2001",
            "neutral",
            "",
            "",
            None,
        ),
        (
            "x",
            "m7",
            "post",
            "inbound",
            "x-siti",
            "@siti2",
            "Siti",
            "t6",
            None,
            dt(2024, 6, 6),
            "TokoSebelah is cheaper, switching",
            "negative",
            "purchase_intent",
            "competitor:TokoSebelah",
            None,
        ),
    ]
    cols = [
        "platform",
        "external_id",
        "kind",
        "direction",
        "author_id",
        "author_handle",
        "author_name",
        "thread_id",
        "parent_id",
        "created_at",
        "text",
        "sentiment",
        "intents",
        "aspects_unused",
        "customer_id",
    ]
    frame = pl.DataFrame(rows, schema=cols, orient="row").rename({"aspects_unused": "entities"})
    return frame.with_columns(
        pl.col("created_at").cast(pl.Datetime("us", "UTC")),
        pl.col("customer_id").cast(pl.String),
        pl.when(pl.col("sentiment") == "positive").then(0.8).otherwise(0.1).alias("p_positive"),
        pl.when(pl.col("sentiment") == "negative").then(0.8).otherwise(0.1).alias("p_negative"),
        pl.lit(False).alias("is_spam"),
    )


def surveys() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "response_id": ["r1", "r2", "r3"],
            "customer_id": ["c1", "c1", "c2"],
            "created_at": [dt(2024, 2, 1), dt(2024, 6, 1), dt(2024, 3, 1)],
            "nps": [7, 10, 3],
            "csat": [4, 5, 2],
        }
    )
