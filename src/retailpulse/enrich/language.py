"""Language and script of each message.

py3langid (restricted to en/id/ms/jv/zh) classifies about 2,900 short messages a second on this
machine's CPU (measured on the shared validation tweets and SmSA texts), ten times too slow for
the fast tier, and it calls 5% of SmSA's Indonesian sentences Malay or Javanese. So:

1. Letters are counted per script with vectorised regexes. No letter at all → ``unknown``
   (empty text, only emoji, only a URL or digits).
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
import re
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt
import polars as pl

from retailpulse.enrich.text import MAX_ANALYSED_CHARS

LANGUAGES = ("en", "id", "ms", "jv", "zh", "other", "unknown")
HEAD_CONFIDENCE = 0.8


@cache
def _script_classes() -> tuple[str, str]:
    """Regex classes of characters written only in traditional / only in simplified form."""
    ref = resources.files("retailpulse.enrich").joinpath("data/script_chars.json")
    doc = json.loads(ref.read_text(encoding="utf-8"))
    return (
        "[" + "".join(re.escape(c) for c in doc["trad_only"]) + "]",
        "[" + "".join(re.escape(c) for c in doc["simp_only"]) + "]",
    )


@cache
def _langid() -> object:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE)


def script_counts(raw: pl.Series) -> pl.DataFrame:
    """Per message: letters, han, latin, kana/hangul (links and mentions left out)."""
    t = pl.col("t").fill_null("").str.slice(0, MAX_ANALYSED_CHARS)
    t_clean = t.str.replace_all(r"(?:https?://|www\.)\S+|@[\w.]+", " ")
    return pl.DataFrame({"t": raw}).select(
        t_clean.str.count_matches(r"\p{L}").alias("letters"),
        t_clean.str.count_matches(r"\p{Han}").alias("han"),
        t_clean.str.count_matches(r"\p{Latin}").alias("latin"),
        t_clean.str.count_matches(r"[\p{Hiragana}\p{Katakana}\p{Hangul}]").alias("kana"),
    )


def chinese_script(raw: pl.Series) -> list[str]:
    """``Hant`` or ``Hans`` for Chinese messages (traditional-only vs simplified-only chars)."""
    trad, simp = _script_classes()
    t = pl.col("t").fill_null("").str.slice(0, MAX_ANALYSED_CHARS)
    counts = pl.DataFrame({"t": raw}).select(
        t.str.count_matches(trad).alias("trad"), t.str.count_matches(simp).alias("simp")
    )
    hant = (counts["trad"] > counts["simp"]).to_list()
    return ["Hant" if h else "Hans" for h in hant]


def detect(
    raw: pl.Series, p_english: npt.NDArray[np.float32]
) -> tuple[list[str], list[str | None]]:
    """``language`` and ``script`` of each message; ``p_english`` from the language head."""
    c = script_counts(raw)
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
