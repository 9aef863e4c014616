"""Checks and small reshapes of the input frames shared by the voice-of-customer analytics.

The analytics take the enriched messages frame (see the contracts: the message columns plus
``language, sentiment, p_*, emotion, intents, aspects, entities, is_spam, customer_id``) and
the canonical frames. These helpers validate what they need, with messages that name the fix,
and turn the ';'-joined enrichment strings into long frames.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime

import polars as pl

from retailpulse.errors import InputError, MissingColumnError

#: Columns the enrichment step adds; without them messages are "not yet enriched".
ENRICHED_COLUMNS: tuple[str, ...] = (
    "language",
    "sentiment",
    "p_negative",
    "p_neutral",
    "p_positive",
    "emotion",
    "intents",
    "aspects",
    "entities",
    "is_spam",
    "customer_id",
)

ASPECTS: tuple[str, ...] = (
    "price",
    "product_quality",
    "service",
    "delivery",
    "availability",
    "store",
    "online",
    "promotion",
)
POLARITY_SCORE = {"negative": -1.0, "neutral": 0.0, "positive": 1.0}

ENRICH_FIX = "Run `retailpulse enrich` first to add language, sentiment, aspects and entities."

Moment = datetime | date | str | None


def require_columns(frame: pl.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise :class:`MissingColumnError` naming the absent columns of ``frame``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise MissingColumnError(
            f"The {what} frame lacks the column(s) {', '.join(missing)}. "
            f"Import {what} with these columns (see `retailpulse import --help`).",
            field=missing[0],
        )


def require_enriched(messages: pl.DataFrame) -> pl.DataFrame:
    """Check that ``messages`` carries enrichment and return its enriched rows.

    Raises :class:`InputError` telling to run ``retailpulse enrich`` when the enrichment
    columns are absent or when no row has been enriched yet. Rows not yet enriched (null
    ``sentiment``) are left out; :func:`enriched_share` reports how many there were.
    """
    require_columns(messages, ("id", "created_at"), "messages")
    missing = [c for c in ENRICHED_COLUMNS if c not in messages.columns]
    if missing:
        raise InputError(
            f"The messages are not enriched yet (no column {', '.join(missing)}). {ENRICH_FIX}",
            field=missing[0],
        )
    if messages.height and messages["sentiment"].null_count() == messages.height:
        raise InputError(f"None of the {messages.height} messages is enriched yet. {ENRICH_FIX}")
    out = messages.filter(pl.col("sentiment").is_not_null())
    if "direction" not in out.columns:
        out = out.with_columns(direction=pl.lit("inbound"))
    return out.with_columns(
        pl.col("direction").fill_null("inbound"),
        pl.col("is_spam").fill_null(False),
        pl.col("intents").fill_null(""),
        pl.col("aspects").fill_null(""),
        pl.col("entities").fill_null(""),
    )


#: Message columns the measures read (the rest, such as names and handles, are dropped early).
ANALYTIC_COLUMNS: tuple[str, ...] = (
    "id",
    "platform",
    "external_id",
    "kind",
    "direction",
    "author_id",
    "author_followers",
    "thread_id",
    "parent_id",
    "created_at",
    "text",
    "url",
    "rating",
    "likes",
    "shares",
    "replies",
    "views",
    *ENRICHED_COLUMNS,
)


def slim(messages: pl.DataFrame, *, text: bool = True) -> pl.DataFrame:
    """Enriched rows with only the columns the measures read (``text`` optional).

    Narrowing once before many group-bys saves copying long strings on every filter.
    """
    keep = [c for c in ANALYTIC_COLUMNS if c in messages.columns and (text or c != "text")]
    return require_enriched(messages.select(keep))


def enriched_share(messages: pl.DataFrame) -> float:
    """Share of messages that carry a sentiment (1.0 for an empty frame)."""
    if not messages.height or "sentiment" not in messages.columns:
        return 1.0 if not messages.height else 0.0
    return 1.0 - messages["sentiment"].null_count() / messages.height


def inbound(messages: pl.DataFrame) -> pl.DataFrame:
    """Customers' own messages: inbound and not spam."""
    return messages.filter((pl.col("direction") == "inbound") & ~pl.col("is_spam"))


def to_utc(moment: Moment, name: str = "since") -> datetime | None:
    """Parse a ``--since/--until`` style moment into an aware UTC datetime."""
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if isinstance(moment, date):
        return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(moment)
    except ValueError:
        raise InputError(
            f"The '{name}' parameter must be an ISO 8601 date like 2025-01-31. "
            f"Got '{moment}' instead.",
            field=name,
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def in_period(
    frame: pl.DataFrame, column: str, since: Moment = None, until: Moment = None
) -> pl.DataFrame:
    """Rows of ``frame`` with ``since <= column < until`` (either bound optional)."""
    lo, hi = to_utc(since, "since"), to_utc(until, "until")
    if lo is not None and hi is not None and lo >= hi:
        raise InputError(
            f"The 'since' parameter must be before 'until'. Got since={lo.isoformat()} "
            f"and until={hi.isoformat()} instead.",
            field="since",
        )
    if column not in frame.columns:
        return frame
    out = frame.with_columns(utc_datetime(column))
    if lo is not None:
        out = out.filter(pl.col(column) >= lo)
    if hi is not None:
        out = out.filter(pl.col(column) < hi)
    return out


def utc_datetime(column: str) -> pl.Expr:
    """Expression casting ``column`` to ``Datetime('us', 'UTC')``."""
    return pl.col(column).cast(pl.Datetime("us", "UTC"))


def explode_tags(frame: pl.DataFrame, column: str, keep: Sequence[str] = ("id",)) -> pl.DataFrame:
    """One row per ';'-joined tag of ``column`` (empty strings dropped), with ``keep`` columns."""
    return (
        frame.select(*keep, pl.col(column).str.split(";").alias("tag"))
        .explode("tag")
        .filter(pl.col("tag").is_not_null() & (pl.col("tag") != ""))
    )


def explode_aspects(frame: pl.DataFrame, keep: Sequence[str] = ("id",)) -> pl.DataFrame:
    """One row per (message, aspect) with ``aspect``, ``polarity`` and ``score`` (-1/0/+1)."""
    long = explode_tags(frame, "aspects", keep)
    parts = pl.col("tag").str.split_exact(":", 1)
    return (
        long.with_columns(
            parts.struct.field("field_0").alias("aspect"),
            parts.struct.field("field_1").fill_null("neutral").alias("polarity"),
        )
        .drop("tag")
        .with_columns(
            pl.col("polarity").replace_strict(POLARITY_SCORE, default=0.0).alias("score"),
        )
    )


def explode_entities(frame: pl.DataFrame, keep: Sequence[str] = ("id",)) -> pl.DataFrame:
    """One row per (message, entity) with ``entity_type`` and ``entity_id``."""
    long = explode_tags(frame, "entities", keep)
    parts = pl.col("tag").str.split_exact(":", 1)
    return long.with_columns(
        parts.struct.field("field_0").alias("entity_type"),
        parts.struct.field("field_1").alias("entity_id"),
    ).drop("tag")


def has_tag(column: str, tag: str) -> pl.Expr:
    """Boolean expression: the ';'-joined ``column`` contains ``tag``."""
    return (pl.lit(";") + pl.col(column).fill_null("") + pl.lit(";")).str.contains(
        f";{tag};", literal=True
    )


def customer_attributes(
    customers: pl.DataFrame | None, customer360: pl.DataFrame | None
) -> pl.DataFrame:
    """``customer_id, segment, tier, clv, p_alive`` from the 360 frame, else from customers.

    Missing attributes are null columns, so callers can group by them without checking.
    """
    schema = {
        "customer_id": pl.String,
        "segment": pl.String,
        "tier": pl.String,
        "clv": pl.Float64,
        "p_alive": pl.Float64,
    }
    if customer360 is not None and "customer_id" in customer360.columns:
        base = customer360
    elif customers is not None and "customer_id" in customers.columns:
        base = customers
    else:
        return pl.DataFrame(schema=schema)
    cols = []
    for name, dtype in schema.items():
        if name in base.columns:
            cols.append(pl.col(name).cast(dtype))
        elif name == "tier" and customers is not None and "tier" in customers.columns:
            continue
        else:
            cols.append(pl.lit(None, dtype=dtype).alias(name))
    out = base.select(cols).unique("customer_id", keep="first")
    if "tier" not in out.columns and customers is not None:
        tiers = customers.select("customer_id", pl.col("tier").cast(pl.String)).unique(
            "customer_id", keep="first"
        )
        out = out.join(tiers, on="customer_id", how="left")
    return out.select(list(schema))
