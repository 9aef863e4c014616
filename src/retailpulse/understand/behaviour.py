"""Behaviour patterns: when customers post and buy, on which channels, what content draws them.

- **Activity heatmap**: posts and purchases per weekday × hour (in the retailer's time zone),
  by segment.
- **Channel preference**: each segment's share of messages per platform and of orders per
  sales channel.
- **Content engagement**: for the brand's own posts, engagement rate (likes + shares + replies
  per view) by content format (video, photo, link, text) with intervals and lift over the mean.
- **Promotion response**: each segment's share of orders bought on discount.
- **Campaign effects**: orders and messages per customer-day during each campaign against the
  period before, in the targeted segment against the others (a difference-in-differences rate
  ratio with a log-normal interval).
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import polars as pl

from retailpulse.errors import InputError
from retailpulse.understand.inputs import (
    Moment,
    customer_attributes,
    in_period,
    inbound,
    require_columns,
    require_enriched,
    slim,
)
from retailpulse.understand.stats import mean_exprs, z_value

FORMATS = ("video", "photo", "link", "text")
_VIDEO = r"(?i)(\.mp4|\.mov|youtube\.|youtu\.be|tiktok\.|vimeo\.|/reel|/video)"
_PHOTO = r"(?i)(\.jpe?g|\.png|\.gif|\.webp|/photo|/p/)"


def activity_heatmap(
    messages: pl.DataFrame,
    transactions: pl.DataFrame | None = None,
    *,
    customer360: pl.DataFrame | None = None,
    customers: pl.DataFrame | None = None,
    by_segment: bool = False,
    time_zone: str = "UTC",
    since: Moment = None,
    until: Moment = None,
) -> pl.DataFrame:
    """Counts per ``activity`` (post/buy), [segment], ``weekday`` (1=Mon) and ``hour``."""
    msgs = inbound(in_period(require_enriched(messages), "created_at", since, until))
    parts = [msgs.select("customer_id", "created_at", pl.lit("post").alias("activity"))]
    if transactions is not None:
        require_columns(transactions, ("customer_id", "created_at"), "transactions")
        tx = in_period(transactions, "created_at", since, until)
        parts.append(tx.select("customer_id", "created_at", pl.lit("buy").alias("activity")))
    frame = pl.concat(parts)
    try:
        local = pl.col("created_at").dt.convert_time_zone(time_zone)
        frame = frame.with_columns(
            local.dt.weekday().alias("weekday"), local.dt.hour().alias("hour")
        )
    except pl.exceptions.ComputeError:
        raise InputError(
            f"The 'time_zone' parameter must be an IANA zone like 'Asia/Singapore'. "
            f"Got {time_zone!r} instead.",
            field="time_zone",
        ) from None
    keys = ["activity", "weekday", "hour"]
    if by_segment:
        attrs = customer_attributes(customers, customer360).select("customer_id", "segment")
        frame = frame.join(attrs, on="customer_id", how="inner").filter(
            pl.col("segment").is_not_null()
        )
        keys = ["activity", "segment", "weekday", "hour"]
    out = frame.group_by(keys).agg(pl.len().alias("count"))
    group = [k for k in keys if k in ("activity", "segment")]
    return out.with_columns(
        (pl.col("count") / pl.col("count").sum().over(group)).alias("share")
    ).sort(keys)


def peak_times(heatmap: pl.DataFrame, top: int = 3) -> pl.DataFrame:
    """The ``top`` weekday × hour slots per activity (and segment) by share."""
    group = [k for k in ("activity", "segment") if k in heatmap.columns]
    return (
        heatmap.sort("share", descending=True)
        .group_by(group, maintain_order=True)
        .head(top)
        .sort([*group, "share"], descending=[False] * len(group) + [True])
    )


def channel_preference(
    messages: pl.DataFrame,
    transactions: pl.DataFrame | None = None,
    *,
    customer360: pl.DataFrame | None = None,
    customers: pl.DataFrame | None = None,
    since: Moment = None,
    until: Moment = None,
) -> pl.DataFrame:
    """Per segment (``all`` for everyone): ``activity, channel, count, share``."""
    attrs = customer_attributes(customers, customer360).select("customer_id", "segment")
    msgs = inbound(in_period(require_enriched(messages), "created_at", since, until))
    parts = [
        msgs.select(
            "customer_id", pl.col("platform").alias("channel"), pl.lit("post").alias("activity")
        )
    ]
    if transactions is not None and "channel" in transactions.columns:
        tx = in_period(transactions, "created_at", since, until)
        parts.append(
            tx.select(
                "customer_id",
                pl.col("channel").fill_null("unknown"),
                pl.lit("buy").alias("activity"),
            )
        )
    frame = pl.concat(parts)
    seg = frame.join(attrs, on="customer_id", how="inner").filter(pl.col("segment").is_not_null())
    everyone = frame.with_columns(pl.lit("all").alias("segment"))
    both = pl.concat([everyone.select(seg.columns), seg])
    out = both.group_by("segment", "activity", "channel").agg(pl.len().alias("count"))
    return out.with_columns(
        (pl.col("count") / pl.col("count").sum().over("segment", "activity")).alias("share")
    ).sort(["segment", "activity", "share"], descending=[False, False, True])


def content_format() -> pl.Expr:
    """Expression giving a post's format from its URL and platform."""
    url = pl.col("url").fill_null("")
    return (
        pl.when(url.str.contains(_VIDEO) | pl.col("platform").is_in(["tiktok", "youtube"]))
        .then(pl.lit("video"))
        .when(url.str.contains(_PHOTO))
        .then(pl.lit("photo"))
        .when(url != "")
        .then(pl.lit("link"))
        .otherwise(pl.lit("text"))
    )


def content_engagement(
    messages: pl.DataFrame,
    *,
    since: Moment = None,
    until: Moment = None,
    level: float = 0.95,
) -> pl.DataFrame:
    """The brand's posts by format: ``posts, rate (+ interval), lift`` (rate over the mean).

    ``rate`` is (likes + shares + replies) per view for posts with views, else per post.
    """
    z = z_value(level)
    msgs = in_period(require_enriched(messages), "created_at", since, until)
    posts = msgs.filter((pl.col("direction") == "outbound") & (pl.col("kind") == "post"))
    if posts.is_empty():
        return pl.DataFrame(
            schema={
                "format": pl.String,
                "n": pl.UInt32,
                "rate": pl.Float64,
                "rate_lo": pl.Float64,
                "rate_hi": pl.Float64,
                "lift": pl.Float64,
            }
        )
    interactions = pl.sum_horizontal(pl.col(c).fill_null(0) for c in ("likes", "shares", "replies"))
    views = pl.col("views").fill_null(0)
    rate = pl.when(views > 0).then(interactions / views).otherwise(interactions.cast(pl.Float64))
    posts = posts.with_columns(content_format().alias("format"), rate.alias("_rate"))
    overall = posts["_rate"].mean()
    out = posts.group_by("format").agg(mean_exprs("_rate", "rate", z))
    return out.with_columns((pl.col("rate") / overall).alias("lift")).sort("rate", descending=True)


def promotion_response(
    transactions: pl.DataFrame,
    *,
    customer360: pl.DataFrame | None = None,
    customers: pl.DataFrame | None = None,
    since: Moment = None,
    until: Moment = None,
) -> pl.DataFrame:
    """Per segment (and ``all``): ``orders, discounted_share, discount_share_of_revenue``."""
    require_columns(transactions, ("customer_id", "created_at", "total"), "transactions")
    tx = in_period(transactions, "created_at", since, until)
    if "discount" not in tx.columns:
        tx = tx.with_columns(pl.lit(0.0).alias("discount"))
    attrs = customer_attributes(customers, customer360).select("customer_id", "segment")
    tx = tx.join(attrs, on="customer_id", how="left").with_columns(
        pl.col("segment").fill_null("unknown")
    )
    both = pl.concat([tx.with_columns(pl.lit("all").alias("segment")), tx])
    return (
        both.group_by("segment")
        .agg(
            pl.len().alias("orders"),
            (pl.col("discount").fill_null(0) > 0).mean().alias("discounted_share"),
            (
                pl.col("discount").fill_null(0).sum()
                / (pl.col("total").sum() + pl.col("discount").fill_null(0).sum())
            ).alias("discount_share_of_revenue"),
        )
        .sort("segment")
    )


def campaign_effects(
    campaigns: pl.DataFrame,
    *,
    transactions: pl.DataFrame | None = None,
    messages: pl.DataFrame | None = None,
    customer360: pl.DataFrame | None = None,
    customers: pl.DataFrame | None = None,
    level: float = 0.95,
) -> pl.DataFrame:
    """Per campaign and metric (``orders``, ``messages``): the rate ratio of the campaign.

    The target is every customer for ``all`` (or none given), else the customers whose
    segment, tier or country (``region_XX`` means country XX) equals ``target_segment``.
    With a target and other customers, the ratio is (target during / target before) /
    (others during / others before); with no comparison group it is during / before.
    ``lo``/``hi`` bound it at ``level``. A target that matches no customer gives a row with
    no ratio and the reason in ``baseline``.
    """
    require_columns(campaigns, ("campaign_id", "start", "end"), "campaigns")
    z = z_value(level)
    attrs = customer_attributes(customers, customer360).select("customer_id", "segment", "tier")
    if customers is not None and "country" in customers.columns:
        countries = customers.select("customer_id", pl.col("country").cast(pl.String))
        attrs = attrs.join(countries.unique("customer_id"), on="customer_id", how="left")
    else:
        attrs = attrs.with_columns(pl.lit(None, pl.String).alias("country"))
    events: dict[str, pl.DataFrame] = {}
    if transactions is not None:
        events["orders"] = transactions.select("customer_id", "created_at")
    if messages is not None:
        msgs = inbound(require_enriched(messages)).filter(pl.col("customer_id").is_not_null())
        events["messages"] = msgs.select("customer_id", "created_at")
    rows: list[dict[str, Any]] = []
    for camp in campaigns.filter(
        pl.col("start").is_not_null() & pl.col("end").is_not_null()
    ).iter_rows(named=True):
        start, end = camp["start"], camp["end"]
        if end <= start:
            continue
        span = end - start
        target = str(camp.get("target_segment") or "all").strip().lower()
        if target == "all":
            groups = None
            n_target, n_other = 1, 0
        else:
            country = target.removeprefix("region_")
            in_target = (
                (pl.col("segment").str.to_lowercase() == target)
                | (pl.col("tier").str.to_lowercase() == target)
                | (pl.col("country").str.to_lowercase() == country)
            )
            groups = attrs.with_columns(in_target.fill_null(False).alias("target"))
            n_target = int(groups["target"].sum())
            n_other = groups.height - n_target
        for metric, frame in events.items():
            if n_target == 0:
                rows.append(_unknown_target(camp, metric))
                continue
            rows.append(
                _effect(camp, metric, frame, groups, start, end, span, n_target, n_other, z)
            )
    return pl.DataFrame(
        rows,
        schema={
            "campaign_id": pl.String,
            "name": pl.String,
            "metric": pl.String,
            "target_before": pl.Int64,
            "target_during": pl.Int64,
            "other_before": pl.Int64,
            "other_during": pl.Int64,
            "ratio": pl.Float64,
            "lo": pl.Float64,
            "hi": pl.Float64,
            "baseline": pl.String,
        },
        orient="row",
    )


def _unknown_target(camp: dict[str, Any], metric: str) -> dict[str, Any]:
    return {
        "campaign_id": str(camp["campaign_id"]),
        "name": str(camp.get("name") or camp["campaign_id"]),
        "metric": metric,
        "target_before": None,
        "target_during": None,
        "other_before": None,
        "other_during": None,
        "ratio": None,
        "lo": None,
        "hi": None,
        "baseline": f"unknown target: '{camp.get('target_segment')}' matches no customer's "
        "segment, tier or country",
    }


def _effect(
    camp: dict[str, Any],
    metric: str,
    frame: pl.DataFrame,
    groups: pl.DataFrame | None,
    start: datetime,
    end: datetime,
    span: Any,
    n_target: int,
    n_other: int,
    z: float,
) -> dict[str, Any]:
    window = frame.filter((pl.col("created_at") >= start - span) & (pl.col("created_at") < end))
    if groups is None:
        tagged = window.with_columns(pl.lit(True).alias("target"))
    else:
        tagged = window.join(groups, on="customer_id", how="inner")
    tagged = tagged.with_columns((pl.col("created_at") >= start).alias("during"))
    counts = {(t, d): 0 for t in (True, False) for d in (True, False)}
    for t, d, n in tagged.group_by("target", "during").agg(pl.len()).iter_rows():
        counts[(bool(t), bool(d))] = int(n)
    a, b = counts[(True, True)] + 0.5, counts[(True, False)] + 0.5
    c, d_ = counts[(False, True)] + 0.5, counts[(False, False)] + 0.5
    if n_other > 0 and n_target > 0:
        ratio = (a / b) / (c / d_)
        se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d_)
        baseline = "other customers, same periods"
    else:
        ratio = a / b
        se = math.sqrt(1 / a + 1 / b)
        baseline = "the period before"
    return {
        "campaign_id": str(camp["campaign_id"]),
        "name": str(camp.get("name") or camp["campaign_id"]),
        "metric": metric,
        "target_before": counts[(True, False)],
        "target_during": counts[(True, True)],
        "other_before": counts[(False, False)],
        "other_during": counts[(False, True)],
        "ratio": ratio,
        "lo": ratio * math.exp(-z * se),
        "hi": ratio * math.exp(z * se),
        "baseline": baseline,
    }


def behaviour_report(
    messages: pl.DataFrame,
    *,
    transactions: pl.DataFrame | None = None,
    campaigns: pl.DataFrame | None = None,
    customers: pl.DataFrame | None = None,
    customer360: pl.DataFrame | None = None,
    time_zone: str = "UTC",
    since: Moment = None,
    until: Moment = None,
) -> dict[str, Any]:
    """All behaviour measures as JSON-ready tables."""
    messages = slim(messages, text=False)
    kw: dict[str, Any] = {
        "customer360": customer360,
        "customers": customers,
        "since": since,
        "until": until,
    }
    heat = activity_heatmap(messages, transactions, time_zone=time_zone, **kw)
    report: dict[str, Any] = {
        "peak_times": peak_times(heat).to_dicts(),
        "peak_times_by_segment": peak_times(
            activity_heatmap(messages, transactions, by_segment=True, time_zone=time_zone, **kw), 1
        ).to_dicts(),
        "channels": channel_preference(messages, transactions, **kw).to_dicts(),
        "content": content_engagement(messages, since=since, until=until).to_dicts(),
        "promotions": promotion_response(transactions, **kw).to_dicts()
        if transactions is not None
        else [],
        "campaigns": [],
    }
    if campaigns is not None and not campaigns.is_empty():
        report["campaigns"] = campaign_effects(
            campaigns,
            transactions=transactions,
            messages=messages,
            customer360=customer360,
            customers=customers,
        ).to_dicts()
    return report
