"""Spam, promotional and bot-like messages: a transparent points rule, vectorised in Polars.

There is no public labelled spam set for retail social messages in the shared data, so this
flag is a rule, not a learned head. Points per message:

* 2 for a spam cue (``giveaway``, ``cek bio``, ``dm for``, 加微信, 代购... see
  :data:`retailpulse.enrich.lexicon.SPAM_CUES`);
* 2 for a phone number or WhatsApp-style contact (8+ digits, optionally with +, spaces, dashes);
* 1 per link beyond none, capped at 2; 1 for four or more hashtags; 1 for four or more mentions;
* 2 when the same normalised text appears three or more times in the batch (copy-paste bots).

``is_spam`` is true at 3 points or more.
"""

from __future__ import annotations

import polars as pl

from retailpulse.enrich.lexicon import SPAM_CUES, cue_pattern

SPAM_THRESHOLD = 3
_PHONE = r"(?:\+?\d[\d\s-]{7,}\d)"


def spam_flags(raw: pl.Series, normalised: pl.Series) -> pl.Series:
    """``is_spam`` for each message (see the module docstring for the rule)."""
    # lower-cased once (an eager select would lower-case it once per use)
    frame = pl.DataFrame({"raw": raw.fill_null(""), "norm": normalised}).with_columns(
        pl.col("raw").str.to_lowercase()
    )
    t = pl.col("raw")
    points = (
        pl.col("norm").str.contains(cue_pattern(SPAM_CUES)).cast(pl.Int32) * 2
        + t.str.contains(_PHONE).cast(pl.Int32) * 2
        + pl.min_horizontal(t.str.count_matches(r"https?://|www\.").cast(pl.Int32), pl.lit(2))
        + (t.str.count_matches(r"#\w").cast(pl.Int32) >= 4).cast(pl.Int32)
        + (t.str.count_matches(r"@\w").cast(pl.Int32) >= 4).cast(pl.Int32)
        + ((pl.len().over("norm") >= 3) & (pl.col("norm").str.len_chars() >= 15)).cast(pl.Int32) * 2
    )
    return frame.select((points >= SPAM_THRESHOLD).alias("is_spam")).to_series()
