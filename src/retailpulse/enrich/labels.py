"""Intents and aspects of a batch: the heads above their thresholds, the cue words, and the
rules between them and the message's sentiment (:func:`intents_of`, :func:`aspects_of`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import polars as pl

from retailpulse.enrich.asking import asks_for_stock
from retailpulse.enrich.cues import CUE_LABELS, asks_nothing, negated_purchase
from retailpulse.enrich.lexicon import ASPECT_CUES, INTENT_CUES
from retailpulse.enrich.model import LinearModel, sigmoid
from retailpulse.enrich.scoring import Scores


def by_row(n: int, rows: npt.NDArray[np.integer], values: pl.Series) -> list[str]:
    """``n`` strings: ``values`` (already one per row) placed at ``rows``, ``""`` elsewhere."""
    out = np.full(n, "", dtype=object)
    out[rows] = values.to_list()
    result: list[str] = out.tolist()
    return result


def multi_label(names: Sequence[str], present: npt.NDArray[np.bool_]) -> list[str]:
    """Per row, the ``names`` present, ``;``-joined in the head's order (``""`` for none)."""
    rows, cols = np.nonzero(present)
    if not len(rows):
        return [""] * present.shape[0]
    # np.nonzero walks row by row, columns ascending: labels keep the head's order
    joined = (
        pl.DataFrame({"row": rows, "name": pl.Series(list(names), dtype=pl.String).gather(cols)})
        .group_by("row", maintain_order=True)
        .agg(pl.col("name").str.join(";"))
    )
    return by_row(present.shape[0], joined["row"].to_numpy(), joined["name"])


def thresholds(head_thresholds: list[float], n: int) -> npt.NDArray[np.float32]:
    """A head's thresholds per label (0.5 each when the model has none for it)."""
    return np.asarray(head_thresholds if len(head_thresholds) == n else [0.5] * n, np.float32)


def intents_of(
    model: LinearModel,
    s: Scores,
    cues: npt.NDArray[np.bool_],
    sentiment: npt.NDArray[np.int64],
    aspects: Sequence[str],
    normalised: pl.Series,
    framed: npt.NDArray[np.bool_],
) -> list[str]:
    """Head above its threshold, or a cue of the label; a negative message with a negative
    aspect is a complaint, a positive one with a positive aspect praise; praise is never
    found in a negative message, nor a complaint in a positive one; a message whose Chinese
    question word asks nothing (服务不怎么样) is a question only by a question cue; a short
    information question in a shop-chat frame ("ada warna lain kak?", "bisa cod?") neither
    complains nor praises (other short questions can: "Sold out terus, kapan restok?"); a
    purchase intent said under a negator ("I will never come back") is none."""
    h = model.head("intent")
    p = sigmoid(s.message[:, h.start : h.stop])
    present = p >= thresholds(h.thresholds, len(h.labels))
    if "purchase_intent" in h.labels:
        # "I will never come back", "gak mau beli lagi", 不会再来: the head learnt the words
        # of the cue, not the negator before them
        b = h.labels.index("purchase_intent")
        rows = np.flatnonzero(present[:, b])
        present[rows[negated_purchase(normalised.gather(rows))], b] = False
    for name in ("complaint", "praise"):
        if name in h.labels:
            present[framed, h.labels.index(name)] = False
    if "question" in h.labels:
        # only the messages the head calls questions are read again
        q = h.labels.index("question")
        rows = np.flatnonzero(present[:, q])
        present[rows[asks_nothing(normalised.gather(rows))], q] = False
        # a frame is a question, with or without a mark or cue (有L码没, 这个有黑色的么)
        present[framed, q] = True
    aspect_text = pl.Series(list(aspects), dtype=pl.String)
    if "complaint" in h.labels:
        neg = aspect_text.str.contains(":negative").to_numpy() & (sentiment == 0)
        present[:, h.labels.index("complaint")] |= neg
    if "praise" in h.labels:
        pos = aspect_text.str.contains(":positive").to_numpy() & (sentiment == 2)
        present[:, h.labels.index("praise")] |= pos
    for name in h.labels:
        if name in INTENT_CUES:
            present[:, h.labels.index(name)] |= cues[:, CUE_LABELS.index(name)]
    # praise (head or cue) never in a negative message, a complaint never in a positive one
    if "praise" in h.labels:
        present[:, h.labels.index("praise")] &= sentiment != 0
    if "complaint" in h.labels:
        present[:, h.labels.index("complaint")] &= sentiment != 2
    return multi_label(h.labels, present)


def aspects_of(
    model: LinearModel,
    s: Scores,
    n: int,
    sentiment: npt.NDArray[np.int64],
    cues: npt.NDArray[np.bool_],
    asking: npt.NDArray[np.bool_],
    framed: npt.NDArray[np.bool_],
    normalised: pl.Series,
) -> list[str]:
    """Per message, ``aspect:polarity`` pairs ``;``-joined: the clause heads (the aspect head
    and custom categories) above their thresholds or an aspect cue, with the polarity rules
    below."""
    sent = model.head("sentiment")
    clause_sent = s.clause[:, sent.start : sent.stop].argmax(axis=1)
    # an aspect takes its message's polarity when the message is not neutral, else its clause's,
    # and is neutral in a short information question without evidence, which asks about it
    # ("kapan dikirim kak?": delivery:neutral); a clause with a complaint cue is negative
    complaint = cues[:, CUE_LABELS.index("complaint")]
    msg_sent = sentiment[s.clause_rows]
    clause_sent = np.where(msg_sent != 1, msg_sent, clause_sent)
    clause_sent[asking[s.clause_rows]] = 1
    clause_sent[complaint] = 0
    pol = np.array(sent.labels, dtype=object)[clause_sent]
    found_rows: list[np.ndarray] = []
    found_names: list[np.ndarray] = []
    found_pol: list[np.ndarray] = []
    found_prob: list[np.ndarray] = []
    order: list[str] = []
    for h in model.heads.values():
        if h.level != "clause":
            continue
        z = s.clause[:, h.start : h.stop]
        # a prototype's score is its similarity to the examples; other heads are logits
        prob = z - model.bias[h.start : h.stop] if h.kind == "prototype" else sigmoid(z)
        present = prob >= thresholds(h.thresholds, len(h.labels))
        if h.name == "aspect":
            for j, name in enumerate(h.labels):
                if name in ASPECT_CUES:
                    present[:, j] |= cues[:, CUE_LABELS.index(name)]
            if "availability" in h.labels:
                # "ada ukuran L gak kak?" asks whether a size is in stock
                rows = np.flatnonzero(framed)
                stock = (
                    rows[asks_for_stock(normalised.gather(rows), framed=True)]
                    if len(rows)
                    else rows
                )
                present[np.isin(s.clause_rows, stock), h.labels.index("availability")] = True
        ci, cj = np.nonzero(present)
        found_rows.append(s.clause_rows[ci])
        found_names.append(np.array(h.labels, dtype=object)[cj])
        found_pol.append(pol[ci])
        found_prob.append(prob[ci, cj])
        order += h.labels
    out = [""] * n
    if not found_rows or not sum(len(r) for r in found_rows):
        return out
    rank = {name: i for i, name in enumerate(order)}
    frame = (
        pl.DataFrame(
            {
                "row": np.concatenate(found_rows),
                "name": np.concatenate(found_names).tolist(),
                "pol": np.concatenate(found_pol).tolist(),
                "prob": np.concatenate(found_prob).astype(np.float64),
            }
        )
        .sort("prob", descending=True)
        .unique(["row", "name"], keep="first", maintain_order=True)
        .with_columns(pl.col("name").replace_strict(rank, return_dtype=pl.Int64).alias("rank"))
        .sort("row", "rank")
        .group_by("row", maintain_order=True)
        .agg((pl.col("name") + ":" + pl.col("pol")).str.join(";").alias("a"))
    )
    return by_row(n, frame["row"].to_numpy(), frame["a"])
