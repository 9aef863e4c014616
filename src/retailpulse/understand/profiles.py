"""Customer 360: one frame, one row per customer, joining what the retailer knows.

Columns: the customer record (name, tier, country, home store, loyalty member); ``handles``
(';'-joined ``platform:handle`` of linked authors) and ``linked_authors``; purchases
(``first_purchase``, ``last_purchase``, ``frequency`` purchase days, ``recency_days``,
``monetary`` total spend); ``clv`` and ``p_alive`` when predictions are given; ``segment``;
messages (``messages``, ``unanswered``, ``positive`` / ``neutral`` / ``negative`` counts,
``sentiment_index`` = mean(p_positive − p_negative), ``recent_sentiments`` = the last five,
oldest first); surveys (``surveys``, ``last_nps``, ``mean_csat``); the five loyalty scores,
``loyalty_index`` and ``quadrant``; ``consents`` (';'-joined purposes granted now).

A message is *unanswered* when it is inbound and no outbound message replies to it
(``parent_id`` = its ``external_id``) or follows it in the same thread.
"""

from __future__ import annotations

import polars as pl

from retailpulse.errors import InputError
from retailpulse.understand.loyalty import INDEX_WEIGHTS, loyalty_measures
from retailpulse.understand.segments import rfm_scores

CUSTOMER_COLUMNS = ("name", "tier", "country", "home_store", "loyalty_member")


def unanswered_messages(messages: pl.DataFrame) -> pl.DataFrame:
    """The inbound messages nobody from the brand has answered."""
    inbound = messages.filter(pl.col("direction").fill_null("inbound") == "inbound")
    outbound = messages.filter(pl.col("direction") == "outbound")
    if outbound.height == 0:
        return inbound
    replied = set(outbound["parent_id"].drop_nulls().to_list())
    last_out = (
        outbound.filter(pl.col("thread_id").is_not_null())
        .group_by("platform", "thread_id")
        .agg(pl.col("created_at").max().alias("_last_out"))
    )
    j = inbound.join(last_out, on=["platform", "thread_id"], how="left")
    answered = pl.col("external_id").is_in(list(replied)) | (
        pl.col("_last_out").is_not_null() & (pl.col("_last_out") > pl.col("created_at"))
    )
    return j.filter(~answered).drop("_last_out")


def _message_part(messages: pl.DataFrame) -> pl.DataFrame:
    m = messages.filter(pl.col("customer_id").is_not_null())
    inbound = m.filter(pl.col("direction").fill_null("inbound") == "inbound").sort("created_at")
    sent = pl.col("sentiment")
    has_p = "p_positive" in m.columns and "p_negative" in m.columns
    index = (pl.col("p_positive") - pl.col("p_negative")).mean() if has_p else pl.lit(None)
    part = inbound.group_by("customer_id").agg(
        pl.len().alias("messages"),
        (sent == "positive").sum().alias("positive"),
        (sent == "neutral").sum().alias("neutral"),
        (sent == "negative").sum().alias("negative"),
        index.alias("sentiment_index"),
        sent.drop_nulls().tail(5).str.join(";").alias("recent_sentiments"),
    )
    # Replies are the brand's outbound messages, which carry no customer_id: look at all.
    open_ = (
        unanswered_messages(messages)
        .filter(pl.col("customer_id").is_not_null())
        .group_by("customer_id")
        .len("unanswered")
    )
    return part.join(open_, on="customer_id", how="left").with_columns(
        pl.col("unanswered").fill_null(0)
    )


def customer_360(
    customers: pl.DataFrame,
    *,
    transactions: pl.DataFrame,
    links: pl.DataFrame | None = None,
    messages: pl.DataFrame | None = None,
    surveys: pl.DataFrame | None = None,
    consents: pl.DataFrame | None = None,
    predictions: pl.DataFrame | None = None,
    campaigns: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The customer 360 frame (see the module docstring). ``links`` are identity links
    (customer_id, platform, author_id); ``predictions`` has customer_id, clv, p_alive."""
    if "customer_id" not in customers.columns:
        raise InputError("customer_360 needs the customers column 'customer_id'.")
    base = customers.select("customer_id", *[c for c in CUSTOMER_COLUMNS if c in customers.columns])
    out = base
    if transactions.height:
        rfm = rfm_scores(transactions).select(
            "customer_id", "last_purchase", "frequency", "recency_days", "monetary", "segment"
        )
        firsts = transactions.group_by("customer_id").agg(
            pl.col("created_at").min().alias("first_purchase")
        )
        out = out.join(firsts, on="customer_id", how="left").join(rfm, on="customer_id", how="left")
    if links is not None and links.height:
        handle_of = pl.DataFrame(
            schema={"platform": pl.String, "author_id": pl.String, "h": pl.String}
        )
        if messages is not None and "author_handle" in messages.columns:
            handle_of = (
                messages.filter(pl.col("author_handle").is_not_null())
                .group_by("platform", "author_id")
                .agg(pl.col("author_handle").last().alias("h"))
            )
        lk = links.join(handle_of, on=["platform", "author_id"], how="left").with_columns(
            (pl.col("platform") + ":" + pl.coalesce("h", "author_id")).alias("_handle")
        )
        out = out.join(
            lk.group_by("customer_id").agg(
                pl.col("_handle").sort().str.join(";").alias("handles"),
                pl.len().alias("linked_authors"),
            ),
            on="customer_id",
            how="left",
        )
    else:
        out = out.with_columns(
            pl.lit(None, dtype=pl.String).alias("handles"),
            pl.lit(0, dtype=pl.UInt32).alias("linked_authors"),
        )
    if predictions is not None:
        keep = [c for c in ("clv", "p_alive", "expected_purchases") if c in predictions.columns]
        out = out.join(predictions.select("customer_id", *keep), on="customer_id", how="left")
    if messages is not None and messages.height and "customer_id" in messages.columns:
        out = out.join(_message_part(messages), on="customer_id", how="left")
    if surveys is not None and surveys.height:
        s = surveys.filter(pl.col("customer_id").is_not_null()).sort("created_at")
        out = out.join(
            s.group_by("customer_id").agg(
                pl.len().alias("surveys"),
                pl.col("nps").drop_nulls().last().alias("last_nps"),
                pl.col("csat").mean().alias("mean_csat"),
            ),
            on="customer_id",
            how="left",
        )
    if transactions.height:
        clv = (
            predictions.select("customer_id", "clv")
            if predictions is not None and "clv" in predictions.columns
            else None
        )
        loy = loyalty_measures(
            transactions, surveys=surveys, messages=messages, clv=clv, campaigns=campaigns
        ).select("customer_id", *INDEX_WEIGHTS, "loyalty_index", "quadrant")
        out = out.join(loy, on="customer_id", how="left")
    if consents is not None and consents.height:
        latest = (
            consents.sort("at").group_by("customer_id", "purpose").agg(pl.col("granted").last())
        )
        out = out.join(
            latest.filter(pl.col("granted"))
            .group_by("customer_id")
            .agg(pl.col("purpose").sort().str.join(";").alias("consents")),
            on="customer_id",
            how="left",
        )
    counts = [
        c
        for c in (
            "linked_authors",
            "messages",
            "positive",
            "neutral",
            "negative",
            "unanswered",
            "surveys",
        )
        if c in out.columns
    ]
    return out.with_columns(pl.col(counts).fill_null(0)).sort("customer_id")
