"""Short information questions: a customer asking, not judging.

"kapan dikirim kak?", "berapa harganya?", 什么时候发货, 门店周日开门吗？ ask for information and
carry no opinion, but the Indonesian and Chinese sentiment heads learnt from reviews and news
comments, where 发货 ("shipping") and *dikirim* ("sent") are mostly complained about: before
this rule both tiers called every one of them negative (0.72-0.93) and, with their aspect read
as negative, a complaint. English messages already need an opinion word to be judged
(:func:`retailpulse.enrich.pipeline._sentiment`); this is the same rule for questions in every
language, kept narrow:

* an **information question word** (:data:`ASKING_CUES`: when, how much, where, is there,
  *kapan*, *berapa*, *apakah*, 什么时候, 多少钱, 吗, 请问...). A question mark alone does not
  count, nor do the cues that open rhetorical complaints as often as questions (*gimana*,
  怎么, 咋: 到半夜竟然没暖气，怎么住啊？, "no heating at midnight, how is one to stay?");
* **no why word** (:data:`WHY_WORDS`: why, how come, *kenapa*, *kok*, 为什么...): "why is it
  so late?" and *kok belum dikirim?* complain;
* a **short message**: at most :data:`MAX_ASKING_SIZE` words, a Han character counting half
  (a line on a phone);
* and, checked by the caller, no complaint or praise cue, emoji or English opinion word.

The short questions of the shared sentiment files are rhetorical and negative (news-comment
insults, hotel complaints): with a question mark alone, or a why word, or up to 15 words, the
rule would have made 2-16 of them neutral. As written it touches none of the 4,460 texts of the
three valid files (and 2 of SmSA's and 2 of ChnSentiCorp's at 15 words), so it moves no
validation figure; its effect is on the retail questions of
``tests/enrich/test_retail_messages.py``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from retailpulse.enrich.cues import cue_matrix
from retailpulse.enrich.lexicon import INTENT_CUES

#: Question cues that open rhetorical questions as often as real ones: a bare question mark,
#: why and how-come words.
RHETORICAL = ("?", "怎么", "为什么", "咋", "kenapa", "mengapa", "gimana", "bagaimana")
#: The question cues that ask for information.
ASKING_CUES = tuple(c for c in INTENT_CUES["question"] if c not in RHETORICAL)
#: Why and how-come words: a question that holds one complains as often as it asks.
WHY_WORDS = ("why", "how come", "kenapa", "mengapa", "kok", "为什么", "为何", "凭什么", "难道")
#: Words of a short message (a Han character counts half).
MAX_ASKING_SIZE = 12


def message_size(normalised: pl.Series) -> npt.NDArray[np.float64]:
    """Words of each normalised message, a Han character counting half."""
    frame = pl.DataFrame({"t": normalised}).select(
        han=pl.col("t").str.count_matches(r"\p{Han}").fill_null(0),
        words=pl.col("t")
        .str.replace_all(r"\p{Han}", " ")
        .str.count_matches(r"[\p{L}\p{N}]+")
        .fill_null(0),
    )
    size: npt.NDArray[np.float64] = (
        frame["words"].to_numpy().astype(np.float64) + frame["han"].to_numpy() / 2.0
    )
    return size


def asks(normalised: pl.Series) -> npt.NDArray[np.bool_]:
    """Is each normalised message a short information question (an asking cue, no why word,
    at most :data:`MAX_ASKING_SIZE` words)? Opinion evidence is the caller's to rule out."""
    out = np.zeros(len(normalised), dtype=bool)
    if not len(normalised):
        return out
    short = message_size(normalised) <= MAX_ASKING_SIZE
    rows = np.flatnonzero(short)
    if len(rows):
        # the key "question" gets the question rewrite (不怎么, 去哪里都... ask nothing)
        hit = cue_matrix(normalised.gather(rows), {"question": ASKING_CUES, "why": WHY_WORDS})
        out[rows[hit[:, 0] & ~hit[:, 1]]] = True
    return out
