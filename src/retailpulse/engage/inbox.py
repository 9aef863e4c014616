"""The engagement inbox as pure functions over Polars frames.

:func:`build_conversations` turns the enriched messages frame into conversations: the inbound
messages that need an answer, grouped by thread, or by one author on one channel within a
window when the platform gives no thread. :func:`prioritise` scores open conversations and
keeps every component of the score, so a person can see why one conversation comes first.

No database access here: the web app loads the frames and stores the results.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl

from retailpulse.engage.sla import SlaPolicy
from retailpulse.errors import InputError, MissingColumnError

#: Message kinds that are addressed to the brand and expect an answer whatever their content.
ANSWER_KINDS = frozenset({"dm", "review"})
#: Intents that call for an answer on any channel.
ANSWER_INTENTS = ("complaint", "question", "request", "purchase_intent")

REQUIRED_COLUMNS = ("id", "platform", "direction", "author_id", "created_at", "text")

INTENT_WEIGHTS: dict[str, float] = {
    "complaint": 1.0,
    "purchase_intent": 0.8,
    "request": 0.7,
    "question": 0.6,
    "praise": 0.1,
}
EMOTION_WEIGHTS: dict[str, float] = {
    "anger": 1.0,
    "fear": 0.7,
    "sadness": 0.6,
    "surprise": 0.2,
    "joy": 0.0,
    "love": 0.0,
    "none": 0.0,
}
TIER_WEIGHTS: dict[str, float] = {
    "none": 0.0,
    "bronze": 0.25,
    "silver": 0.5,
    "gold": 0.75,
    "platinum": 1.0,
}


@dataclass(frozen=True)
class PriorityWeights:
    """Points each component can add to the score (they sum to 100 by default)."""

    sentiment: float = 20.0
    intent: float = 15.0
    value: float = 20.0
    tier: float = 10.0
    churn: float = 15.0
    reach: float = 10.0
    sla: float = 10.0

    def as_dict(self) -> dict[str, float]:
        return {
            "sentiment": self.sentiment,
            "intent": self.intent,
            "value": self.value,
            "tier": self.tier,
            "churn": self.churn,
            "reach": self.reach,
            "sla": self.sla,
        }


COMPONENTS = tuple(PriorityWeights().as_dict())

_OPTIONAL: dict[str, pl.DataType] = {
    "kind": pl.Utf8(),
    "account": pl.Utf8(),
    "author_handle": pl.Utf8(),
    "author_name": pl.Utf8(),
    "author_followers": pl.Int64(),
    "thread_id": pl.Utf8(),
    "language": pl.Utf8(),
    "sentiment": pl.Utf8(),
    "p_negative": pl.Float64(),
    "emotion": pl.Utf8(),
    "intents": pl.Utf8(),
    "entities": pl.Utf8(),
    "is_spam": pl.Boolean(),
    "customer_id": pl.Utf8(),
    "rating": pl.Float64(),
}


def _check_columns(frame: pl.DataFrame, required: tuple[str, ...], where: str) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise MissingColumnError(
            f"The frame passed to {where} lacks the column(s) {missing}. "
            f"Pass the enriched messages frame (Workspace.messages()).",
            field=missing[0],
        )


def _with_optional(frame: pl.DataFrame) -> pl.DataFrame:
    """Add absent optional columns as nulls and type all-null columns (e.g. from JSON rows)."""
    extra = [pl.lit(None, dtype=t).alias(c) for c, t in _OPTIONAL.items() if c not in frame.columns]
    frame = frame.with_columns(extra) if extra else frame
    nulls = [
        pl.col(c).cast(_OPTIONAL.get(c, pl.Datetime("us")))
        for c, dtype in frame.schema.items()
        if dtype == pl.Null and (c in _OPTIONAL or c.endswith("_at"))
    ]
    return frame.with_columns(nulls) if nulls else frame


def needs_answer(frame: pl.DataFrame) -> pl.Expr:
    """Expression: an inbound, non-spam message that expects an answer from the brand."""
    intents = pl.col("intents").fill_null("")
    wants = pl.lit(False)
    for intent in ANSWER_INTENTS:
        wants = wants | intents.str.contains(intent, literal=True)
    return (
        (pl.col("direction").fill_null("inbound") == "inbound")
        & ~pl.col("is_spam").fill_null(False)
        & (
            pl.col("kind").fill_null("post").is_in(list(ANSWER_KINDS))
            | wants
            | (pl.col("sentiment") == "negative")
            | (pl.col("rating").fill_null(5.0) <= 3.0)
        )
    )


def build_conversations(messages: pl.DataFrame, *, window_hours: float = 48.0) -> pl.DataFrame:
    """Group the messages that need an answer into conversations.

    A message with a ``thread_id`` joins its thread's conversation; one without joins the
    conversation of the same author on the same platform when it came within ``window_hours``
    of that author's previous message, else it opens a new one. ``first_response_at`` is the
    first outbound message in the same thread after the conversation opened.
    """
    if not window_hours > 0:
        raise InputError(
            "The 'window_hours' parameter of build_conversations must be positive. "
            f"Got {window_hours!r} instead.",
            field="window_hours",
        )
    _check_columns(messages, REQUIRED_COLUMNS, "build_conversations")
    frame = _with_optional(messages)
    inbound = frame.filter(needs_answer(frame)).sort("platform", "author_id", "created_at")
    gap = pl.duration(minutes=round(window_hours * 60))
    keyed = inbound.with_columns(
        (
            pl.col("created_at").diff().over("platform", "author_id").fill_null(gap + gap) > gap
        ).alias("_new")
    ).with_columns(
        pl.col("created_at")
        .filter(pl.col("_new"))
        .first()
        .over(["platform", "author_id", pl.col("_new").cum_sum().over("platform", "author_id")])
        .alias("_start")
    )
    keyed = keyed.with_columns(
        pl.when(pl.col("thread_id").is_not_null())
        .then(pl.concat_str([pl.lit("thread:"), pl.col("platform"), pl.lit(":"), "thread_id"]))
        .otherwise(
            pl.concat_str(
                [
                    pl.lit("author:"),
                    pl.col("platform"),
                    pl.lit(":"),
                    pl.col("author_id").fill_null("?"),
                    pl.lit(":"),
                    pl.col("_start").dt.strftime("%Y%m%dT%H%M%S"),
                ]
            )
        )
        .alias("key"),
        pl.col("entities").fill_null("").str.extract(r"(?:^|;)store:([^;]+)", 1).alias("_store"),
        pl.when(pl.col("sentiment") == "negative")
        .then(pl.col("emotion"))
        .otherwise(None)
        .alias("_neg_emotion"),
    )
    convs = (
        keyed.sort("created_at")
        .group_by("key", maintain_order=True)
        .agg(
            pl.col("platform").first(),
            pl.col("account").drop_nulls().first(),
            pl.col("thread_id").first(),
            pl.col("author_id").first(),
            pl.col("author_name").drop_nulls().first(),
            pl.col("author_handle").drop_nulls().first(),
            pl.col("author_followers").max(),
            pl.col("customer_id").drop_nulls().first(),
            pl.col("_store").drop_nulls().first().alias("store_id"),
            pl.col("id").first().alias("first_message_id"),
            pl.col("id").last().alias("last_message_id"),
            pl.len().cast(pl.Int64).alias("message_count"),
            pl.col("text").first().str.slice(0, 280).alias("subject"),
            pl.col("language").drop_nulls().last(),
            pl.col("sentiment").drop_nulls().last(),
            pl.col("p_negative").max(),
            pl.coalesce(
                pl.col("_neg_emotion").drop_nulls().last(), pl.col("emotion").drop_nulls().last()
            ).alias("emotion"),
            pl.col("intents").fill_null("").str.join(";").alias("intents"),
            pl.col("created_at").min().alias("opened_at"),
            pl.col("created_at").max().alias("last_inbound_at"),
        )
    )
    convs = convs.with_columns(
        pl.col("intents")
        .str.split(";")
        .list.eval(pl.element().filter(pl.element().str.len_chars() > 0))
        .list.unique()
        .list.sort()
        .list.join(";")
    )
    return _attach_first_response(convs, frame)


def _attach_first_response(convs: pl.DataFrame, frame: pl.DataFrame) -> pl.DataFrame:
    outbound = frame.filter(
        (pl.col("direction") == "outbound") & pl.col("thread_id").is_not_null()
    ).select("platform", "thread_id", pl.col("created_at").alias("_out_at"))
    if outbound.is_empty():
        return convs.with_columns(
            pl.lit(None, dtype=convs["opened_at"].dtype).alias("first_response_at")
        )
    first = (
        convs.select("key", "platform", "thread_id", "opened_at")
        .filter(pl.col("thread_id").is_not_null())
        .join(outbound, on=["platform", "thread_id"], how="inner")
        .filter(pl.col("_out_at") >= pl.col("opened_at"))
        .group_by("key")
        .agg(pl.col("_out_at").min().alias("first_response_at"))
    )
    return convs.join(first, on="key", how="left")


def _sentiment_component() -> pl.Expr:
    base = (
        pl.when(pl.col("p_negative").is_not_null())
        .then(pl.col("p_negative"))
        .when(pl.col("sentiment") == "negative")
        .then(1.0)
        .when(pl.col("sentiment") == "neutral")
        .then(0.3)
        .otherwise(0.0)
    )
    emotion = (
        pl.col("emotion")
        .fill_null("none")
        .replace_strict(EMOTION_WEIGHTS, default=0.0, return_dtype=pl.Float64)
    )
    return (0.7 * base + 0.3 * emotion).clip(0.0, 1.0)


def _intent_component() -> pl.Expr:
    parts = pl.col("intents").fill_null("").str.split(";")
    return (
        parts.list.eval(
            pl.element().replace_strict(INTENT_WEIGHTS, default=0.2, return_dtype=pl.Float64)
        )
        .list.max()
        .fill_null(0.2)
    )


def prioritise(
    conversations: pl.DataFrame,
    customer_values: pl.DataFrame | None,
    *,
    now: datetime,
    policy: SlaPolicy | None = None,
    weights: PriorityWeights | None = None,
) -> pl.DataFrame:
    """Score conversations; the highest ``priority`` comes first.

    ``customer_values`` has ``customer_id``, ``clv``, ``tier`` and ``p_alive`` (any may be
    null or the frame None: unknown customers add nothing for value, tier and churn risk).
    Adds ``points_<component>`` for every component, ``priority``, ``level``, ``sla_hours``,
    ``due_at``, ``minutes_left`` (negative when overdue) and ``static_priority`` (the score
    without its SLA part: the full score is at most ``weights.sla`` points more).
    """
    policy = policy or SlaPolicy()
    weights = weights or PriorityWeights()
    _check_columns(conversations, ("key", "platform", "opened_at"), "prioritise")
    convs = _with_optional(conversations)
    for col in ("first_response_at",):
        if col not in convs.columns:
            convs = convs.with_columns(pl.lit(None, dtype=convs["opened_at"].dtype).alias(col))
    values = _customer_values(customer_values)
    convs = convs.join(values, on="customer_id", how="left")
    w = weights.as_dict()
    scored = convs.with_columns(
        _sentiment_component().alias("c_sentiment"),
        _intent_component().alias("c_intent"),
        pl.col("_clv_rank").fill_null(0.0).alias("c_value"),
        pl.col("_tier")
        .fill_null("none")
        .replace_strict(TIER_WEIGHTS, default=0.0, return_dtype=pl.Float64)
        .alias("c_tier"),
        (1.0 - pl.col("_p_alive")).clip(0.0, 1.0).fill_null(0.0).alias("c_churn"),
        ((pl.col("author_followers").fill_null(0).cast(pl.Float64) + 1.0).log10() / 6.0)
        .clip(0.0, 1.0)
        .alias("c_reach"),
    )
    static = sum(
        (pl.col(f"c_{name}") * w[name] for name in COMPONENTS if name != "sla"),
        pl.lit(0.0),
    )
    scored = scored.with_columns(static.alias("_static"))
    levels = [policy.level(s) for s in scored["_static"].to_list()]
    hours = [
        policy.target_hours(p, lv)
        for p, lv in zip(scored["platform"].to_list(), levels, strict=True)
    ]
    scored = scored.with_columns(
        pl.Series("level", levels, dtype=pl.Utf8),
        pl.Series("sla_hours", hours, dtype=pl.Float64),
    ).with_columns(
        (pl.col("opened_at") + pl.duration(seconds=pl.col("sla_hours") * 3600)).alias("due_at")
    )
    now_lit = pl.lit(now).cast(scored["opened_at"].dtype)
    scored = scored.with_columns(
        ((pl.col("due_at") - now_lit).dt.total_seconds() / 60.0).alias("minutes_left")
    ).with_columns(
        pl.when(pl.col("first_response_at").is_not_null())
        .then(0.0)
        .otherwise((1.0 - pl.col("minutes_left") / (pl.col("sla_hours") * 60.0)).clip(0.0, 1.0))
        .alias("c_sla")
    )
    scored = scored.with_columns(
        [(pl.col(f"c_{name}") * w[name]).round(1).alias(f"points_{name}") for name in COMPONENTS]
    ).with_columns(
        pl.sum_horizontal([f"points_{name}" for name in COMPONENTS]).round(1).alias("priority")
    )
    scored = scored.with_columns(
        pl.sum_horizontal([f"points_{n}" for n in COMPONENTS if n != "sla"])
        .round(1)
        .alias("static_priority")
    )
    return (
        scored.drop("_static", "_clv_rank")
        .rename({"_tier": "tier", "_p_alive": "p_alive"})
        .sort(["priority", "opened_at"], descending=[True, False])
    )


def rank_customer_values(values: pl.DataFrame | None) -> pl.DataFrame:
    """``customer_id, clv, tier, p_alive`` plus ``clv_rank`` (CLV percentile, 0-1).

    :func:`prioritise` accepts the result as its ``customer_values`` and then skips ranking,
    so a caller scoring many times ranks once.
    """
    schema = {
        "customer_id": pl.Utf8(),
        "clv_rank": pl.Float64(),
        "tier": pl.Utf8(),
        "p_alive": pl.Float64(),
        "clv": pl.Float64(),
    }
    if values is None or values.is_empty():
        return pl.DataFrame(schema=schema)
    _check_columns(values, ("customer_id",), "prioritise (customer_values)")
    if "clv_rank" in values.columns:
        return values
    v = values
    for col, dtype in (("clv", pl.Float64), ("tier", pl.Utf8), ("p_alive", pl.Float64)):
        v = v.with_columns(
            (pl.col(col) if col in v.columns else pl.lit(None)).cast(dtype).alias(col)
        )
    known = v["clv"].drop_nulls().len()
    rank = (pl.col("clv").rank("average") - 1) / max(known - 1, 1) if known > 1 else pl.lit(1.0)
    return v.unique("customer_id", keep="first").select(
        pl.col("customer_id").cast(pl.Utf8),
        pl.when(pl.col("clv").is_null()).then(None).otherwise(rank).alias("clv_rank"),
        pl.col("tier"),
        pl.col("p_alive"),
        pl.col("clv"),
    )


def _customer_values(values: pl.DataFrame | None) -> pl.DataFrame:
    return rank_customer_values(values).select(
        "customer_id",
        pl.col("clv_rank").alias("_clv_rank"),
        pl.col("tier").alias("_tier"),
        pl.col("p_alive").alias("_p_alive"),
        "clv",
    )


def explain(row: dict[str, Any], weights: PriorityWeights | None = None) -> list[dict[str, Any]]:
    """The components of one prioritised row as readable lines, largest first."""
    w = (weights or PriorityWeights()).as_dict()
    lines: list[dict[str, Any]] = []
    for name in COMPONENTS:
        points = float(row.get(f"points_{name}") or 0.0)
        share = float(row.get(f"c_{name}") or 0.0)
        lines.append(
            {
                "component": name,
                "points": round(points, 1),
                "max_points": w[name],
                "share": round(share, 3) if not math.isnan(share) else 0.0,
            }
        )
    return sorted(lines, key=lambda d: -float(d["points"]))
