"""Cue matching: which label descriptions (cue words of :mod:`retailpulse.enrich.lexicon`)
occur in each clause and message of a batch.

All cues are matched once per clause (one Polars regex per label, Rust's engine); a message
has a cue when one of its clauses has. Latin cues use ASCII word boundaries, which keeps the
regex engine on its fast path for non-ASCII text.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from retailpulse.enrich.lexicon import ASPECT_CUES, INTENT_CUES, cue_pattern
from retailpulse.enrich.scoring import Scores

#: A negator and the word it negates (Latin) or the next one or two Han characters (不错,
#: "not bad", is protected first); removed before praise cues are looked for.
_NEGATED = (
    r"(?-u:\b)(?:tidak|belum|bukan|kurang|not|never|no|don't|didn't|isn't|wasn't|doesn't|aren't|"
    r"won't|can't)\s+(?:terlalu\s+|begitu\s+|very\s+|so\s+|too\s+)?\S+|"
    r"(?:不|没有?)(?:太|很|怎么|是很|是)?\p{Han}{1,2}"
)
#: Negated complaint words ("tidak kecewa", "not disappointed", 没有让我失望).
_NEGATED_COMPLAINT = (
    r"(?-u:\b)(?:tidak|bukan|not|never|no|nothing)\s+(?:\S+\s+)?(?:kecewa|disappointed|"
    r"disappointing|menyesal|nyesel|bad|terrible|to complain)(?-u:\b)|没有?让\p{Han}?失望|不失望"
)


#: Labels of :func:`cue_matrix` as computed once per batch (intents, then aspects).
CUE_LABELS = (*INTENT_CUES, *ASPECT_CUES)


def batch_cues(s: Scores, n: int) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Cue matrices (:data:`CUE_LABELS`) of every clause and of every message (a message has
    a cue when one of its clauses has it)."""
    return clause_cues(s.clause_text, s.clause_rows, n)


def clause_cues(
    clause_text: pl.Series, clause_rows: npt.NDArray[np.integer], n: int
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """:func:`batch_cues` from the clause texts and their message rows (no scores needed)."""
    clause = cue_matrix(clause_text, {**INTENT_CUES, **ASPECT_CUES})
    if not len(clause):
        return clause, np.zeros((n, len(CUE_LABELS)), dtype=bool)
    starts = np.flatnonzero(np.r_[True, clause_rows[1:] != clause_rows[:-1]])
    message = np.maximum.reduceat(clause, starts, axis=0)
    return clause, message


def cue_matrix(texts: pl.Series, cues: dict[str, tuple[str, ...]]) -> npt.NDArray[np.bool_]:
    """(n_texts, n_labels): does each normalised text contain a cue of each label.

    The opinion marks ``lexpos``/``lexneg`` of normalisation and the Indonesian suffix *nya*
    (``harganya``, ``harga nya``) are ignored; praise cues do not count after a negator
    (``tidak suka``, 不喜欢) and complaint cues not in a negated complaint (``tidak kecewa``).
    """
    # one pass, ASCII classes only (Unicode \w and \b push Rust's regex off its fast path)
    bare = texts.str.replace_all(r"(?: lex(?:pos|neg)| nya)(?-u:\b)|([a-z]{3})nya(?-u:\b)", "$1")
    frame = pl.DataFrame({"t": bare})
    exprs = []
    for k, c in cues.items():
        col = pl.col("t")
        if k == "praise":
            col = col.str.replace_all("不错", "很好", literal=True).str.replace_all(_NEGATED, " ")
        elif k == "complaint":
            col = col.str.replace_all(_NEGATED_COMPLAINT, " ")
        exprs.append(col.str.contains(cue_pattern(c)).alias(k))
    out: npt.NDArray[np.bool_] = (
        frame.select(exprs).to_numpy().astype(bool).reshape(len(texts), len(cues))
    )
    return out
