"""The enrichment batch API: an Arrow record batch in, the same batch with enrichment columns out.

``enrich_batch`` is a pure function of its inputs (and the model files), so the same call runs
in the CLI, in the store runner and inside Spark's ``mapInArrow``.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

from retailpulse.enrich.asking import asks, asks_in_chinese
from retailpulse.enrich.cues import CUE_LABELS, clause_cues
from retailpulse.enrich.embedding import embed
from retailpulse.enrich.entities import Catalog
from retailpulse.enrich.gate import gate_of, ngram_view, uncertain
from retailpulse.enrich.labels import aspects_of, intents_of
from retailpulse.enrich.language import detect, script_counts
from retailpulse.enrich.lexicon import SURPRISE_CUES, cue_pattern
from retailpulse.enrich.model import LinearModel, softmax
from retailpulse.enrich.scoring import Scores, score
from retailpulse.enrich.spam import spam_flags
from retailpulse.enrich.text import clause_lists, explode_clauses
from retailpulse.errors import InputError, MissingColumnError
from retailpulse.schema import ENRICHMENT_FIELDS

TASKS = ("language", "sentiment", "emotion", "intents", "aspects", "entities", "spam")
TIERS = ("fast", "accurate")
ENRICHMENT_COLUMNS = tuple(f.name for f in ENRICHMENT_FIELDS)

#: Version of the rules around the heads (cue lexicons, polarity and intent rules); part of
#: the stamp of stored enrichments (``runner.model_version``), so changing it re-enriches.
#: 7: the retailer's own names are masked out of what the opinion tasks read (names.py).
#: 8: a message's clauses are masked together (a name the clause split cut is masked in its
#: clauses); a short Chinese name must not cut a dictionary word (小王 in 小王子); ten or more
#: of the same digit (a review's padding) become three; "unhelpful", "never came back" and
#: their kin are complaint cues; purchase cues under a negator are none ("never come back").
RULES_VERSION = 8

#: Added to the negative (positive) sentiment score of a message with a complaint (praise)
#: cue; chosen on the shared *train* files (see the model card).
CUE_SHIFT = 1.0

#: Threads for the stages that need only the clauses (scoring, cues, scripts, entities, spam).
STAGE_THREADS = 2

_TYPES: dict[str, pa.DataType] = {
    "p_negative": pa.float64(),
    "p_neutral": pa.float64(),
    "p_positive": pa.float64(),
    "is_spam": pa.bool_(),
}


@cache
def load_model(model_dir: str | None = None, tier: str = "fast") -> LinearModel:
    """The model in ``model_dir``, or the tier's shipped one when ``None`` (cached); a folder
    whose model is of another tier than ``tier`` is an error."""
    check_tier(tier)
    model = LinearModel.load(model_dir, tier)
    if model.tier != tier:
        raise InputError(
            f"The model in {model_dir} is a '{model.tier}' tier model ({model.version}), not "
            f"'{tier}'. Pass --tier {model.tier}, or train a '{tier}' model with "
            f"`retailpulse train --tier {tier} --output DIR`.",
            field="tier",
        )
    return model


def check_tasks(tasks: Sequence[str] | None) -> tuple[str, ...]:
    """Validated task names (all when ``None``)."""
    if tasks is None:
        return TASKS
    bad = [t for t in tasks if t not in TASKS]
    if bad:
        raise InputError(
            f"The 'tasks' parameter of enrich_batch must be a subset of {set(TASKS)}. "
            f"Got {bad[0]!r} instead.",
            field="tasks",
        )
    return tuple(tasks)


def check_tier(tier: str) -> str:
    if tier not in TIERS:
        raise InputError(
            f"The 'tier' parameter of enrich_batch must be one of {set(TIERS)}. "
            f"Got {tier!r} instead.",
            field="tier",
        )
    return tier


def nothing_to_judge(normalised: pl.Series) -> npt.NDArray[np.bool_]:
    """Normalised messages with no text, or only links and mentions."""
    content = normalised.str.replace_all(r"(?-u:\b)(?:xurl|xmention)(?-u:\b)", "")
    out: npt.NDArray[np.bool_] = (content.str.strip_chars().str.len_bytes() == 0).to_numpy()
    return out


#: VADER entries that are not opinions in a shop's messages: the size L, "PO" (pre-order, in
#: Indonesian shops), "ready" (in stock, ready for pickup). Their marks stay in the features;
#: they are not evidence of an opinion.
NOT_OPINIONS = ("l", "po", "ready")
_NOT_OPINION_MARKS = rf"(?-u:\b)(?:{'|'.join(NOT_OPINIONS)}) lex(?:pos|neg)(?-u:\b)"


def _has_opinion(normalised: pl.Series) -> npt.NDArray[np.bool_]:
    """Does each normalised message have an emoji or an English opinion word (normalisation
    marks them with lexpos / lexneg), other than :data:`NOT_OPINIONS`."""
    frame = pl.DataFrame({"t": normalised}).select(
        pl.col("t")
        .str.replace_all(_NOT_OPINION_MARKS, "")
        .str.contains(r"emoji_|(?-u:\b)lex(?:pos|neg)(?-u:\b)")
        .alias("evidence")
    )
    out: npt.NDArray[np.bool_] = frame["evidence"].to_numpy()
    return out


#: Which language head judges a message's sentiment (ms and jv are closest to Indonesian).
SENTIMENT_HEAD_OF = {
    "en": "sentiment_en",
    "id": "sentiment_id",
    "ms": "sentiment_id",
    "jv": "sentiment_id",
    "zh": "sentiment_zh",
}


def _language_heads(
    model: LinearModel,
    s: Scores,
    language: list[str],
    p: npt.NDArray[np.float32],
    complaint: npt.NDArray[np.float32],
    praise: npt.NDArray[np.float32],
    shared_neutral: npt.NDArray[np.float32],
) -> None:
    """Replace ``p`` (in place) with the language heads' probabilities where a message's language
    has one. A three-class head replaces the row; a polarity head (negative, positive) keeps
    the shared head's neutral probability before its temperature (``shared_neutral``) and
    splits the rest. (The shared head's temperature is fitted on English and Indonesian rows,
    which have a neutral class; applied to Chinese reviews it moved probability into neutral
    and made them worse calibrated: ECE on the ChnSentiCorp valid texts not in train 0.052
    untempered, 0.125 with it, 0.038 with only the polarity split tempered.)"""
    langs = np.array(language, dtype=object)
    for lang, name in SENTIMENT_HEAD_OF.items():
        if name not in model.heads:
            continue
        rows = np.flatnonzero(langs == lang)
        if not len(rows):
            continue
        h = model.heads[name]
        z = s.message[rows, h.start : h.stop].copy()
        z[:, h.labels.index("negative")] += CUE_SHIFT * complaint[rows]
        z[:, h.labels.index("positive")] += CUE_SHIFT * praise[rows]
        q = softmax(z / h.temperature)
        if "neutral" in h.labels:
            p[rows] = q[:, [h.labels.index(lab) for lab in ("negative", "neutral", "positive")]]
        else:
            polar = 1.0 - shared_neutral[rows]
            p[rows, 1] = shared_neutral[rows]
            p[rows, 0] = polar * q[:, h.labels.index("negative")]
            p[rows, 2] = polar * q[:, h.labels.index("positive")]


def without_evidence(
    language: Sequence[str],
    normalised: pl.Series,
    cues: npt.NDArray[np.bool_],
    raw: pl.Series | None = None,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """(weak, asking, framed): the messages whose sentiment is neutral for want of evidence
    (no complaint or praise cue, no emoji, no English opinion word) in a message that is
    English or a short information question; those of them that are such a question
    (:mod:`retailpulse.enrich.asking`: "kapan dikirim kak?", 什么时候发货, "When will my order
    ship?"), whose aspects are asked about, not judged; and those of them in a shop-chat
    frame ("ada warna lain kak?", "bisa cod?"), which neither complain nor praise. A frame
    whose ``raw`` text repeats its marks ("ada orang gak???", "?!") is impatient, not a frame
    (normalisation keeps one mark)."""
    n = len(language)
    weak, asking, framed = (np.zeros(n, dtype=bool) for _ in range(3))
    evidence = cues[:, CUE_LABELS.index("complaint")] | cues[:, CUE_LABELS.index("praise")]
    english = np.array([lang == "en" for lang in language], dtype=bool)
    question = cues[:, CUE_LABELS.index("question")]
    # Chinese chat asks without a cue as often as with one: 有L码没, 包邮不？, 几号发货
    chinese = np.array([lang == "zh" for lang in language], dtype=bool) & ~question & ~evidence
    zh_rows = np.flatnonzero(chinese)
    if len(zh_rows):
        chinese[zh_rows] = asks_in_chinese(normalised.gather(zh_rows))
    rows = np.flatnonzero(~evidence & (english | question | chinese))
    if len(rows):
        text = normalised.gather(rows)
        plain = ~_has_opinion(text)
        ask = rows[plain & (question[rows] | chinese[rows])]
        if len(ask):
            repeated = None
            if raw is not None:
                marks = raw.gather(ask).cast(pl.String).str.contains(r"[?？!！]{2,}")
                repeated = marks.fill_null(False).to_numpy()
            asking[ask], framed[ask] = asks(normalised.gather(ask), repeated)
        weak[rows] = plain & english[rows]
    weak |= asking
    return weak, asking, framed


def _sentiment(
    model: LinearModel,
    s: Scores,
    language: list[str],
    empty: np.ndarray,
    cues: npt.NDArray[np.bool_],
    weak: npt.NDArray[np.bool_],
) -> tuple[list[str], npt.NDArray[np.float32]]:
    """Sentiment labels and probabilities; ``weak``: the messages without evidence
    (:func:`without_evidence`), whose probabilities are halved towards neutral, so neutral is
    the top label."""
    h = model.head("sentiment")
    z = s.message[:, h.start : h.stop].copy()
    complaint = cues[:, CUE_LABELS.index("complaint")].astype(np.float32)
    praise = cues[:, CUE_LABELS.index("praise")].astype(np.float32)
    # complaint cues raise the negative score, praise cues the positive one
    z[:, 0] += CUE_SHIFT * complaint
    z[:, 2] += CUE_SHIFT * praise
    p = softmax(z / h.temperature)
    shared_neutral = softmax(z)[:, 1] if h.temperature != 1.0 else p[:, 1].copy()
    _language_heads(model, s, language, p, complaint, praise, shared_neutral)
    p[weak] *= 0.5
    p[weak, 1] += 0.5
    p[empty] = (0.0, 1.0, 0.0)
    labels = np.array(h.labels, dtype=object)[p.argmax(axis=1)]
    return labels.tolist(), p


def _emotion(
    model: LinearModel, s: Scores, normalised: pl.Series, p_sent: np.ndarray, empty: np.ndarray
) -> list[str]:
    h = model.head("emotion")
    p = softmax(s.message[:, h.start : h.stop])
    labels = np.array(h.labels, dtype=object)[p.argmax(axis=1)]
    neutral = (p_sent.argmax(axis=1) == 1) & (p.max(axis=1) < 0.5)
    labels[neutral | empty] = "none"
    surprise = pl.DataFrame({"t": normalised}).select(
        pl.col("t").str.contains(cue_pattern(SURPRISE_CUES))
    )
    labels[surprise.to_series().to_numpy() & ~empty] = "surprise"
    out: list[str] = labels.tolist()
    return out


def _opinions(
    cols: dict[str, pl.Series],
    want: set[str],
    m: LinearModel,
    s: Scores,
    language: list[str],
    normalised: pl.Series,
    empty: npt.NDArray[np.bool_],
    clause_cue: npt.NDArray[np.bool_],
    message_cue: npt.NDArray[np.bool_],
    weak: npt.NDArray[np.bool_],
    asking: npt.NDArray[np.bool_],
    framed: npt.NDArray[np.bool_],
    p_sentiment: npt.NDArray[np.float32] | None = None,
) -> None:
    """Sentiment, emotion, aspects and intents of the wanted tasks, added to ``cols``
    (``p_sentiment``: the sentiment probabilities when the caller has them already)."""
    if p_sentiment is None:
        p = _sentiment(m, s, language, empty, message_cue, weak)[1]
    else:
        p = p_sentiment
    sentiment = p.argmax(axis=1)
    if "sentiment" in want:
        labels = np.array(m.head("sentiment").labels, dtype=object)[sentiment].tolist()
        cols["sentiment"] = pl.Series(labels, dtype=pl.String)
        cols["p_negative"] = pl.Series(p[:, 0].astype(np.float64))
        cols["p_neutral"] = pl.Series(p[:, 1].astype(np.float64))
        cols["p_positive"] = pl.Series(p[:, 2].astype(np.float64))
    if "emotion" in want:
        cols["emotion"] = pl.Series(_emotion(m, s, normalised, p, empty), dtype=pl.String)
    if {"intents", "aspects"} & want:
        aspects = aspects_of(
            m, s, len(normalised), sentiment, clause_cue, asking, framed, normalised
        )
        if "aspects" in want:
            cols["aspects"] = _blank(aspects, empty)
        if "intents" in want:
            intents = intents_of(m, s, message_cue, sentiment, aspects, normalised, framed)
            cols["intents"] = _blank(intents, empty)


def _gated(
    m: LinearModel,
    gate: dict[str, float],
    s: Scores,
    raw: pl.Series,
    want: set[str],
    language: list[str],
    normalised: pl.Series,
    empty: npt.NDArray[np.bool_],
    message_cue: npt.NDArray[np.bool_],
    weak: npt.NDArray[np.bool_],
) -> npt.NDArray[np.float32]:
    """The accurate tier's sentiment probabilities with the encoder run only on the messages
    the n-gram heads are unsure of (:mod:`retailpulse.enrich.gate`); the others keep the
    n-gram answer, their emotion scores too (written into ``s``)."""
    view = ngram_view(m)
    p_ngram = _sentiment(view, s, language, empty, message_cue, weak)[1]
    top_emotion = None
    if "emotion" in want:
        e = view.head("emotion")
        top_emotion = softmax(s.message[:, e.start : e.stop]).max(axis=1)
    unsure = uncertain(gate, p_ngram.max(axis=1), top_emotion, empty)
    rows = np.flatnonzero(unsure)
    if not len(rows):
        p_embedded = p_ngram
    else:
        assert m.embedding is not None
        # the twins' embedding weights are zero: only the heads that read it move
        texts = raw.gather(rows).to_list()
        s.message[rows] += embed(texts, encoder=m.embedding.encoder) @ m.embedding.weights
        p_embedded = _sentiment(m, s, language, empty, message_cue, weak)[1]
    keep = ~unsure
    e, twin = m.head("emotion"), view.head("emotion")
    s.message[keep, e.start : e.stop] = s.message[keep, twin.start : twin.stop]
    out: npt.NDArray[np.float32] = np.where(keep[:, None], p_ngram, p_embedded)
    return out


def _blank(values: list[str], empty: npt.NDArray[np.bool_]) -> pl.Series:
    """``values`` as a string column, ``""`` where the message is empty."""
    return pl.Series(values, dtype=pl.String).set(pl.Series(empty), "")


def _with_masked_clauses(
    cl: pl.DataFrame, clause_rows: list[int], masked: list[str]
) -> pl.DataFrame:
    """The clause frame ``cl`` with ``masked`` in the clause rows ``clause_rows``. A clause the
    mask emptied (it was a name: "Rina. ok", "J.Co!!!") goes, as the clause split drops empty
    clauses, so the message scores as it would without the name; a message left with no clause
    keeps one empty clause, as an empty message has."""
    out = cl.with_columns(cl["clause"].clone().scatter(clause_rows, pl.Series(masked)))
    emptied = [r for r, c in zip(clause_rows, masked, strict=True) if not c]
    if not emptied:
        return out
    rows = cl["row"].to_numpy()
    drop = np.zeros(len(cl), dtype=bool)
    drop[emptied] = True
    left = np.bincount(rows[~drop], minlength=int(rows[-1]) + 1) > 0
    first = np.r_[True, rows[1:] != rows[:-1]]
    drop[first & ~left[rows]] = False
    return out.filter(pl.Series(~drop))


def enrich_texts(
    texts: pl.Series | Sequence[str | None],
    *,
    tier: str = "fast",
    tasks: Sequence[str] | None = None,
    catalog: Catalog | None = None,
    model: LinearModel | None = None,
    model_dir: str | Path | None = None,
    embed_all: bool = False,
) -> pl.DataFrame:
    """The enrichment columns (:data:`ENRICHMENT_COLUMNS`) for raw message texts.

    The accurate tier embeds only the messages its n-gram heads are unsure of
    (:mod:`retailpulse.enrich.gate`); ``embed_all`` embeds every message."""
    check_tier(tier)
    wanted = check_tasks(tasks)
    raw = texts if isinstance(texts, pl.Series) else pl.Series("text", list(texts), pl.String)
    raw = raw.cast(pl.String)
    n = len(raw)
    m = model or load_model(None if model_dir is None else str(model_dir), tier)
    cols: dict[str, pl.Series] = {}
    lists = clause_lists(raw)
    cl = explode_clauses(lists)
    # the normalised message is its normalised clauses, joined
    normalised = lists["normalised"]
    want = set(wanted)
    # a message's language picks its sentiment head, and its sentiment decides emotion, intents
    # and aspect polarity: every opinion task needs the language
    need_cues = bool(n and {"sentiment", "emotion", "intents", "aspects"} & want)
    need_language = bool(n and "language" in want) or need_cues
    matcher = None
    if "entities" in want:
        matcher = catalog if catalog is not None and not catalog.is_empty else Catalog()
    # what the opinion tasks read: the text without the retailer's own names (names.py);
    # entities and spam read the whole text
    opinion_raw, opinion_cl, opinion_text = raw, cl, normalised
    if need_cues and catalog is not None and not catalog.is_empty:
        mask = catalog.name_mask()
        opinion_text, named = mask.mask_messages(normalised)
        if named:
            # (a message's clauses are masked together: a name the split cut is still a name)
            clause_rows = np.flatnonzero(np.isin(cl["row"].to_numpy(), named)).tolist()
            opinion_cl = _with_masked_clauses(
                cl, clause_rows, mask.mask_clauses(lists["clauses"], named)
            )
            if m.embedding is not None:
                opinion_raw = mask.mask_raw(raw, named)
    # the stages below need only the clauses: they run side by side (Polars, NumPy and SciPy
    # release the GIL), only the tasks asked for
    with ThreadPoolExecutor(max_workers=STAGE_THREADS) as pool:
        scores = (
            pool.submit(score, m, opinion_raw, opinion_cl) if need_language or need_cues else None
        )
        # the accurate tier's sentence embeddings (the encoder runs its own BLAS threads)
        # (sentiment also decides intents and aspect polarity, so any of those tasks needs it)
        # (a gated model embeds later, once the n-gram heads have said which messages need it)
        gate = None if embed_all else gate_of(m)
        embedded = (
            pool.submit(embed, opinion_raw.to_list(), encoder=m.embedding.encoder)
            if m.embedding is not None and need_cues and gate is None
            else None
        )
        # in the order they are needed: language first, cues next, entities and spam at the end
        scripts = pool.submit(script_counts, raw) if need_language else None
        rows = opinion_cl["row"].to_numpy()
        cues = pool.submit(clause_cues, opinion_cl["clause"], rows, n) if need_cues else None
        entities = pool.submit(matcher.match, normalised, raw) if matcher is not None else None
        spam = pool.submit(spam_flags, raw, normalised) if "spam" in want else None
        empty = nothing_to_judge(opinion_text)
        s = scores.result() if scores is not None else None
        if s is not None and embedded is not None and m.embedding is not None:
            s.message += embedded.result() @ m.embedding.weights
        language: list[str] = ["unknown"] * n
        if s is not None and scripts is not None:
            lh = m.head("language")
            p_en = softmax(s.message[:, lh.start : lh.stop])[:, lh.labels.index("en")]
            language, script = detect(raw, p_en, scripts.result())
            if "language" in want:
                cols["language"] = pl.Series(language, dtype=pl.String)
                cols["script"] = pl.Series(script, dtype=pl.String)
        if s is not None and cues is not None:
            clause_cue, message_cue = cues.result()
            weak, asking, framed = without_evidence(
                language, opinion_text, message_cue, opinion_raw
            )
            p_sentiment = None
            if gate is not None:
                p_sentiment = _gated(
                    m, gate, s, opinion_raw, want, language, opinion_text, empty, message_cue, weak
                )
            _opinions(
                cols,
                want,
                m,
                s,
                language,
                opinion_text,
                empty,
                clause_cue,
                message_cue,
                weak,
                asking,
                framed,
                p_sentiment,
            )
        if entities is not None:
            cols["entities"] = pl.Series(entities.result(), dtype=pl.String)
        if spam is not None:
            cols["is_spam"] = spam.result()
    out = {}
    for name in ENRICHMENT_COLUMNS:
        dtype = (
            pl.Boolean if name == "is_spam" else pl.Float64 if name.startswith("p_") else pl.String
        )
        out[name] = cols[name].alias(name) if name in cols else pl.Series(name, [None] * n, dtype)
    return pl.DataFrame(out)


def _text_array(batch: pa.RecordBatch, text_column: str) -> pl.Series:
    if text_column not in batch.schema.names:
        raise MissingColumnError(
            f"The input has no '{text_column}' column (columns: "
            f"{', '.join(batch.schema.names) or 'none'}). Pass --text-column / text_column "
            "with the name of the column that holds the message text.",
            field=text_column,
        )
    col = batch.column(text_column)
    if pa.types.is_binary(col.type) or pa.types.is_large_binary(col.type):
        values = [None if v is None else v.decode("utf-8", "replace") for v in col.to_pylist()]
        return pl.Series("text", values, dtype=pl.String)
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        col = col.cast(pa.string())
    series = pl.from_arrow(col)
    assert isinstance(series, pl.Series)
    return series


def enrich_batch(
    batch: pa.RecordBatch,
    *,
    text_column: str = "text",
    tier: str = "fast",
    tasks: Sequence[str] | None = None,
    catalog: Catalog | None = None,
    model_dir: str | Path | None = None,
    embed_all: bool = False,
) -> pa.RecordBatch:
    """``batch`` with the enrichment columns added (an input column of the same name, such as a
    declared ``language``, is replaced by the detected one); ``embed_all`` as in
    :func:`enrich_texts`."""
    texts = _text_array(batch, text_column)
    enriched = enrich_texts(
        texts, tier=tier, tasks=tasks, catalog=catalog, model_dir=model_dir, embed_all=embed_all
    )
    arrays = [batch.column(i) for i in range(batch.num_columns)]
    names = list(batch.schema.names)
    for name in ENRICHMENT_COLUMNS:
        arr = enriched[name].to_arrow().cast(_TYPES.get(name, pa.string()))
        if name in names:
            arrays[names.index(name)] = arr
        else:
            names.append(name)
            arrays.append(arr)
    return pa.RecordBatch.from_arrays(arrays, names=names)
