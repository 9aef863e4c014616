"""The accurate tier's gate: embed only the messages its n-gram heads are unsure of.

The sentence encoder is 90% of the accurate tier's time, and most messages do not need it:
where the n-gram heads alone are already confident, the embedding almost never changes the
answer (``benchmarks/accurate_gate.py``). An accurate model therefore carries, beside each head
that reads the embedding (the language sentiment heads and emotion), the same head fitted on
the n-gram features alone (named ``ngram:<head>``, exactly the fast tier's head), and in its
``meta["gate"]`` the confidence from which a message keeps the n-gram answer:

* ``sentiment``: the top sentiment probability (the full pipeline's, cues and rules included);
* ``emotion``: the top probability of the n-gram emotion head (asked only when emotion is).

A message is embedded when either is below its threshold. A model without ``ngram:`` heads or
without a gate (accurate models before 2026.11.7) embeds every message, as does
``gate=False`` in :func:`retailpulse.enrich.pipeline.enrich_texts`.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from retailpulse.enrich.model import LinearModel

#: Prefix of the n-gram-only twin of a head that reads the sentence embedding.
NGRAM_PREFIX = "ngram:"
#: The heads that read the sentence embedding (in an accurate model) and have a twin.
EMBEDDED_HEADS = ("sentiment_en", "sentiment_id", "sentiment_zh", "emotion")
#: The thresholds a trained accurate model carries (``meta["gate"]``), chosen on the valid files
#: by ``benchmarks/accurate_gate.py``: the highest share of messages kept from the encoder at
#: which no valid figure falls below the tier embedding every message (see ADR 0002, seventh
#: round).
DEFAULT_GATE = {"sentiment": 0.7, "emotion": 0.8}


def gate_of(model: LinearModel) -> dict[str, float] | None:
    """The model's gate thresholds, or ``None`` when it embeds every message (a fast model, an
    accurate model without twins or without a gate)."""
    gate = model.meta.get("gate")
    if model.embedding is None or not isinstance(gate, Mapping):
        return None
    if not all(NGRAM_PREFIX + name in model.heads for name in EMBEDDED_HEADS):
        return None
    return {str(k): float(v) for k, v in gate.items()}


def ngram_view(model: LinearModel) -> LinearModel:
    """A shallow view of ``model`` whose embedding-reading heads are their n-gram twins: the
    pipeline's functions given this view answer as the fast tier would (no weights copied)."""
    view = copy.copy(model)
    view.heads = dict(model.heads)
    for name in EMBEDDED_HEADS:
        view.heads[name] = dataclasses.replace(model.heads[NGRAM_PREFIX + name], name=name)
    return view


def uncertain(
    gate: Mapping[str, float],
    top_sentiment: npt.NDArray[np.floating],
    top_emotion: npt.NDArray[np.floating] | None,
    empty: npt.NDArray[np.bool_],
) -> npt.NDArray[np.bool_]:
    """Which messages the encoder must read, from each message's top sentiment probability
    and (when emotion is asked) top emotion probability: either below its threshold; never an
    empty message."""
    out: npt.NDArray[np.bool_] = top_sentiment < gate["sentiment"]
    if top_emotion is not None:
        out |= top_emotion < gate["emotion"]
    out &= ~empty
    return out
