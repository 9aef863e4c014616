"""Customer 360 frame."""

from __future__ import annotations

import polars as pl

from retailpulse.understand.identity import link_identities
from retailpulse.understand.profiles import customer_360, unanswered_messages
from understand import understand_fixtures as r


def test_unanswered_messages() -> None:
    open_ = unanswered_messages(r.messages())
    ids = set(open_["external_id"])
    assert "m1" not in ids  # answered in thread t1
    assert {"m3", "m4", "m5"} <= ids
    assert "m2" not in ids  # outbound


def test_customer_360_joins_everything() -> None:
    links, _, _ = link_identities(
        r.messages(),
        r.customers(),
        transactions=r.transactions(),
        consents=r.consents(),
        hash_key="k",
    )
    msgs = (
        r.messages()
        .join(
            links.select("platform", "author_id", pl.col("customer_id").alias("cid")),
            on=["platform", "author_id"],
            how="left",
        )
        .with_columns(pl.col("cid").alias("customer_id"))
        .drop("cid")
    )
    preds = pl.DataFrame({"customer_id": ["c1", "c2"], "clv": [300.0, 40.0], "p_alive": [0.9, 0.4]})
    p = customer_360(
        r.customers(),
        transactions=r.transactions(),
        links=links,
        messages=msgs,
        surveys=r.surveys(),
        consents=r.consents(),
        predictions=preds,
    )
    assert p.height == 4
    c1 = p.filter(pl.col("customer_id") == "c1").row(0, named=True)
    assert c1["handles"] == "instagram:@siti" and c1["linked_authors"] == 1
    assert c1["frequency"] == 3 and c1["monetary"] == 300.0 and c1["clv"] == 300.0
    assert c1["messages"] == 1 and c1["unanswered"] == 0
    assert c1["surveys"] == 2 and c1["last_nps"] == 10
    assert c1["consents"] == "profiling" and c1["segment"] is not None
    assert c1["loyalty_index"] is not None and c1["tier"] == "gold"
    c2 = p.filter(pl.col("customer_id") == "c2").row(0, named=True)
    assert c2["handles"] == "facebook:budi.s" and c2["unanswered"] == 1
    c4 = p.filter(pl.col("customer_id") == "c4").row(0, named=True)
    assert c4["consents"] is None and c4["handles"] is None
