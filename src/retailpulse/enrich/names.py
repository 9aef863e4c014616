"""The retailer's own names, masked out of what the opinion heads read.

A staff member's, a store's or a product's name is not an opinion, but its n-grams lean one way
or the other in the training texts. With twenty common Indonesian names, the fast tier read
"Mbak {name} di toko Sudirman ramah banget!" ("{name} at the Sudirman store is so friendly!")
as a negative complaint with 7 of them and as neutral with 4 more, and "Kasir {name} judes
banget, gak mau senyum" ("cashier {name} is so grumpy, won't even smile") as positive with 7
(the accurate tier: 9); an opinion word that is also a name ("Grace") made a complaint about
Grace praise. The heads cannot know which words are names; the retailer's catalog does
(:class:`~retailpulse.enrich.entities.Catalog`).

:class:`NameMask` removes the retailer's own names (products, stores, staff; not competitors)
from the normalised text that the heads, the cue words and the opinion-word rule read, and from
the raw text that the accurate tier's sentence encoder reads. Entities are still found in the
unmasked text. What is kept:

* the place nouns of a store's name (*toko*, "store", 分店): "Toko Sudirman" still speaks of a
  store;
* a one-word name that is also a word of its own: a cue word, an English opinion word, or a
  word common in the training texts (``data/common_words.txt``: *Bagus* "good", *Indah*
  "beautiful", *Untung* "lucky", 高兴 "happy"; "Grace", "Joy"). Masking it everywhere would take
  the word from every message that means it. A staff member's such name is masked after a title
  only (*Mas Bagus*, "Ms Grace"), and a longer alias the retailer gave ("Grace Tan") is masked
  as a whole. A store named *Toko Murah* ("cheap shop") is not masked at all.

Aliases match as whole words (normalised: lower case, punctuation apart; the opinion marks
``lexpos``/``lexneg`` that normalisation adds after an English opinion word are skipped).
Chinese has no spaces: a Chinese alias matches anywhere, except that a short one (three
characters or fewer: 小王, 李姐) must not cut a word of jieba's dictionary (rjieba, without
its guesses at unknown words), so 小王 is not found in 小王子 ("The Little Prince"), 小黄 in
小黄瓜 ("cucumber") or 小周 in 小周末 ("a short weekend"). Near misses (typos) are found as
entities but not masked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cache
from importlib import resources

import ahocorasick_rs
import numpy as np
import polars as pl

from retailpulse.enrich.cues import cue_matrix
from retailpulse.enrich.lexicon import ASPECT_CUES, INTENT_CUES

#: The words of a store's name that say it is a place: kept when the name is masked. Each is a
#: ``store`` aspect cue.
PLACE_NOUNS: tuple[str, ...] = tuple(
    w
    for w in (
        "store", "stores", "shop", "branch", "outlet", "mall", "toko", "gerai", "cabang",
        "warung", "kafe", "cafe", "restoran", "门店", "商场", "专柜", "分店", "店铺", "实体店",
        "门市", "酒店",
    )
    if w in ASPECT_CUES["store"]
)  # fmt: skip
#: Titles before a staff member's name, as written (the raw text) and as normalised.
TITLES = (
    "mbak", "mba", "mas", "pak", "bapak", "bu", "ibu", "kak", "kakak", "bang", "abang", "teh",
    "koh", "ci", "cik", "om", "tante", "mr", "mrs", "ms", "miss", "sis", "bro",
)  # fmt: skip
STAFF = "staff:"
COMPETITOR = "competitor:"
_MARKS = frozenset(("lexpos", "lexneg"))
#: Stands between two clauses of a message while its clauses are masked together (a private-use
#: character that normalisation does not make on its own).
_BOUNDARY = "\ue000"
_HAN = re.compile(r"[\u3400-\u9fff]")
#: A word of raw text (a run of Chinese characters is one).
_WORD = re.compile(r"\w+")
#: Chinese aliases this long or shorter must not cut a dictionary word (see the module doc).
SHORT_HAN = 3


def _word_bounds(text: str) -> set[int]:
    """The offsets where jieba's dictionary words of ``text`` begin and end (unknown runs are
    cut into single characters: no guessing, which would join a name to the next character)."""
    import rjieba

    bounds, at = {0}, 0
    for word in rjieba.cut(text, False):
        at += len(word)
        bounds.add(at)
    return bounds


def han_automaton(aliases: Sequence[str]) -> ahocorasick_rs.AhoCorasick:
    """The automaton :func:`han_spans` reads (every match, overlapping ones too)."""
    return ahocorasick_rs.AhoCorasick(list(aliases), matchkind=ahocorasick_rs.MatchKind.Standard)


def han_spans(text: str, automaton: ahocorasick_rs.AhoCorasick) -> list[tuple[int, int]]:
    """(start, end) of the Chinese aliases of ``automaton`` (:func:`han_automaton`) in
    ``text``, the leftmost longest first, less the short ones that cut a dictionary word (小王
    in 小王子); an alias overlapping a rejected one is still found (李子 in 小李子)."""
    matches = automaton.find_matches_as_indexes(text, overlapping=True)
    if not matches:
        return []
    spans: list[tuple[int, int]] = []
    bounds: set[int] | None = None
    at = 0
    for start, end in sorted(((s, e) for _, s, e in matches), key=lambda m: (m[0], -m[1])):
        if start < at:
            continue
        if end - start <= SHORT_HAN:
            bounds = _word_bounds(text) if bounds is None else bounds
            if start not in bounds or end not in bounds:
                continue
        spans.append((start, end))
        at = end
    return spans


def _words(alias: str) -> list[str]:
    """An alias's words without the opinion marks of normalisation."""
    return [w for w in alias.split() if w not in _MARKS]


def _needle(alias: str) -> str:
    """The start of a normalised alias that any text holding it holds as is: up to its first
    word marked as an opinion ("happy lexpos socks" → "happy"; "toko lexus" whole)."""
    words = alias.split()
    for i, w in enumerate(words):
        if w in _MARKS:
            return " ".join(words[:i])
    return alias


def _kept(words: Iterable[str]) -> str:
    """What stays of a name's words when it is masked: its place nouns."""
    out = []
    for w in words:
        if _HAN.search(w):
            out += [noun for noun in PLACE_NOUNS if _HAN.search(noun) and noun in w]
        elif w in PLACE_NOUNS:
            out.append(w)
    return " ".join(out)


def _lengths_by_first_word(names: Mapping[tuple[str, ...], str]) -> dict[str, tuple[int, ...]]:
    """For each first word of ``names``, the lengths (in words) of the names it starts, the
    longest first."""
    out: dict[str, set[int]] = {}
    for words in names:
        out.setdefault(words[0], set()).add(len(words))
    return {w: tuple(sorted(lengths, reverse=True)) for w, lengths in out.items()}


@cache
def common_words() -> frozenset[str]:
    """Words common in the sentiment training texts (``data/common_words.txt``, written by
    ``scripts/common_words.py``): Latin words and two-character Chinese strings."""
    ref = resources.files("retailpulse.enrich").joinpath("data/common_words.txt")
    lines = ref.read_text(encoding="utf-8").splitlines()
    return frozenset(w for w in lines if w and not w.startswith("#"))


def _names_in(
    words: list[str], names: Mapping[tuple[str, ...], str], lengths: Mapping[str, tuple[int, ...]]
) -> Iterator[tuple[int, int, str]]:
    """(first word, number of words, replacement) of each name among ``words``, the leftmost
    longest first; ``lengths``: :func:`_lengths_by_first_word` of ``names``."""
    p = 0
    while p < len(words):
        for length in lengths.get(words[p], ()):
            key = tuple(words[p : p + length])
            if len(key) == length and key in names:
                yield p, length, names[key]
                p += length
                break
        else:
            p += 1


def _ambiguous(aliases: list[str]) -> set[str]:
    """The aliases whose masked part (their words but the place nouns) is one word that is also
    a word of its own: a cue word, an English opinion word (normalisation marks it), or a word
    common in the training texts (*Indah*, *Bagus*, 高兴; "Toko Murah" is a store, but masking
    *murah* would take "cheap" from every message that says it)."""
    common = common_words()
    rests = {a: [w for w in _words(a) if w not in PLACE_NOUNS] for a in aliases}
    latin = sorted({w for rest in rests.values() for w in rest if not _HAN.search(w)})
    cued: set[str] = set()
    if latin:
        cues = cue_matrix(pl.Series(latin, dtype=pl.String), {**INTENT_CUES, **ASPECT_CUES})
        cued = {latin[i] for i in np.flatnonzero(cues.sum(axis=1)).tolist()}

    def is_word(word: str, alias: str) -> bool:
        if _HAN.search(word):
            # a short Chinese name holding a common two-character string
            return len(word) <= 3 and any(word[i : i + 2] in common for i in range(len(word) - 1))
        return word in common or word in cued or f"{word} lex" in alias

    return {a for a, rest in rests.items() if len(rest) == 1 and is_word(rest[0], a)}


class NameMask:
    """Masks the retailer's own names out of normalised and raw texts."""

    def __init__(self, aliases: Mapping[str, Iterable[str]], names: Iterable[str] = ()) -> None:
        """``aliases``: normalised alias → the references it names (``staff:…``, ``store:…``,
        ``product:…``; competitors are left out); ``names``: the same names as the retailer
        wrote them, for the raw text (normalisation may change a name: *Kak* → *kakak*)."""
        own = {
            a: set(refs)
            for a, refs in aliases.items()
            if _words(a) and any(not r.startswith(COMPETITOR) for r in refs)
        }
        ambiguous = _ambiguous(list(own))
        masked: set[str] = set()
        # a cheap first look (Aho-Corasick in Polars): each name up to its first opinion mark
        needles: set[str] = set()
        for alias, refs in own.items():
            word = " ".join(_words(alias))
            if alias not in ambiguous:
                masked.add(word)
                needles.add(word if _HAN.search(word) else _needle(alias))
            elif any(r.startswith(STAFF) for r in refs):
                masked.update(f"{title} {word}" for title in TITLES)
                needles.update(f"{title} {_needle(alias)}" for title in TITLES)
        #: the staff's normalised aliases that name someone only after a title (entities read
        #: it too: "bajunya bagus sekali" is not about Bagus)
        self.title_only = frozenset(
            a for a in ambiguous if any(r.startswith(STAFF) for r in own[a]) and not _HAN.search(a)
        )
        # (a Latin needle is whole words: looked for with a space on each side)
        self._needles = sorted(n if _HAN.search(n) else f" {n} " for n in needles)
        replacement = {k: _kept(k.split()) for k in masked}
        # Latin names: word sequences, looked up from each word (the longest first)
        self._latin = {tuple(k.split()): v for k, v in replacement.items() if not _HAN.search(k)}
        self._lengths = _lengths_by_first_word(self._latin)
        # Chinese names: anywhere, the leftmost longest
        self._han = {k: v for k, v in replacement.items() if _HAN.search(k)}
        self._automaton = han_automaton(list(self._han)) if self._han else None
        # raw names (what the sentence encoder reads): their words in lower case, an ambiguous
        # one only after a title; any case, spacing and punctuation between the words
        bare_ambiguous = {" ".join(_words(a)) for a in ambiguous}
        raw: dict[tuple[str, ...], str] = {}
        for name in [*names, *(k for k in masked if not _HAN.search(k))]:
            words = tuple(_WORD.findall(name.lower()))
            if words and not _HAN.search(name) and " ".join(words) not in bare_ambiguous:
                raw[words] = _kept(words)
        self._raw = raw
        self._raw_lengths = _lengths_by_first_word(raw)

    @property
    def is_empty(self) -> bool:
        return not self._needles

    def _replace_han(self, text: str) -> str:
        """``text`` with its Chinese names replaced (the leftmost longest)."""
        if self._automaton is None:
            return text
        pieces, at = [], 0
        for start, end in han_spans(text, self._automaton):
            pieces += [text[at:start], self._han[text[start:end]]]
            at = end
        return "".join([*pieces, text[at:]])

    def _mask_text(self, text: str) -> str:
        """One normalised text with its names replaced. A clause boundary (:data:`_BOUNDARY`)
        is no word: a name across one is masked, and the boundaries it held follow what is
        left of it, so the text keeps its number of clauses."""
        tokens = self._replace_han(text).split()
        # the words, without the opinion marks that follow some of them and the boundaries
        bare = [i for i, t in enumerate(tokens) if t not in _MARKS and t != _BOUNDARY]
        out: list[str] = []
        done = 0
        for p, length, replacement in _names_in(
            [tokens[i] for i in bare], self._latin, self._lengths
        ):
            end = bare[p + length - 1] + 1
            if end < len(tokens) and tokens[end] in _MARKS:
                end += 1
            cut = tokens[bare[p] : end].count(_BOUNDARY)
            out += [*tokens[done : bare[p]], *replacement.split(), *[_BOUNDARY] * cut]
            done = end
        return " ".join([*out, *tokens[done:]])

    def _mask_raw_text(self, text: str) -> str:
        """One raw text with its names replaced (Chinese names as in the normalised text)."""
        text = self._replace_han(text)
        spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        words = [text[a:b].lower() for a, b in spans]
        pieces, at = [], 0
        for p, length, replacement in _names_in(words, self._raw, self._raw_lengths):
            pieces += [text[at : spans[p][0]], replacement]
            at = spans[p + length - 1][1]
        return "".join([*pieces, text[at:]])

    def _masked(
        self, texts: pl.Series, among: Sequence[int] | None = None
    ) -> tuple[list[int], list[str]]:
        """Rows of ``texts`` (normalised; only the rows ``among``, if given) holding a name,
        and their masked texts."""
        if not self._needles or not len(texts):
            return [], []
        look = texts if among is None else texts.gather(list(among))
        hit = pl.DataFrame({"t": look}).select(
            pl.concat_str([pl.lit(" "), pl.col("t").fill_null(""), pl.lit(" ")])
            .str.contains_any(self._needles)
            .alias("hit")
        )["hit"]
        rows = hit.arg_true().to_list()
        if among is not None:
            rows = [among[r] for r in rows]
        if not rows:
            return [], []
        before = texts.gather(rows).to_list()
        after = [self._mask_text(t) for t in before]
        changed = [(r, a) for r, a, b in zip(rows, after, before, strict=True) if a != b]
        return [r for r, _ in changed], [a for _, a in changed]

    def mask(self, normalised: pl.Series, among: Sequence[int] | None = None) -> pl.Series:
        """Normalised texts (clauses or whole messages) with every name replaced by its place
        nouns (usually nothing); only the rows ``among``, if given, are looked at."""
        return self.mask_messages(normalised, among)[0]

    def mask_messages(
        self, normalised: pl.Series, among: Sequence[int] | None = None
    ) -> tuple[pl.Series, list[int]]:
        """:meth:`mask`, and the rows it changed."""
        rows, masked = self._masked(normalised, among)
        if not rows:
            return normalised, []
        # (scatter writes in place: the caller's series stays as it was)
        return normalised.clone().scatter(rows, pl.Series(masked, dtype=pl.String)), rows

    def mask_clauses(self, clauses: pl.Series, rows: Sequence[int]) -> list[str]:
        """The clauses of the messages ``rows`` (``clauses``: a list of normalised clauses per
        message), masked together, so that a name the clause split cut ("j.co" → "j", "co";
        "Mr. DIY") is masked in its clauses as in the message. The masked clauses of those
        messages, in order, as many as there were."""
        if not len(rows):
            return []
        sep = f" {_BOUNDARY} "
        out: list[str] = []
        for parts in clauses.gather(list(rows)).to_list():
            masked = self._mask_text(sep.join(parts)).split(_BOUNDARY)
            out += [m.strip() for m in masked]
        return out

    def mask_raw(self, raw: pl.Series, rows: Sequence[int]) -> pl.Series:
        """Raw texts with every name (any case, any spacing or punctuation between its words)
        replaced by its place nouns, in the rows given (those :meth:`mask_messages` changed):
        what the accurate tier's sentence encoder reads."""
        if not len(rows):
            return raw
        masked = [self._mask_raw_text(t or "") for t in raw.gather(list(rows)).to_list()]
        return raw.clone().scatter(rows, pl.Series(masked, dtype=pl.String))
