"""Normalisation of message text for analysis (the original text is always kept as it was).

Every step is a vectorised Polars string expression, so a batch of 100,000 messages is
normalised in Rust without a Python loop; a large batch is cut in parts that run on parallel
threads. Steps are fused where the result is provably the same (one regex for all 26 letter
elongations, one for punctuation and whitespace, the character table in the first word-pattern
pass, words replaced on single-spaced text in two passes); ``tests/enrich/test_text.py`` holds
the fused chain, and :func:`clause_lists`' cheaper clause marks, to the step-by-step one. The
cost of a regex pass is mostly its number of matches, so passes avoid matching text that stays
as it is (a single space, a space already before a token):

1. NUL bytes and other control characters become spaces; text is cut to
   :data:`MAX_ANALYSED_CHARS` characters (the original is untouched).
2. Lower case; URLs become ``xurl``, @mentions ``xmention``; a hashtag keeps its word.
3. Each emoji is kept and followed by its name as one token (``😍`` → ``😍 emoji_smiling_face_
   with_heart_eyes``), so both the symbol and its meaning reach the models.
4. Elongations are shortened: three or more of the same letter become one (``bagusss`` →
   ``bagus``, ``sooo`` → ``so``); ``!!!`` becomes ``!``; padding of ten or more of the same
   digit (ASCII or full-width) becomes three (``1111111111111`` → ``111``).
5. Traditional Chinese characters are mapped to simplified ones (OpenCC's character table).
6. Indonesian slang and abbreviations are expanded (``gak`` → ``tidak``, ``bgt`` → ``banget``,
   ``yg`` → ``yang``...). Negations are never dropped: ``gak``/``ga``/``tdk``/``nggak`` all become
   ``tidak``, ``blm`` becomes ``belum``; 不 and 没 are untouched. English opinion words (VADER's
   lexicon, MIT) are followed by ``lexpos`` or ``lexneg``.
7. Punctuation other than ``!`` and ``?`` becomes a space; ``!`` and ``?`` are tokens of their own.
8. A negated complaint is read as what it means (:mod:`retailpulse.enrich.negated`): ``not
   disappointed``, ``no complaints`` and ``no regrets`` become ``satisfied``, ``not bad``
   ``good``, ``tidak kecewa`` / ``gak nyesel`` ``puas``, 没有让我失望 / 不后悔 满意. A linear
   model on n-grams otherwise reads the complaint word and misses the negation.
"""

from __future__ import annotations

import json
import os
import re
import string
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from importlib import resources

import emoji
import polars as pl

from retailpulse.enrich.negated import read_in_normalised

#: Characters of a message that are analysed; longer texts are cut (kept whole in the output).
MAX_ANALYSED_CHARS = 2_000

#: Indonesian (and some Malay / Javanese) slang and abbreviations, expanded before analysis.
SLANG: dict[str, str] = {
    "gak": "tidak",
    "ga": "tidak",
    "gk": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "enggak": "tidak",
    "engga": "tidak",
    "tdk": "tidak",
    "tak": "tidak",
    "kagak": "tidak",
    "ndak": "tidak",
    "gada": "tidak ada",
    "gaada": "tidak ada",
    "blm": "belum",
    "blom": "belum",
    "bgt": "banget",
    "bngt": "banget",
    "yg": "yang",
    "dgn": "dengan",
    "dg": "dengan",
    "utk": "untuk",
    "untk": "untuk",
    "krn": "karena",
    "karna": "karena",
    "kak": "kakak",
    "kk": "kakak",
    "sy": "saya",
    "aku": "saya",
    "gw": "saya",
    "gue": "saya",
    "sdh": "sudah",
    "udh": "sudah",
    "udah": "sudah",
    "dah": "sudah",
    "lg": "lagi",
    "jg": "juga",
    "aja": "saja",
    "aj": "saja",
    "bs": "bisa",
    "bisa2": "bisa",
    "tp": "tapi",
    "tpi": "tapi",
    "klo": "kalau",
    "kalo": "kalau",
    "sm": "sama",
    "dr": "dari",
    "trs": "terus",
    "bener": "benar",
    "abis": "habis",
    "cepet": "cepat",
    "dapet": "dapat",
    "ilang": "hilang",
    "nyampe": "sampai",
    "nyampai": "sampai",
    "sampe": "sampai",
    "telpon": "telepon",
    "bnr": "benar",
    "emg": "memang",
    "emang": "memang",
    "knp": "kenapa",
    "gmn": "gimana",
    "gmna": "gimana",
    "brp": "berapa",
    "hrg": "harga",
    "hrga": "harga",
    "brg": "barang",
    "mantul": "mantap betul",
    "mantab": "mantap",
    "ok": "oke",
    "okay": "oke",
    "thx": "thanks",
    "tq": "terima kasih",
    "makasih": "terima kasih",
    "mksh": "terima kasih",
    "pls": "please",
    "plz": "please",
    "u": "you",
    "ur": "your",
    "dont": "don't",
    "cant": "can't",
    "wont": "won't",
    "didnt": "didn't",
    "doesnt": "doesn't",
    "isnt": "isn't",
}

_URL = r"(?:https?://|www\.)\S+"
_MENTION = r"@[\w.]+"
_HASHTAG = r"#(\w+)"


_NON_WORD = re.compile(r"\W")


@cache
def emoji_names() -> dict[str, str]:
    """Each emoji mapped to itself followed by its name as one token."""
    out: dict[str, str] = {}
    for symbol, data in emoji.EMOJI_DATA.items():
        name = _NON_WORD.sub("_", str(data.get("en", "")).strip(":").lower())
        out[symbol] = f" {symbol} emoji_{name} "
    return out


_EMOJI_CHAR = r"[\p{Extended_Pictographic}\p{Regional_Indicator}\p{Emoji_Modifier}\x{20e3}]"
_EMOJI_GLUE = frozenset("\u200d\ufe0f\ufe0e")


@cache
def _emoji_chars() -> dict[str, frozenset[str]]:
    return {symbol: frozenset(symbol) - _EMOJI_GLUE for symbol in emoji_names()}


def _present_emoji(series: pl.Series) -> dict[str, str]:
    """The emoji-name map restricted to emoji whose characters occur in ``series``."""
    # every emoji character is outside ASCII: only the other texts are searched
    candidates = series.filter(series.str.len_bytes() != series.str.len_chars())
    found = candidates.str.extract_all(_EMOJI_CHAR).explode().drop_nulls().unique()
    present = set(found.to_list())
    if not present:
        return {}
    names = emoji_names()
    return {sym: names[sym] for sym, chars in _emoji_chars().items() if chars <= present}


@cache
def traditional_to_simplified() -> dict[str, str]:
    """OpenCC's traditional → simplified character table (MIT/Apache-2.0, via opencc-purepy)."""
    ref = resources.files("retailpulse.enrich").joinpath("data/t2s_chars.json")
    data: dict[str, str] = json.loads(ref.read_text(encoding="utf-8"))
    return data


@cache
def opinion_lexicon() -> dict[str, float]:
    """English opinion words with their valence (VADER lexicon entries with |valence| >= 1)."""
    ref = resources.files("retailpulse.enrich").joinpath("data/opinion_en.tsv")
    out: dict[str, float] = {}
    for line in ref.read_text(encoding="utf-8").splitlines():
        word, _, value = line.partition("\t")
        if word and value:
            out[word] = float(value)
    return out


@cache
def _word_patterns() -> dict[str, str]:
    # Tokens are separated by two spaces at this step, so " ga " patterns never overlap.
    # English opinion words get a polarity token after them (``lexpos`` / ``lexneg``), which
    # lets the linear heads generalise from frequent opinion words to rare ones.
    out = {
        f" {w} ": f" {w} {'lexpos' if v > 0 else 'lexneg'} " for w, v in opinion_lexicon().items()
    }
    out.update({f" {k} ": f" {v} " for k, v in SLANG.items()})
    return out


def _separator_run(token_chars: str) -> str:
    """A run of characters that are not part of a token (punctuation and whitespace), unless
    it is a single space: a run starting with another character, or a space followed by more."""
    return rf"[^{token_chars} ][^{token_chars}]*| [^{token_chars}]+"


_TOKEN_CHARS = r"\w!?'\p{So}\p{Sk}\u200d\ufe0f"
_SEPARATOR_RUN = _separator_run(_TOKEN_CHARS)
#: The same with :data:`_SHORT_MARK` kept as a token.
_SEPARATOR_RUN_MARKED = _separator_run(_TOKEN_CHARS + "\x1d")

#: Joins a replaced word to the next token between the two word passes (control characters
#: are gone by then, so it occurs nowhere else).
_JOIN = "\x1f"


@cache
def _word_passes() -> tuple[dict[str, str], dict[str, str]]:
    """:func:`_word_patterns` as two passes over text with one space between tokens.

    With one space between tokens a match ``" w "`` takes the space before the next token, so
    a word right after a replaced one is missed. The first pass replaces ``" w "`` by ``" v"``
    and :data:`_JOIN` (``v`` is the value without its edge spaces); the words it missed are
    exactly those right after a :data:`_JOIN` and followed by a space (their own, or the first
    character of the next value), which the second pass replaces. Every :data:`_JOIN` left
    then becomes a space.
    """
    first: dict[str, str] = {}
    second: dict[str, str] = {}
    for pattern, value in _word_patterns().items():
        first[pattern] = f" {value.strip()}{_JOIN}"
        second[f"{_JOIN}{pattern[1:]}"] = value
    return first, second


#: Three or more of the same ASCII letter (one alternative per letter, as the regex engine has
#: no back-references); replaced by the letter, in one pass instead of one per letter. In the
#: same pass, ten or more of the same digit, ASCII or full-width (padding, as in
#: "这本书很好，1111111111111111...": a review site's minimum length), become three: the
#: padding's n-grams outweighed the review's (that one read neutral at 0.99). A number is
#: seldom written so (ten zeros after a one are ten billion, and become "1000").
_PADDING_RUN = 10
_PADDING_KEPT = 3
_PADDING_DIGITS = string.digits + "０１２３４５６７８９"
_ELONGATED = "|".join(
    [f"({ch}){ch}{ch}+" for ch in string.ascii_lowercase]
    + [f"({d}){d}{{{_PADDING_RUN - 1},}}" for d in _PADDING_DIGITS]
)
_ELONGATED_TO = "".join(
    [f"${{{i + 1}}}" for i in range(len(string.ascii_lowercase))]
    + [
        f"${{{len(string.ascii_lowercase) + i + 1}}}" * _PADDING_KEPT
        for i in range(len(_PADDING_DIGITS))
    ]
)

#: Batches larger than this are normalised in parts, at most :data:`PARALLEL_PARTS` of them.
PARALLEL_ROWS = 2_000
PARALLEL_PARTS = max(os.cpu_count() or 1, 1)

#: Clause mark inserted by ``normalise_expr(..., clauses=True)``; split on it afterwards.
CLAUSE_MARK = "xclause"
#: The clause mark of :func:`clause_lists`: one character instead of seven is less text for
#: every later pass (a control character: the first step turned all of those into spaces).
_SHORT_MARK = "\x1d"
_CLAUSE_RUN = r"[.;,。；，！!?？\n]+"
#: The clause punctuation that becomes a space (``_QUIET``) and that becomes a ``!`` or ``?``
#: token (``_LOUD``); :func:`_mark_clauses` treats them apart.
_QUIET = r"[.;,。；，！\n]"
_LOUD = r"[!?？]"
#: Stands for quiet punctuation right before loud punctuation (a control character: the
#: first step turned all of those into spaces, so it occurs nowhere else).
_HUSH = "\x1e"
_CLAUSE_WORDS = r"(?-u:\b)(but|however|tapi|tetapi|namun|padahal)(?-u:\b)|(但是|可是|不过|但)"


def normalise_expr(
    expr: pl.Expr,
    *,
    clauses: bool = False,
    emoji_map: dict[str, str] | None = None,
    t2s_map: dict[str, str] | None = None,
) -> pl.Expr:
    """The normalisation steps as one Polars expression over a string column.

    With ``clauses=True`` the result carries :data:`CLAUSE_MARK` between clauses (after
    sentence punctuation and before contrast words such as *but*, *tapi*, 但是). ``emoji_map``
    and ``t2s_map`` default to the full tables; :func:`normalise` passes only the emoji whose
    characters occur in the batch, which is much faster to build (the character table is
    cheap: one character per entry).
    """
    return _normalise_chain(expr, clauses=clauses, emoji_map=emoji_map, t2s_map=t2s_map)


def _normalise_chain(
    expr: pl.Expr,
    *,
    clauses: bool,
    emoji_map: dict[str, str] | None,
    t2s_map: dict[str, str] | None,
    short_marks: bool = False,
) -> pl.Expr:
    """:func:`normalise_expr`; with ``short_marks`` (for :func:`clause_lists`) the clause mark
    is :data:`_SHORT_MARK` and may repeat where only an empty clause comes between, which
    takes fewer regex matches."""
    emoji_map = emoji_names() if emoji_map is None else emoji_map
    t2s_map = traditional_to_simplified() if t2s_map is None else t2s_map
    e = (
        expr.fill_null("")
        .str.replace_all(r"[\x00-\x08\x0b-\x1f\x7f\ufffd]", " ")
        .str.slice(0, MAX_ANALYSED_CHARS)
        .str.to_lowercase()
        .str.replace_all(_URL, " xurl ")
        .str.replace_all(_MENTION, " xmention ")
        .str.replace_all(_HASHTAG, " $1 ")
    )
    if clauses:
        e = _mark_clauses(e, exact=not short_marks)
        mark = _SHORT_MARK if short_marks else CLAUSE_MARK
        e = e.str.replace_all(_CLAUSE_WORDS, f" {mark} $0")
    if emoji_map:
        e = e.str.replace_many(emoji_map, leftmost=True)
    e = e.str.replace_all(_ELONGATED, _ELONGATED_TO)
    # (a space after a run is taken: the run's own spaces replace it, one run less for the
    # punctuation step below)
    e = e.str.replace_all(r"!+ ?", " ! ").str.replace_all(r"[?？]+ ?", " ? ")
    merged = _merges_with_words(t2s_map)
    if t2s_map and not merged:
        e = e.str.replace_many(t2s_map)
    # other punctuation and whitespace become one space per run: only single spaces between
    # tokens are left, so runs that already are one space are not matched (most of the runs)
    e = e.str.replace_all(_SEPARATOR_RUN_MARKED if short_marks else _SEPARATOR_RUN, " ")
    e = pl.lit(" ") + e + pl.lit(" ")
    # word patterns " w " in two passes (see _word_passes), the first one also mapping
    # traditional characters when it can (see _merges_with_words); then the one or two spaces
    # at the ends are removed
    if not merged:
        first = _literal_map("words")
    elif t2s_map is traditional_to_simplified():
        first = _literal_map("t2s+words")
    else:
        first = _as_literals(t2s_map | _word_passes()[0])
    # with short marks, the second pass also turns a CLAUSE_MARK of the message's own into one
    # (it splits as in normalise_expr; no word pattern holds it)
    second = _literal_map("words, second pass" + (", marks" if short_marks else ""))
    # (leftmost-first finds the same matches as the default here, faster: a word pattern is
    # ASCII and a character key is not, so they never overlap, and of two word patterns that
    # overlap, the one that starts first also ends first)
    e = e.str.replace_many(*first, leftmost=True).str.replace_many(*second)
    e = read_in_normalised(e.str.replace_all(_JOIN, " ", literal=True))
    return e.str.strip_chars()


def _mark_clauses(e: pl.Expr, *, exact: bool) -> pl.Expr:
    """A clause mark after every run of clause punctuation.

    ``exact``: one :data:`CLAUSE_MARK` after each run (the run and a space after it kept, the
    space moved before the mark). Otherwise three passes that leave fewer runs for the
    punctuation step:
    quiet punctuation right before loud punctuation becomes :data:`_HUSH` (keeping the
    ``!``/``?`` tokens of the run together), every other run of quiet punctuation becomes a
    mark (it is at the end of its run, so only an empty clause can come between this mark and
    the run's own), and the rest of each run (loud punctuation and :data:`_HUSH`) gets its mark
    (:data:`_SHORT_MARK`).
    """
    if exact:
        return e.str.replace_all(f"{_CLAUSE_RUN} ?", f"${{0}}{CLAUSE_MARK} ")
    return (
        e.str.replace_all(f"{_QUIET}+({_LOUD})", f"{_HUSH}${{1}}")
        .str.replace_all(f"{_QUIET}+ ?", f" {_SHORT_MARK} ")
        .str.replace_all(f"[!?？{_HUSH}]+ ?", f"${{0}}{_SHORT_MARK} ")
    )


def _as_literals(mapping: dict[str, str]) -> tuple[pl.Expr, pl.Expr]:
    """``mapping``'s keys and values as the two list literals ``str.replace_many`` takes."""
    keys = pl.Series(list(mapping), dtype=pl.String).implode()
    values = pl.Series(list(mapping.values()), dtype=pl.String).implode()
    return pl.lit(keys), pl.lit(values)


@cache
def _literal_map(name: str) -> tuple[pl.Expr, pl.Expr]:
    """The fixed maps of the word passes as literals, built once (a 10,000-entry map takes
    milliseconds to convert)."""
    first, second = _word_passes()
    maps = {
        "words": first,
        "t2s+words": traditional_to_simplified() | first,
        "words, second pass": second,
        "words, second pass, marks": second | {CLAUSE_MARK: _SHORT_MARK},
    }
    return _as_literals(maps[name])


def _merges_with_words(t2s_map: dict[str, str]) -> bool:
    """Whether the character map can run in the first word pass instead of its own pass.

    It can when every key and value is one non-ASCII word character (as in OpenCC's table):
    the steps in between (elongations, ``!``/``?``, punctuation to space) neither change nor
    depend on such characters, and they cannot overlap a word pattern, which is ASCII.
    """
    if not t2s_map:
        return False
    if t2s_map is traditional_to_simplified():
        return _default_t2s_merges()
    return _single_word_chars(t2s_map)


@cache
def _default_t2s_merges() -> bool:
    return _single_word_chars(traditional_to_simplified())


def _single_word_chars(mapping: dict[str, str]) -> bool:
    chars = pl.Series([*mapping, *mapping.values()], dtype=pl.String)
    ok = chars.str.contains(r"^\w$") & (chars.str.len_bytes() > 1)
    return bool(ok.all())


def normalise(texts: pl.Series | Sequence[str | None]) -> pl.Series:
    """Normalised analysis text for each message (see the module docstring)."""
    series = (
        texts if isinstance(texts, pl.Series) else pl.Series("text", list(texts), dtype=pl.String)
    )
    series = series.cast(pl.String).fill_null("")
    expr = normalise_expr(pl.col("t"), emoji_map=_present_emoji(series))
    return pl.DataFrame({"t": series}).select(expr).to_series()


def clause_lists(texts: pl.Series) -> pl.DataFrame:
    """Per message: ``clauses`` (its non-empty normalised clauses, a list) and ``normalised``
    (those clauses joined by a space, the message's analysis text)."""
    series = texts.cast(pl.String).fill_null("")
    emoji_map = _present_emoji(series)
    # clauses are marked with _SHORT_MARK, which may repeat where only an empty clause comes
    # between: the same clauses as splitting normalise_expr(..., clauses=True) on CLAUSE_MARK
    expr = _normalise_chain(
        pl.col("t"), clauses=True, emoji_map=emoji_map, t2s_map=None, short_marks=True
    )
    stripped = pl.element().str.strip_chars()
    parts = expr.str.split(_SHORT_MARK).list.eval(stripped.filter(stripped.str.len_bytes() > 0))
    frame = pl.DataFrame({"t": series})
    # one expression chain runs on one thread: cut a large batch in parts that run in parallel
    step = max(PARALLEL_ROWS, -(-len(frame) // PARALLEL_PARTS))

    def run(part: pl.DataFrame) -> pl.DataFrame:
        return part.select(parts.alias("clauses")).with_columns(
            pl.col("clauses").list.join(" ").alias("normalised")
        )

    pieces = [frame.slice(a, step) for a in range(0, max(len(frame), 1), step)]
    if len(pieces) == 1:
        return run(frame)
    with ThreadPoolExecutor(max_workers=len(pieces)) as pool:  # Polars releases the GIL
        return pl.concat(list(pool.map(run, pieces)))


def explode_clauses(lists: pl.DataFrame) -> pl.DataFrame:
    """The clause frame of :func:`clauses` from :func:`clause_lists`' output."""
    return (
        lists.select(pl.col("clauses").alias("clause"))
        .with_row_index("row")
        .explode("clause", empty_as_null=True)  # a message without a clause keeps one row
        .with_columns(pl.col("clause").fill_null(""))
    )


def clauses(texts: pl.Series) -> pl.DataFrame:
    """Messages cut into normalised clauses: columns ``row`` (message index) and ``clause``.

    Every message has at least one clause (an empty one when it has no text).
    """
    return explode_clauses(clause_lists(texts))
