r"""Language and script of each message.

py3langid (restricted to en/id/ms/jv/zh) classifies about 2,900 short messages a second on this
machine's CPU (measured on the shared validation tweets and SmSA texts), ten times too slow for
the fast tier, and it calls 5% of SmSA's Indonesian sentences Malay or Javanese. So:

1. Letters are counted per script (links and mentions left out). The counts come from a table
   of class bits per code point, filled the first time a character is seen by matching it
   against the same Polars regex classes (``\p{L}``, ``\p{Han}``, ``\p{Latin}``, kana and
   hangul), so they equal ``count_matches`` of those classes at a fraction of the cost (one
   pass over the batch's code points instead of six regex passes). No letter at all →
   ``unknown`` (empty text, only emoji, only a URL or digits).
2. Han characters (without kana or hangul) make at least 30% of the letters → ``zh``; the
   script is ``Hant`` when characters written only in traditional form outnumber those written
   only in simplified form (OpenCC's character tables: a character whose conversion never
   gives itself), else ``Hans``.
3. Latin letters make at least half → the model's language head (English vs Indonesian,
   trained on the shared train texts) decides when it is at least 80% sure; otherwise
   py3langid decides among all its languages (``ms`` and ``jv`` come only from here; a language
   outside en/id/ms/jv/zh becomes ``other``). Script ``Latn``.
4. Anything else (Cyrillic, Arabic, Thai, kana, hangul...) → ``other``.
"""

from __future__ import annotations

import json
import threading
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt
import polars as pl

from retailpulse.enrich.text import MAX_ANALYSED_CHARS

LANGUAGES = ("en", "id", "ms", "jv", "zh", "other", "unknown")
HEAD_CONFIDENCE = 0.8


@cache
def _langid() -> object:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE)


#: Bits of :func:`_char_bits`: letter, Han, Latin, kana or hangul, traditional-only,
#: simplified-only, and "not classified yet".
_LETTER, _HAN, _LATIN, _KANA, _TRAD, _SIMP, _UNSEEN = 1, 2, 4, 8, 16, 32, 128
#: The regex classes the bits stand for (Rust's Unicode tables, as Polars matches them).
_CLASSES = {
    _LETTER: r"\p{L}",
    _HAN: r"\p{Han}",
    _LATIN: r"\p{Latin}",
    _KANA: r"[\p{Hiragana}\p{Katakana}\p{Hangul}]",
}
_lock = threading.Lock()


@cache
def _char_bits() -> npt.NDArray[np.uint8]:
    """Class bits of every code point, filled in as characters are first seen (a cache)."""
    bits = np.full(0x110000, _UNSEEN, dtype=np.uint8)
    doc = json.loads(
        resources.files("retailpulse.enrich").joinpath("data/script_chars.json").read_text("utf-8")
    )
    for key, bit in (("trad_only", _TRAD), ("simp_only", _SIMP)):
        bits[[ord(c) for c in doc[key]]] |= bit
    return bits


def _classify(codes: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint8]:
    """Class bits of ``codes``; characters not seen before are matched against the classes
    with Polars' regex engine once, so the counts equal ``count_matches`` on each class."""
    bits = _char_bits()
    out = bits[codes]
    if (out & _UNSEEN).any():
        with _lock:
            new = np.unique(codes[(out & _UNSEEN) != 0])
            chars = pl.Series("c", [chr(c) for c in new.tolist()], dtype=pl.String)
            found = pl.DataFrame({"c": chars}).select(
                pl.col("c").str.contains(rx).alias(str(b)) for b, rx in _CLASSES.items()
            )
            value = bits[new] & ~np.uint8(_UNSEEN)
            for b in _CLASSES:
                value |= np.where(found[str(b)].to_numpy(), np.uint8(b), np.uint8(0))
            bits[new] = value
        out = bits[codes]
    return out


def _class_counts(texts: pl.Series, classes: tuple[int, ...]) -> dict[int, npt.NDArray[np.int64]]:
    """Per text, the number of characters with each of the class bits ``classes``."""
    n = len(texts)
    ends = np.cumsum(texts.str.len_chars().fill_null(0).to_numpy(), dtype=np.int64)
    joined = texts.fill_null("").str.join("").item() if n else ""
    bits = _classify(np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32))
    out = {}
    for b in classes:
        # characters of the class before each text's end, minus those before its start
        seen = np.zeros(len(bits) + 1, dtype=np.int64)
        np.cumsum((bits & b) != 0, out=seen[1:])
        at_end = seen[ends]
        out[b] = at_end - np.concatenate(([0], at_end[:-1]))
    return out


def script_counts(raw: pl.Series) -> pl.DataFrame:
    """Per message: letters, han, latin, kana/hangul (links and mentions left out)."""
    t = pl.col("t").fill_null("").str.slice(0, MAX_ANALYSED_CHARS)
    t_clean = t.str.replace_all(r"(?:https?://|www\.)\S+|@[\w.]+", " ")
    clean = pl.DataFrame({"t": raw}).select(t_clean).to_series()
    counts = _class_counts(clean, (_LETTER, _HAN, _LATIN, _KANA))
    return pl.DataFrame(
        {
            "letters": counts[_LETTER],
            "han": counts[_HAN],
            "latin": counts[_LATIN],
            "kana": counts[_KANA],
        },
        schema=dict.fromkeys(("letters", "han", "latin", "kana"), pl.UInt32),
    )


def chinese_script(raw: pl.Series) -> list[str]:
    """``Hant`` or ``Hans`` for Chinese messages (traditional-only vs simplified-only chars)."""
    t = pl.DataFrame({"t": raw}).select(pl.col("t").fill_null("").str.slice(0, MAX_ANALYSED_CHARS))
    counts = _class_counts(t.to_series(), (_TRAD, _SIMP))
    return ["Hant" if h else "Hans" for h in (counts[_TRAD] > counts[_SIMP]).tolist()]


def detect(
    raw: pl.Series, p_english: npt.NDArray[np.float32], counts: pl.DataFrame | None = None
) -> tuple[list[str], list[str | None]]:
    """``language`` and ``script`` of each message; ``p_english`` from the language head,
    ``counts`` is ``script_counts(raw)`` when the caller has it already."""
    c = script_counts(raw) if counts is None else counts
    letters = c["letters"].to_numpy()
    han = c["han"].to_numpy()
    latin = c["latin"].to_numpy()
    kana = c["kana"].to_numpy()
    n = len(raw)
    lang = np.full(n, "other", dtype=object)
    script = np.full(n, None, dtype=object)
    none = letters == 0
    zh = ~none & (han >= 0.3 * letters) & (kana == 0)
    lat = ~none & ~zh & (latin >= 0.5 * letters)
    lang[none] = "unknown"
    lang[zh] = "zh"
    zh_rows = np.flatnonzero(zh)
    if len(zh_rows):
        script[zh_rows] = chinese_script(raw.gather(zh_rows))
    script[lat] = "Latn"
    lang[lat & (p_english >= HEAD_CONFIDENCE)] = "en"
    lang[lat & (p_english <= 1 - HEAD_CONFIDENCE)] = "id"
    unsure = np.flatnonzero(lat & (p_english > 1 - HEAD_CONFIDENCE) & (p_english < HEAD_CONFIDENCE))
    if len(unsure):
        ident = _langid()
        texts = raw.gather(unsure).fill_null("").to_list()
        for i, text in zip(unsure, texts, strict=True):
            code = ident.classify(text[:MAX_ANALYSED_CHARS])[0]  # type: ignore[attr-defined]
            lang[i] = code if code in LANGUAGES else "other"
    return lang.tolist(), script.tolist()
