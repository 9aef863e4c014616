"""Needs and preferences: what customers raise, how they feel about it, what stays unmet.

- **Importance × performance** per aspect: importance is the share of customers' messages
  that raise the aspect; performance is the aspect's net sentiment. Aspects above the median
  importance and below the mean performance are "fix first".
- **Unmet needs**: complaints, requests and questions that got no reply from the brand in
  the same thread (or only after ``sla_hours``).
- **Products asked for but not stocked**: product mentions with an availability complaint,
  a request or a purchase intent, set against the catalogue when one is given.
- **Preferences by segment**: how much more (lift) a segment raises each aspect than all
  customers do, and how it feels about it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import polars as pl

from retailpulse.understand.inputs import (
    Moment,
    customer_attributes,
    explode_aspects,
    explode_entities,
    has_tag,
    in_period,
    inbound,
    require_enriched,
    slim,
    to_utc,
)
from retailpulse.understand.stats import net_score_exprs, z_value

NEED_INTENTS = ("complaint", "request", "question")


def aspect_importance_performance(
    messages: pl.DataFrame,
    *,
    since: Moment = None,
    until: Moment = None,
    level: float = 0.95,
) -> pl.DataFrame:
    """Per aspect: ``mentions, importance, nsi (+ interval), negative_share, quadrant``."""
    z = z_value(level)
    msgs = inbound(in_period(require_enriched(messages), "created_at", since, until))
    total = msgs.height
    long = explode_aspects(msgs.select("id", "aspects"))
    if long.is_empty():
        return _empty_ip()
    agg = long.group_by("aspect").agg(
        pl.col("id").n_unique().alias("mentions"),
        pl.len().alias("n"),
        (pl.col("polarity") == "positive").sum().alias("positive"),
        (pl.col("polarity") == "negative").sum().alias("negative"),
    )
    agg = agg.with_columns(
        (pl.col("mentions") / total).alias("importance"),
        (pl.col("negative") / pl.col("n")).alias("negative_share"),
        *net_score_exprs("positive", "negative", "n", "nsi", z),
    )
    imp_cut = agg["importance"].median()
    perf_cut = agg["nsi"].mean()
    high_imp = pl.col("importance") >= imp_cut
    high_perf = pl.col("nsi") >= perf_cut
    quadrant = (
        pl.when(high_imp & ~high_perf)
        .then(pl.lit("fix first"))
        .when(high_imp & high_perf)
        .then(pl.lit("keep up"))
        .when(~high_imp & high_perf)
        .then(pl.lit("possible overkill"))
        .otherwise(pl.lit("monitor"))
    )
    return agg.with_columns(quadrant.alias("quadrant")).sort("importance", descending=True)


def _empty_ip() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "aspect": pl.String,
            "mentions": pl.UInt32,
            "n": pl.UInt32,
            "positive": pl.UInt32,
            "negative": pl.UInt32,
            "importance": pl.Float64,
            "negative_share": pl.Float64,
            "nsi": pl.Float64,
            "nsi_se": pl.Float64,
            "nsi_lo": pl.Float64,
            "nsi_hi": pl.Float64,
            "quadrant": pl.String,
        }
    )


def first_responses(messages: pl.DataFrame) -> pl.DataFrame:
    """Inbound messages with the brand's first later reply in their thread.

    Returns ``id, customer_id, created_at, replied_at, response_hours`` (nulls when no reply).
    The reply is the earliest outbound message of the same platform and thread after the
    inbound message (``thread_id``, else the message's own ``external_id``).
    """
    msgs = require_enriched(messages)
    thread = pl.coalesce(pl.col("thread_id"), pl.col("parent_id"), pl.col("external_id"))
    base = msgs.with_columns(thread.alias("_thread"), pl.col("created_at").alias("_t"))
    ins = inbound(base).select("id", "customer_id", "platform", "_thread", "_t", "created_at")
    outs = (
        base.filter(pl.col("direction") == "outbound")
        .select("platform", "_thread", pl.col("_t"), pl.col("created_at").alias("replied_at"))
        .sort("_t")
    )
    joined = ins.sort("_t").join_asof(
        outs,
        on="_t",
        by=["platform", "_thread"],
        strategy="forward",
        allow_exact_matches=False,
        check_sortedness=False,
    )
    return joined.select(
        "id",
        "customer_id",
        "created_at",
        "replied_at",
        ((pl.col("replied_at") - pl.col("created_at")).dt.total_seconds() / 3600.0).alias(
            "response_hours"
        ),
    )


def unmet_needs(
    messages: pl.DataFrame,
    *,
    now: Moment = None,
    sla_hours: float = 48.0,
    since: Moment = None,
    until: Moment = None,
) -> pl.DataFrame:
    """Complaints, requests and questions with no reply within ``sla_hours``.

    Returns one row per such message: ``id, customer_id, created_at, intents, aspects, text``
    (when the frame has it), ``replied_at, response_hours, status`` where status is
    ``unanswered`` or ``late``. Messages younger than ``sla_hours`` at ``now`` (default: the
    latest message) are not yet due.
    """
    msgs = require_enriched(messages)
    resp = first_responses(msgs)
    period = inbound(in_period(msgs, "created_at", since, until))
    need = pl.any_horizontal([has_tag("intents", t) for t in NEED_INTENTS])
    keep = [c for c in ("id", "intents", "aspects", "text", "platform") if c in period.columns]
    asks = period.filter(need).select(keep)
    at = to_utc(now, "now") or _latest(msgs)
    out = asks.join(resp, on="id", how="inner")
    if at is None:
        return out.with_columns(pl.lit("unanswered").alias("status")).clear()
    due = pl.col("created_at") <= pl.lit(at) - pl.duration(seconds=int(sla_hours * 3600))
    status = (
        pl.when(pl.col("replied_at").is_null())
        .then(pl.lit("unanswered"))
        .when(pl.col("response_hours") > sla_hours)
        .then(pl.lit("late"))
        .otherwise(pl.lit("met"))
    )
    return (
        out.filter(due)
        .with_columns(status.alias("status"))
        .filter(pl.col("status") != "met")
        .sort("created_at")
    )


def _latest(messages: pl.DataFrame) -> datetime | None:
    value = messages["created_at"].max() if messages.height else None
    return value if isinstance(value, datetime) else None


def unmet_by_aspect(unmet: pl.DataFrame, messages: pl.DataFrame) -> pl.DataFrame:
    """Unmet needs per aspect: ``aspect, unmet, asked, unmet_share`` (``asked`` = all asks)."""
    msgs = inbound(require_enriched(messages))
    need = pl.any_horizontal([has_tag("intents", t) for t in NEED_INTENTS])
    asked = (
        explode_aspects(msgs.filter(need).select("id", "aspects"))
        .group_by("aspect")
        .agg(pl.len().alias("asked"))
    )
    open_ = (
        explode_aspects(unmet.select("id", "aspects"))
        .group_by("aspect")
        .agg(pl.len().alias("unmet"))
    )
    return (
        asked.join(open_, on="aspect", how="left")
        .with_columns(pl.col("unmet").fill_null(0))
        .with_columns((pl.col("unmet") / pl.col("asked")).alias("unmet_share"))
        .sort("unmet", descending=True)
    )


def unstocked_requests(
    messages: pl.DataFrame,
    products: pl.DataFrame | None = None,
    *,
    since: Moment = None,
    until: Moment = None,
    examples: int = 3,
) -> pl.DataFrame:
    """Products customers asked for but could not get.

    Per product mentioned with an availability complaint, a request or a purchase intent:
    ``product, asks, availability_complaints, customers, in_catalogue, example_ids``.
    """
    msgs = inbound(in_period(require_enriched(messages), "created_at", since, until))
    avail_neg = has_tag("aspects", "availability:negative")
    wants = avail_neg | has_tag("intents", "request") | has_tag("intents", "purchase_intent")
    flagged = msgs.filter(wants).with_columns(avail_neg.alias("_avail"))
    ents = explode_entities(flagged, keep=("id", "customer_id", "_avail", "created_at"))
    ents = ents.filter(pl.col("entity_type") == "product")
    agg = (
        ents.sort("created_at", descending=True)
        .group_by(pl.col("entity_id").alias("product"))
        .agg(
            pl.len().alias("asks"),
            pl.col("_avail").sum().alias("availability_complaints"),
            pl.col("customer_id").drop_nulls().n_unique().alias("customers"),
            pl.col("id").head(examples).alias("example_ids"),
        )
    )
    if products is not None and "sku" in products.columns:
        skus = products.select(pl.col("sku").cast(pl.String).unique())["sku"]
        agg = agg.with_columns(pl.col("product").is_in(skus.implode()).alias("in_catalogue"))
    else:
        agg = agg.with_columns(pl.lit(None, pl.Boolean).alias("in_catalogue"))
    return agg.sort(["availability_complaints", "asks"], descending=True)


def preferences_by_segment(
    messages: pl.DataFrame,
    *,
    customer360: pl.DataFrame | None = None,
    customers: pl.DataFrame | None = None,
    attribute: str = "segment",
    since: Moment = None,
    until: Moment = None,
    min_messages: int = 30,
) -> pl.DataFrame:
    """Per segment (or tier) and aspect: ``share, lift`` over all customers, and NSI.

    Segments with fewer than ``min_messages`` linked messages are left out.
    """
    msgs = inbound(in_period(require_enriched(messages), "created_at", since, until))
    attrs = customer_attributes(customers, customer360).select("customer_id", attribute)
    linked = msgs.join(attrs, on="customer_id", how="inner").filter(pl.col(attribute).is_not_null())
    sizes = linked.group_by(attribute).agg(pl.len().alias("messages"))
    sizes = sizes.filter(pl.col("messages") >= min_messages)
    long = explode_aspects(linked.select("id", attribute, "aspects"), keep=("id", attribute))
    overall = long.group_by("aspect").agg(pl.len().alias("_all"))
    total = max(linked.height, 1)
    z = z_value(0.95)
    per = long.group_by(attribute, "aspect").agg(
        pl.len().alias("mentions"),
        (pl.col("polarity") == "positive").sum().alias("positive"),
        (pl.col("polarity") == "negative").sum().alias("negative"),
    )
    return (
        per.join(sizes, on=attribute, how="inner")
        .join(overall, on="aspect", how="left")
        .with_columns(
            (pl.col("mentions") / pl.col("messages")).alias("share"),
            ((pl.col("mentions") / pl.col("messages")) / (pl.col("_all") / total)).alias("lift"),
            *net_score_exprs("positive", "negative", "mentions", "nsi", z),
        )
        .drop("_all")
        .sort([attribute, "lift"], descending=[False, True])
    )


def needs_report(
    messages: pl.DataFrame,
    *,
    products: pl.DataFrame | None = None,
    customers: pl.DataFrame | None = None,
    customer360: pl.DataFrame | None = None,
    since: Moment = None,
    until: Moment = None,
    sla_hours: float = 48.0,
) -> dict[str, Any]:
    """All needs measures as JSON-ready tables."""
    messages = slim(messages)
    unmet = unmet_needs(messages, since=since, until=until, sla_hours=sla_hours)
    return {
        "importance_performance": aspect_importance_performance(
            messages, since=since, until=until
        ).to_dicts(),
        "unmet_total": unmet.height,
        "unmet_by_aspect": unmet_by_aspect(unmet, messages).to_dicts(),
        "unmet_examples": unmet.head(20).select("id", "customer_id", "status", "text").to_dicts(),
        "unstocked": unstocked_requests(messages, products, since=since, until=until)
        .head(50)
        .to_dicts(),
        "preferences_by_segment": preferences_by_segment(
            messages, customer360=customer360, customers=customers, since=since, until=until
        ).to_dicts(),
    }
