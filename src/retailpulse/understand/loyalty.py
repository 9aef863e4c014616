"""The five loyalty measures, per customer and per segment, a combined index and the
attitudinal x behavioural quadrant (Dick & Basu 1994).

Each measure is scaled to 0..1 (1 = more loyal) so they can be combined; the raw inputs stay
in the frame beside it. A measure without data for a customer is null, and the index is the
weighted mean of the measures present (``index_coverage`` says how much weight was present).

=====================  ========================================================  ===========
measure (score col)    formula                                                   needs
=====================  ========================================================  ===========
repeat purchase        percentile rank of repeat purchase days per year          transactions
(``repeat_score``)     ``(purchase days − 1) / max(days since first, 30) · 365``
price insensitivity    ``1 − discount_spend_share``; ``discount_spend_share`` =  transactions
(``price_score``)      spend on orders with a discount / all spend; also         (discount);
                       ``promo_order_share`` = orders placed in a campaign period  campaigns
recommend              latest NPS / 10 when surveyed; else the share of positive  surveys,
(``recommend_score``)  among the customer's public inbound messages, smoothed     messages
                       ``(pos + 1) / (public + 2)``; referrals count when given
resistance to          ``(loyal + 1) / (loyal + switching + 2)``: loyal =          messages
competitors            praise without a competitor; switching = a competitor
(``resistance_score``) named with purchase intent or negative sentiment; blended
                       50/50 with ``recent_spend_ratio`` (spend in the last 90
                       days vs the customer's average 90 days, capped at 1)
lifetime value         percentile rank of CLV                                      CLV frame
(``clv_score``)
=====================  ========================================================  ===========
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl

from retailpulse.errors import InputError

#: Weights of the combined loyalty index (they sum to 1).
INDEX_WEIGHTS: dict[str, float] = {
    "repeat_score": 0.25,
    "price_score": 0.15,
    "recommend_score": 0.20,
    "resistance_score": 0.15,
    "clv_score": 0.25,
}
BEHAVIOURAL = ("repeat_score", "clv_score")
ATTITUDINAL = ("recommend_score", "resistance_score")
QUADRANTS = ("true loyalty", "latent loyalty", "spurious loyalty", "no loyalty")
PUBLIC_KINDS = ("post", "comment", "reply", "review", "mention")


def _need(frame: pl.DataFrame, cols: tuple[str, ...], what: str) -> None:
    for c in cols:
        if c not in frame.columns:
            raise InputError(
                f"The {what} frame passed to loyalty_measures needs the column '{c}' "
                f"(it has: {', '.join(frame.columns)}).",
                field=c,
            )


def _pct_rank(col: str) -> pl.Expr:
    return ((pl.col(col).rank("average") - 0.5) / pl.col(col).count()).alias(col)


def _purchase_measures(
    tx: pl.DataFrame, as_of: datetime, campaigns: pl.DataFrame | None
) -> pl.DataFrame:
    day = pl.col("created_at").cast(pl.Date)
    as_of_day = as_of.date()
    recent_from = as_of - timedelta(days=90)
    has_discount = "discount" in tx.columns
    disc = pl.col("discount").fill_null(0.0) > 0 if has_discount else pl.lit(False)
    tx = tx.with_columns(disc.alias("_disc"))
    if campaigns is not None and campaigns.height:
        _need(campaigns, ("start", "end"), "campaigns")
        periods = campaigns.select("start", "end").drop_nulls()
        in_promo = pl.lit(False)
        for s, e in periods.iter_rows():
            in_promo = in_promo | pl.col("created_at").is_between(s, e)
        tx = tx.with_columns(in_promo.alias("_promo"))
    else:
        tx = tx.with_columns(pl.lit(None, dtype=pl.Boolean).alias("_promo"))
    per = tx.group_by("customer_id").agg(
        day.n_unique().alias("purchase_days"),
        day.min().alias("first_purchase"),
        day.max().alias("last_purchase"),
        pl.col("total").sum().alias("total_spend"),
        pl.col("total").filter(pl.col("_disc")).sum().alias("_disc_spend"),
        pl.col("_promo").mean().alias("promo_order_share"),
        pl.col("total").filter(pl.col("created_at") > recent_from).sum().alias("_recent"),
    )
    span = (pl.lit(as_of_day) - pl.col("first_purchase")).dt.total_days()
    avg_90 = pl.col("total_spend") / (pl.max_horizontal(span, pl.lit(90)) / 90)
    return per.with_columns(
        ((pl.col("purchase_days") - 1) / pl.max_horizontal(span, pl.lit(30)) * 365).alias(
            "repeat_per_year"
        ),
        pl.when(pl.lit(has_discount))
        .then(pl.col("_disc_spend") / pl.col("total_spend"))
        .otherwise(None)
        .alias("discount_spend_share"),
        (pl.col("_recent") / avg_90).clip(0, 1).alias("recent_spend_ratio"),
    ).drop("_disc_spend", "_recent")


def _message_measures(messages: pl.DataFrame) -> pl.DataFrame:
    _need(
        messages,
        ("customer_id", "kind", "direction", "sentiment", "intents", "entities"),
        "messages",
    )
    m = messages.filter(
        pl.col("customer_id").is_not_null()
        & (pl.col("direction").fill_null("inbound") == "inbound")
    )
    if "is_spam" in m.columns:
        m = m.filter(~pl.col("is_spam").fill_null(False))
    public = pl.col("kind").is_in(PUBLIC_KINDS)
    comp = pl.col("entities").fill_null("").str.contains("competitor:")
    intents = pl.col("intents").fill_null("")
    switching = comp & (
        intents.str.contains("purchase_intent") | (pl.col("sentiment") == "negative")
    )
    loyal = ~comp & intents.str.contains("praise")
    return m.group_by("customer_id").agg(
        public.sum().alias("public_messages"),
        (public & (pl.col("sentiment") == "positive")).sum().alias("positive_public_mentions"),
        comp.sum().alias("competitor_mentions"),
        switching.sum().alias("switching_signals"),
        loyal.sum().alias("loyal_statements"),
    )


def loyalty_measures(
    transactions: pl.DataFrame,
    *,
    as_of: datetime | date | None = None,
    surveys: pl.DataFrame | None = None,
    messages: pl.DataFrame | None = None,
    clv: pl.DataFrame | None = None,
    campaigns: pl.DataFrame | None = None,
    referrals: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Per customer: the raw inputs, the five 0..1 scores, ``loyalty_index`` (0..100),
    ``index_coverage`` and ``quadrant``. ``transactions`` has customer_id, created_at, total
    (and optionally discount); ``clv`` has customer_id, clv; ``referrals`` has customer_id
    (the referrer) one row per referral; ``messages`` is the enriched messages frame."""
    _need(transactions, ("customer_id", "created_at", "total"), "transactions")
    if transactions.height == 0:
        raise InputError("loyalty_measures needs at least one transaction.")
    if as_of is None:
        as_of = transactions.select(pl.col("created_at").max()).item()
    if not isinstance(as_of, datetime):
        as_of = datetime(as_of.year, as_of.month, as_of.day)
    tz = getattr(transactions.schema["created_at"], "time_zone", None)
    if tz is not None and as_of.tzinfo is None:
        from zoneinfo import ZoneInfo

        as_of = as_of.replace(tzinfo=ZoneInfo(tz))
    tx = transactions.filter(pl.col("created_at") <= as_of)
    out = _purchase_measures(tx, as_of, campaigns)
    if surveys is not None and surveys.height:
        _need(surveys, ("customer_id", "created_at", "nps"), "surveys")
        nps = (
            surveys.filter(pl.col("customer_id").is_not_null() & pl.col("nps").is_not_null())
            .sort("created_at")
            .group_by("customer_id")
            .agg(pl.col("nps").last().alias("nps"))
        )
        out = out.join(nps, on="customer_id", how="left")
    else:
        out = out.with_columns(pl.lit(None, dtype=pl.Int64).alias("nps"))
    msg_cols = (
        "public_messages",
        "positive_public_mentions",
        "competitor_mentions",
        "switching_signals",
        "loyal_statements",
    )
    if messages is not None and messages.height:
        out = out.join(_message_measures(messages), on="customer_id", how="left")
    else:
        out = out.with_columns(pl.lit(None, dtype=pl.UInt32).alias(c) for c in msg_cols)
    if referrals is not None:
        _need(referrals, ("customer_id",), "referrals")
        refs = referrals.group_by("customer_id").len("referrals")
        out = out.join(refs, on="customer_id", how="left").with_columns(
            pl.col("referrals").fill_null(0)
        )
    else:
        out = out.with_columns(pl.lit(None, dtype=pl.UInt32).alias("referrals"))
    if clv is not None:
        _need(clv, ("customer_id", "clv"), "clv")
        out = out.join(clv.select("customer_id", "clv"), on="customer_id", how="left")
    else:
        out = out.with_columns(pl.lit(None, dtype=pl.Float64).alias("clv"))

    pos, pub = pl.col("positive_public_mentions"), pl.col("public_messages")
    loyal, switch = pl.col("loyal_statements"), pl.col("switching_signals")
    stated = (loyal + 1) / (loyal + switch + 2)
    out = out.with_columns(
        pl.col("repeat_per_year").alias("repeat_score"),
        (1 - pl.col("discount_spend_share")).alias("price_score"),
        pl.when(pl.col("nps").is_not_null())
        .then(pl.col("nps") / 10)
        .when(pub > 0)
        .then((pos + 1) / (pub + 2))
        .otherwise(None)
        .alias("recommend_score"),
        pl.when(loyal.is_not_null() & ((loyal + switch) > 0))
        .then(0.5 * stated + 0.5 * pl.col("recent_spend_ratio"))
        .otherwise(pl.col("recent_spend_ratio"))
        .alias("resistance_score"),
        pl.col("clv").alias("clv_score"),
    ).with_columns(_pct_rank("repeat_score"), _pct_rank("clv_score"))
    present = [pl.col(c).is_not_null().cast(pl.Float64) * w for c, w in INDEX_WEIGHTS.items()]
    weighted = [pl.col(c).fill_null(0.0) * w for c, w in INDEX_WEIGHTS.items()]
    out = out.with_columns(
        pl.sum_horizontal(present).alias("index_coverage"),
    ).with_columns(
        (pl.sum_horizontal(weighted) / pl.col("index_coverage") * 100).alias("loyalty_index")
    )
    beh = pl.mean_horizontal([pl.col(c) for c in BEHAVIOURAL])
    att = pl.mean_horizontal([pl.col(c) for c in ATTITUDINAL])
    out = out.with_columns(
        beh.alias("behavioural"),
        att.alias("attitudinal"),
    ).with_columns(
        pl.when(pl.col("attitudinal").is_null() | pl.col("behavioural").is_null())
        .then(None)
        .when((pl.col("attitudinal") >= 0.5) & (pl.col("behavioural") >= 0.5))
        .then(pl.lit("true loyalty"))
        .when(pl.col("attitudinal") >= 0.5)
        .then(pl.lit("latent loyalty"))
        .when(pl.col("behavioural") >= 0.5)
        .then(pl.lit("spurious loyalty"))
        .otherwise(pl.lit("no loyalty"))
        .alias("quadrant")
    )
    return out.sort("customer_id")


def loyalty_by_segment(measures: pl.DataFrame, segments: pl.DataFrame) -> pl.DataFrame:
    """Per segment: customers, repeat-purchase rate (share with 2+ purchase days), mean of
    each score and of the index, NPS (promoters − detractors, in points) where surveyed."""
    _need(segments, ("customer_id", "segment"), "segments")
    j = measures.join(segments.select("customer_id", "segment"), on="customer_id", how="inner")
    nps = pl.col("nps")
    return (
        j.group_by("segment")
        .agg(
            pl.len().alias("customers"),
            (pl.col("purchase_days") >= 2).mean().alias("repeat_purchase_rate"),
            *[pl.col(c).mean() for c in INDEX_WEIGHTS],
            pl.col("loyalty_index").mean(),
            pl.when(nps.count() > 0)
            .then(
                ((nps >= 9).cast(pl.Int64).sum() - (nps <= 6).cast(pl.Int64).sum())
                / nps.count()
                * 100
            )
            .otherwise(None)
            .alias("nps"),
            pl.col("clv").mean().alias("mean_clv"),
        )
        .sort("segment")
    )
