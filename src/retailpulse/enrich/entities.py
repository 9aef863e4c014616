"""Entities of the retailer's own world: products, stores, staff, competitors, order numbers.

:class:`Catalog` is built from the ``products``, ``stores`` and ``staff`` frames (their names and
``|``-separated aliases in any language) and the competitor list (setting ``competitors``).
Matching works on normalised text (lower case, traditional → simplified):

* an alias of one to four words matches as a whole phrase; a Chinese alias anywhere, but a
  short one (小王) not inside a longer dictionary word (小王子; see :mod:`.names`);
* an alias word of six or more letters also matches a word of the message that is a near miss
  (rapidfuzz ratio ≥ 85, e.g. ``Tokopeda`` for ``Tokopedia``); the fuzzy look-up is made once per
  distinct word of a batch, so its cost does not grow with repeated words;
* order numbers: ``#A12345``-like references after "order", "pesanan", "invoice", 订单 and
  similar words, or the retailer's own pattern.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import ahocorasick_rs
import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

from retailpulse.enrich.names import COMPETITOR, TITLES, NameMask, han_automaton, han_spans
from retailpulse.enrich.text import normalise

ORDER_PATTERN = (
    r"(?i)(?:order|pesanan|invoice|inv|no\.? ?resi|resi|订单号?|单号)\s*(?:no\.?|number|nomor|#|:)?"
    r"\s*#?\s*([A-Z]{0,4}[-/]?\d[\dA-Z/-]{4,})"
)
_FUZZY_MIN_LEN = 6
#: What normalisation makes of links and mentions.
_PLACEHOLDERS = frozenset(("xurl", "xmention"))
_FUZZY_SCORE = 85.0


def _nearest(words: list[str], index: dict[str, set[str]]) -> dict[str, set[str]]:
    """Words with an alias of ``index`` at fuzz ratio >= :data:`_FUZZY_SCORE` mapped to that
    alias's references (the first alias of the best score, as ``process.extractOne`` picks)."""
    if not words:
        return {}
    choices = list(index)
    scores = process.cdist(
        words, choices, scorer=fuzz.ratio, score_cutoff=_FUZZY_SCORE, dtype=np.float64
    )
    best = scores.argmax(axis=1)
    hit = scores[np.arange(len(words)), best] >= _FUZZY_SCORE
    return {words[i]: index[choices[best[i]]] for i in np.flatnonzero(hit).tolist()}


def _is_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


@dataclass
class Catalog:
    """Aliases (normalised) mapped to ``type:id`` references."""

    aliases: dict[str, set[str]] = field(default_factory=dict)
    order_pattern: str = ORDER_PATTERN
    #: the retailer's own names and aliases (products, stores, staff: not competitors) as
    #: the retailer wrote them
    names: set[str] = field(default_factory=set)
    _mask: NameMask | None = field(default=None, init=False, repr=False, compare=False)
    _fuzzy: dict[str, set[str]] | None = field(default=None, init=False, repr=False, compare=False)
    #: the Chinese aliases' automaton and list (False: none), built once
    _han: tuple[ahocorasick_rs.AhoCorasick, list[str]] | Literal[False] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def add(self, ref: str, names: Iterable[str | None]) -> None:
        # a handle is its name (@tokosudirman → tokosudirman): normalisation would make it the
        # placeholder of every mention
        cleaned = [n.strip().lstrip("@#") for n in names if n and n.strip().lstrip("@#")]
        if not cleaned:
            return
        for name, norm in zip(cleaned, normalise(cleaned).to_list(), strict=True):
            # a link is no name (it would be the placeholder of every link)
            if len(norm) >= 2 and not _PLACEHOLDERS & set(norm.split()):
                self.aliases.setdefault(norm, set()).add(ref)
                if not ref.startswith(COMPETITOR):
                    self.names.add(name)
        self._mask = self._fuzzy = self._han = None

    @classmethod
    def from_frames(
        cls,
        *,
        products: pl.DataFrame | None = None,
        stores: pl.DataFrame | None = None,
        staff: pl.DataFrame | None = None,
        competitors: Sequence[str] = (),
        order_pattern: str = ORDER_PATTERN,
    ) -> Catalog:
        """Catalog from the canonical frames (``sku``/``store_id``/``staff_id``, ``name``,
        ``aliases``) and competitor names."""
        cat = cls(order_pattern=order_pattern)
        for frame, kind, key in (
            (products, "product", "sku"),
            (stores, "store", "store_id"),
            (staff, "staff", "staff_id"),
        ):
            if frame is None or frame.is_empty():
                continue
            has_alias = "aliases" in frame.columns
            for row in frame.iter_rows(named=True):
                names = [row.get("name")]
                if has_alias and row.get("aliases"):
                    names += str(row["aliases"]).split("|")
                cat.add(f"{kind}:{row[key]}", names)
        for name in competitors:
            cat.add(f"{COMPETITOR}{name}", [name])
        return cat

    @property
    def is_empty(self) -> bool:
        return not self.aliases

    def __getstate__(self) -> dict[str, object]:
        # (worker processes get the catalog pickled; the mask and the Chinese aliases hold
        # automata that do not pickle, and each process builds its own)
        return {**self.__dict__, "_mask": None, "_han": None}

    def name_mask(self) -> NameMask:
        """The retailer's own names (products, stores, staff; not competitors, whose names
        can be what a message is about: "lebih murah di Shopee") as a
        :class:`~retailpulse.enrich.names.NameMask`, built once."""
        if self._mask is None:
            self._mask = NameMask(self.aliases, self.names)
        return self._mask

    def _fuzzy_index(self) -> dict[str, set[str]]:
        """The aliases matched by near misses too (long single words), built once."""
        if self._fuzzy is None:
            title_only = self.name_mask().title_only
            self._fuzzy = {}
            for alias, refs in self.aliases.items():
                if (
                    " " not in alias
                    and not _is_cjk(alias)
                    and len(alias) >= _FUZZY_MIN_LEN
                    and alias not in title_only
                ):
                    self._fuzzy.setdefault(alias, set()).update(refs)
        return self._fuzzy

    def _han_automaton(self) -> tuple[ahocorasick_rs.AhoCorasick, list[str]] | None:
        """The Chinese aliases (products, stores, staff and competitors) and their automaton,
        built once (None without any)."""
        if self._han is None:
            cjk = [a for a in self.aliases if _is_cjk(a)]
            self._han = (han_automaton(cjk), cjk) if cjk else False
        return self._han or None

    def _match_aliases(self, normalised: pl.Series, found: defaultdict[int, set[str]]) -> None:
        words = (
            pl.DataFrame({"t": normalised})
            .with_row_index("row")
            .select("row", pl.col("t").str.split(" ").alias("w"))
            .explode("w")
        )
        multi = [a for a in self.aliases if " " in a and not _is_cjk(a)]
        max_words = max((a.count(" ") + 1 for a in multi), default=1)
        aliases = list(self.aliases)
        titled = (pl.col("row").shift(1) == pl.col("row")) & pl.col("w").shift(1).is_in(TITLES)
        # the phrase of k words from each word on, within one message (a plain shift and a
        # check that the k-th word is of the same row: a window per row is several times slower)
        phrases = []
        for k in range(1, min(max_words, 4) + 1):
            phrase = pl.concat_str([pl.col("w").shift(-i) for i in range(k)], separator=" ")
            same = pl.col("row").shift(-(k - 1)) == pl.col("row")
            phrases.append(
                words.with_columns(phrase.alias("p"), same.alias("same"), titled.alias("titled"))
                .filter(pl.col("same") & pl.col("p").is_in(aliases))
                .select("row", "p", "titled")
            )
        # a one-word name that is also a word of its own (Bagus, "good"; Grace, normalised
        # "grace lexpos") names someone only after a title (Mas Bagus): NameMask.title_only
        title_only = list(self.name_mask().title_only)
        hits = pl.concat(phrases).filter(
            ~pl.col("p").is_in(title_only) | pl.col("titled").fill_null(False)
        )
        for row, found_phrase, _ in hits.iter_rows():
            found[row].update(self.aliases[found_phrase])
        fuzzy = self._fuzzy_index()
        if fuzzy:
            # each distinct word once: filter the distinct words, not every occurrence
            distinct = words.select(pl.col("w").unique())
            cands = distinct.filter(
                (pl.col("w").str.len_chars() >= _FUZZY_MIN_LEN - 1)
                & ~pl.col("w").is_in(list(self.aliases))
                & pl.col("w").str.contains(r"^\p{Latin}+$")
            )["w"].to_list()
            near = _nearest(cands, fuzzy)
            if near:
                hits = words.filter(pl.col("w").is_in(list(near)))
                for row, w in hits.select("row", "w").iter_rows():
                    found[row].update(near[w])
        han = self._han_automaton()
        if han is not None:
            # the rows holding a Chinese alias, then each alias found there as the mask finds
            # it (a short one must not cut a dictionary word: 小王 is not in 小王子)
            rows = normalised.str.contains_any(han[1]).fill_null(False).arg_true().to_list()
            for row, text in zip(rows, normalised.gather(rows).to_list(), strict=True):
                for start, end in han_spans(text, han[0]):
                    found[row].update(self.aliases[text[start:end]])

    def match(self, normalised: pl.Series, raw: pl.Series) -> list[str]:
        """``;``-joined references found in each message."""
        n = len(normalised)
        # only messages with a reference get a set (most have none)
        found: defaultdict[int, set[str]] = defaultdict(set)
        if self.aliases:
            self._match_aliases(normalised, found)
        orders = (
            pl.DataFrame({"t": raw.fill_null("")})
            .with_row_index("row")
            .select("row", pl.col("t").str.extract_all(self.order_pattern).alias("m"))
            .explode("m")
            .drop_nulls()
        )
        for row, ref in orders.iter_rows():
            num = re.sub(self.order_pattern, r"\1", ref)
            found[row].add(f"order:{num.upper()}")
        out = [""] * n
        for row, refs in found.items():
            out[row] = ";".join(sorted(refs))
        return out


def order_numbers(texts: Sequence[str], pattern: str = ORDER_PATTERN) -> list[list[str]]:
    """Order numbers found in each text (helper for callers outside the batch path)."""
    rx = re.compile(pattern)
    return [[m.group(1).upper() for m in rx.finditer(t or "")] for t in texts]
