"""Cue matching: which label descriptions (cue words of :mod:`retailpulse.enrich.lexicon`)
occur in each clause and message of a batch.

One Aho-Corasick pass (``ahocorasick-rs``) over the batch's clauses, joined in one UTF-8
buffer, finds every occurrence of every cue of every label, overlapping ones included; NumPy
then keeps the Latin cues that sit between ASCII word boundaries (``(?-u:\\b)``: the bytes
``[0-9A-Za-z_]`` are word bytes, all others, non-ASCII included, are not), the Chinese cues and
``?`` anywhere. A message has a cue when one of its clauses has.

This is the exact meaning of one regex per label (:func:`~retailpulse.enrich.lexicon.cue_pattern`)
tested on each clause: a regex finds a match when any alternative occurs with its boundaries.
The rules that rewrite a clause before its praise or complaint cues are looked for (negators)
still run as Polars regexes, but only on the clauses they can change: those with a negator's
letters and a cue of the label, or words a removed negation may join into one
(:func:`_join_literals`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import chain

import ahocorasick_rs
import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from retailpulse.enrich.lexicon import ASPECT_CUES, INTENT_CUES, cue_pattern, needs_word_boundaries
from retailpulse.enrich.scoring import Scores

#: A negator and the word it negates (Latin) or the next one or two Han characters (不错,
#: "not bad", is protected first); removed before praise cues are looked for.
_NEGATED = (
    r"(?-u:\b)(?:tidak|belum|bukan|kurang|not|never|no|don't|didn't|isn't|wasn't|doesn't|aren't|"
    r"won't|can't)\s+(?:terlalu\s+|begitu\s+|very\s+|so\s+|too\s+)?\S+|"
    r"(?:不|没有?)(?:太|很|怎么|是很|是)?\p{Han}{1,2}"
)
#: Negated complaint words ("tidak kecewa", "not disappointed", "tidak terlalu mahal",
#: 没有让我失望).
_NEGATED_COMPLAINT = (
    r"(?-u:\b)(?:tidak|bukan|not|never|no|nothing|isn't|wasn't|aren't|weren't|doesn't|didn't|"
    r"won't|wouldn't)\s+(?:\S+\s+)?(?:kecewa|disappointed|"
    r"disappointing|menyesal|nyesel|mahal|bad|terrible|unhelpful|to complain)(?-u:\b)|"
    r"没有?让\p{Han}?失望|不失望"
)
#: A negator and the one or two words after it (Latin: "won't come back", "not going to",
#: *tidak mau beli*), or the next Han characters (不会再来, 不想买); removed before
#: purchase-intent cues are looked for. "can't" is left out: "can't wait to get" is one.
_NEGATED_PURCHASE = (
    r"(?-u:\b)(?:tidak|belum|bukan|not|never|no|don't|didn't|isn't|wasn't|doesn't|aren't|"
    r"won't|wouldn't)\s+(?:\S+\s+)?\S+|"
    r"(?:不|没有?)(?:太|很|怎么|是很|是|会|想|要)?\p{Han}{1,2}"
)
#: Chinese question words used as indefinites or under a negator, which ask nothing: 不怎么
#: ("not very"), 没多久 ("before long"), 不知为什么 ("for some reason"), 怎么说呢 ("how shall I
#: put it"), 多少有点 ("somewhat"), and a question word answered by 都 / 也 in its clause
#: (去哪里都很方便 "convenient wherever you go", 怎么赞美都不为过 "no praise is too much").
#: Removed before question cues are looked for; 吗 and a question mark still count.
_NOT_A_QUESTION = (
    r"[不没]怎么|[不没]多久|不知道?为什么|不知为何|怎么说呢|多少有[点些]|"
    r"(?:不管|无论)(?:怎么|哪里|哪儿|哪个|哪家|什么时候|多少|多久)|"
    r"(?:怎么|哪里|哪儿|哪个|哪家|什么时候|多少|多久)[^都也?吗]{0,6}?[都也]"
)
#: Characters one of which every match of :data:`_NOT_A_QUESTION` contains.
_NOT_A_QUESTION_TRIGGER = "怎么|哪|什么时候|多少|多久|为什么|为何"
#: Substrings one of which every match of :data:`_NEGATED`, :data:`_NEGATED_COMPLAINT`,
#: :data:`_NEGATED_PURCHASE` and 不错 contains: a clause without any of them reads the same to
#: praise, complaint and purchase-intent cues.
_NEGATION_TRIGGER = "tidak|belum|bukan|kurang|no|never|n't|不|没"
#: The labels whose clauses are rewritten (negations removed) before their cues are looked for.
_REWRITTEN = ("praise", "complaint", "purchase_intent")
#: The first characters of the Chinese negations the rewrites remove.
_HAN_NEGATIONS = ("不", "没")
#: The opinion marks of normalisation and the Indonesian suffix nya, removed before matching.
_MARKS = r"(?: lex(?:pos|neg)| nya)(?-u:\b)|([a-z]{3})nya(?-u:\b)"

#: Is each byte an ASCII word byte, as ``(?-u:\b)`` sees it.
_WORD_BYTE = np.zeros(256, dtype=bool)
for _lo, _hi in ((b"0", b"9"), (b"A", b"Z"), (b"a", b"z"), (b"_", b"_")):
    _WORD_BYTE[_lo[0] : _hi[0] + 1] = True

#: Labels of :func:`cue_matrix` as computed once per batch (intents, then aspects).
CUE_LABELS = (*INTENT_CUES, *ASPECT_CUES)


@dataclass(frozen=True)
class _Automaton:
    """The cues of some labels as one Aho-Corasick automaton."""

    automaton: ahocorasick_rs.BytesAhoCorasick
    #: the labels of each pattern's cue: ``label[first[p] : first[p] + count[p]]``
    label: npt.NDArray[np.intp]
    first: npt.NDArray[np.intp]
    count: npt.NDArray[np.intp]
    #: the pattern must sit between ASCII word boundaries (Latin cues)
    bounded: npt.NDArray[np.bool_]
    #: are the pattern's first and last bytes ASCII word bytes
    head_word: npt.NDArray[np.bool_]
    tail_word: npt.NDArray[np.bool_]


@lru_cache(maxsize=16)
def _automaton(cues: tuple[tuple[str, tuple[str, ...]], ...]) -> _Automaton:
    patterns: dict[str, int] = {}
    for _, words in cues:
        for w in words:
            patterns.setdefault(w, len(patterns))
    labels = np.zeros((len(patterns), len(cues)), dtype=bool)
    for j, (_, words) in enumerate(cues):
        labels[[patterns[w] for w in words], j] = True
    pattern_of, label = np.nonzero(labels)
    count = np.bincount(pattern_of, minlength=len(patterns))
    encoded = [w.encode() for w in patterns]
    return _Automaton(
        automaton=ahocorasick_rs.BytesAhoCorasick(
            encoded, implementation=ahocorasick_rs.Implementation.DFA
        ),
        label=label,
        first=np.cumsum(count) - count,
        count=count,
        bounded=np.array([needs_word_boundaries(w) for w in patterns], dtype=bool),
        head_word=_WORD_BYTE[[b[0] for b in encoded]],
        tail_word=_WORD_BYTE[[b[-1] for b in encoded]],
    )


def _matches(texts: pl.Series, am: _Automaton) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """(row, pattern) of every occurrence of a cue in ``texts`` (no nulls) that keeps the word
    boundaries it needs."""
    none = np.zeros(0, dtype=np.intp)
    arr = texts.to_arrow()
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    _, offsets_buf, data_buf = arr.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int64)[arr.offset : arr.offset + len(arr) + 1]
    first, last = int(offsets[0]), int(offsets[-1])
    if data_buf is None or last == first:
        return none, none
    data = np.frombuffer(data_buf, dtype=np.uint8)
    found = am.automaton.find_matches_as_indexes(data.data[first:last], overlapping=True)
    if not found:
        return none, none
    pse = np.fromiter(chain.from_iterable(found), dtype=np.intp, count=3 * len(found))
    pattern, start, end = pse[0::3], pse[1::3] + first, pse[2::3] + first
    row = np.searchsorted(offsets, start, side="right") - 1
    row_end = offsets[row + 1]
    # the buffer has no separators: drop matches that run into the next clause
    keep = end <= row_end
    bounded = am.bounded[pattern]
    if bounded.any():
        before = np.where(start > offsets[row], _WORD_BYTE[data[np.maximum(start - 1, 0)]], False)
        after = np.where(end < row_end, _WORD_BYTE[data[np.minimum(end, len(data) - 1)]], False)
        at_bounds = (before != am.head_word[pattern]) & (after != am.tail_word[pattern])
        keep &= ~bounded | at_bounds
    return row[keep], pattern[keep]


def _label_hits(texts: pl.Series, label: str, cues: tuple[str, ...]) -> npt.NDArray[np.bool_]:
    """Does each text contain a cue of ``label``, by its regex (after the praise or complaint
    rewrite): the reference meaning, used where the automaton cannot answer alone."""
    if label == "praise":
        texts = texts.str.replace_all("不错", "很好", literal=True).str.replace_all(_NEGATED, " ")
    elif label == "complaint":
        texts = texts.str.replace_all(_NEGATED_COMPLAINT, " ")
    elif label == "purchase_intent":
        texts = texts.str.replace_all(_NEGATED_PURCHASE, " ")
    elif label == "question":
        texts = texts.str.replace_all(_NOT_A_QUESTION, " ")
    hit: npt.NDArray[np.bool_] = texts.str.contains(cue_pattern(cues)).fill_null(False).to_numpy()
    return hit


@cache
def _join_literals(label: str, cues: tuple[str, ...]) -> tuple[str, ...] | None:
    """Literals one of which a text must contain for its rewrite (:func:`_label_hits`) to
    have a cue of ``label`` that the text itself has not; None when that cannot be bounded.

    A rewrite turns 不错 into 很好 (praise) and replaces negations by a space. The text left on
    either side keeps its cues and their word boundaries: a removed Latin negation starts with
    a word byte after a non-word one and ends before a non-word byte, a Chinese one starts and
    ends with Han characters. So a new cue must hold that space, and the words before it must
    end where the negation starts: after a non-word byte (Latin), or before 不 or 没 (Chinese).
    """
    literals = ["不错"] if label == "praise" else []
    for cue in cues:
        for k, ch in enumerate(cue):
            if ch != " ":
                continue
            head = cue[:k]
            if not head or not (head[-1].isascii() and _WORD_BYTE[ord(head[-1])]):
                return None
            literals.extend(head + han for han in _HAN_NEGATIONS)
    return tuple(literals)


def asks_nothing(texts: pl.Series) -> npt.NDArray[np.bool_]:
    """Does each text hold a Chinese question word that asks nothing (:data:`_NOT_A_QUESTION`:
    服务不怎么样, 去哪里都很方便)? The intent head learnt 怎么样 and 哪里 as question n-grams,
    so it can read one as a question that the cues do not see."""
    out = np.zeros(len(texts), dtype=bool)
    maybe = texts.str.contains(_NOT_A_QUESTION_TRIGGER).fill_null(False).to_numpy()
    rows = np.flatnonzero(maybe)
    if len(rows):
        hit = texts.gather(rows).str.contains(_NOT_A_QUESTION).fill_null(False).to_numpy()
        out[rows[hit]] = True
    return out


def negated_purchase(texts: pl.Series) -> npt.NDArray[np.bool_]:
    """Does each normalised text hold a purchase-intent cue only under a negator ("I will never
    come back", *gak mau beli lagi*, 不会再来): one the text has as written but not once its
    negations are removed (:data:`_NEGATED_PURCHASE`)."""
    out = np.zeros(len(texts), dtype=bool)
    bare = _without_marks(texts.cast(pl.String))
    rows = np.flatnonzero(bare.str.contains(_NEGATION_TRIGGER).fill_null(False).to_numpy())
    if len(rows):
        sub = bare.gather(rows)
        cues = INTENT_CUES["purchase_intent"]
        written = _label_hits(sub, "written", cues)
        out[rows[written & ~_label_hits(sub, "purchase_intent", cues)]] = True
    return out


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
    # the message of each clause, numbered in order (a message has one clause or more)
    message_of = np.cumsum(np.r_[True, clause_rows[1:] != clause_rows[:-1]]) - 1
    message = np.zeros((message_of[-1] + 1, clause.shape[1]), dtype=bool)
    has, label = np.divmod(np.flatnonzero(clause), clause.shape[1])
    message[message_of[has], label] = True
    return clause, message


def _label_matrix(
    texts: pl.Series, cues: tuple[tuple[str, tuple[str, ...]], ...]
) -> npt.NDArray[np.bool_]:
    """(n_texts, n_labels): does each text (no nulls) have an occurrence of a cue of each
    label, with the word boundaries the cue needs."""
    am = _automaton(cues)
    row, pattern = _matches(texts, am)
    # each occurrence sets the labels of its cue (most cues have one)
    count = am.count[pattern]
    ends = np.cumsum(count)
    nth = np.arange(len(ends) and ends[-1]) - np.repeat(ends - count, count)
    hits = np.zeros((len(texts), len(cues)), dtype=bool)
    hits[np.repeat(row, count), am.label[np.repeat(am.first[pattern], count) + nth]] = True
    return hits


def _without_marks(texts: pl.Series) -> pl.Series:
    """``texts`` without the opinion marks and the suffix nya (only the texts that have one
    are rewritten)."""
    marked = texts.str.contains("nya|lex").fill_null(False)
    if not marked.any():
        return texts
    rows = marked.arg_true()
    bare = texts.clone()
    bare.scatter(rows, texts.gather(rows).str.replace_all(_MARKS, "$1"))
    return bare


def cue_matrix(texts: pl.Series, cues: dict[str, tuple[str, ...]]) -> npt.NDArray[np.bool_]:
    """(n_texts, n_labels): does each normalised text contain a cue of each label.

    The opinion marks ``lexpos``/``lexneg`` of normalisation and the Indonesian suffix *nya*
    (``harganya``, ``harga nya``) are ignored; praise cues do not count after a negator
    (``tidak suka``, 不喜欢) and complaint cues not in a negated complaint (``tidak kecewa``).
    Chinese question words that ask nothing (不怎么, 去哪里都...: :data:`_NOT_A_QUESTION`) are
    not question cues. A null text has no cue.
    """
    out = np.zeros((len(texts), len(cues)), dtype=bool)
    if not len(texts) or not cues:
        return out
    bare = _without_marks(texts.cast(pl.String))
    # a label with an empty cue (or none) is left to its regex
    plain = tuple((k, c) for k, c in cues.items() if c and "" not in c)
    rewritten = {k: _join_literals(k, c) for k, c in plain if k in _REWRITTEN}
    # the literals a rewrite may join into a cue are found as the cues of extra labels
    joined = [(k, j) for k, j in rewritten.items() if j]
    hits = _label_matrix(bare.fill_null(""), plain + tuple((f"{k} joined", j) for k, j in joined))
    column = {k: j for j, k in enumerate(cues)}
    out[:, [column[k] for k, _ in plain]] = hits[:, : len(plain)]
    if rewritten:
        # a rewrite may change the reading of a clause with a negator, and only one with a cue
        # of its label as it is or a literal the rewrite may join into one
        may = {
            k: np.ones(len(texts), dtype=bool) if j is None else out[:, column[k]].copy()
            for k, j in rewritten.items()
        }
        for i, (k, _) in enumerate(joined):
            may[k] |= hits[:, len(plain) + i]
        rows = np.flatnonzero(np.logical_or.reduce(list(may.values())))
        sub = bare.gather(rows)
        negated = sub.str.contains(_NEGATION_TRIGGER).fill_null(False).to_numpy()
        rows, sub = rows[negated], sub.filter(negated)
        for k, c in plain:
            if k in rewritten:
                wanted = may[k][rows]
                out[rows[wanted], column[k]] = _label_hits(sub.filter(wanted), k, c)
    if "question" in column and "question" in dict(plain):
        # only a clause with a question cue and a Chinese question word can lose its cue
        q = column["question"]
        rows = np.flatnonzero(out[:, q])
        sub = bare.gather(rows)
        han = sub.str.contains(_NOT_A_QUESTION_TRIGGER).fill_null(False).to_numpy()
        out[rows[han], q] = _label_hits(sub.filter(han), "question", cues["question"])
    for k, c in cues.items():
        if not c or "" in c:
            out[:, column[k]] = _label_hits(bare, k, c)
    return out
