"""Write ``src/retailpulse/enrich/data/common_words.txt``: the words of the sentiment training
texts that are common enough to be words first and names second.

A one-word staff name that is also a common word (*Indah* "beautiful", *Bagus* "good",
*Untung* "lucky", 高兴 "happy") must not be masked out of every message that uses the word
(``retailpulse.enrich.names``). A word counts as common when it occurs in at least
``--min-texts`` of the training texts of ``SENTIMENT_SETS`` (train files only):

* Latin words of two letters or more, normalised as the pipeline normalises them;
* Chinese: every two-character string of a run of Chinese characters.

With the default of 50 texts: *indah* (288 texts), *manis* (224), *cantik* (164), *untung*
(84), *sabar* (73), *bagus* (1,377) and 高兴 (58) are common; *rina*, *andi*, *siti* (0-2)
and *sari* (42) are not.

Usage: ``python scripts/common_words.py [--data-dir ../shared/data] [--min-texts 50]``
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

import polars as pl

from retailpulse.enrich.text import normalise
from retailpulse.enrich.training_data import SENTIMENT_SETS, read_labelled

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "retailpulse" / "enrich" / "data" / "common_words.txt"
_LATIN = re.compile(r"^[a-z][a-z'-]*[a-z]$")
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")


def counts(data_dir: Path) -> Counter[str]:
    """In how many training texts each word occurs."""
    seen: Counter[str] = Counter()
    for entry in SENTIMENT_SETS:
        texts, _ = read_labelled(data_dir / entry[0])
        for text in normalise(pl.Series(texts, dtype=pl.String)).to_list():
            words = {w for w in text.split() if _LATIN.match(w)}
            for run in _HAN_RUN.findall(text):
                words.update(run[i : i + 2] for i in range(len(run) - 1))
            seen.update(words)
    return seen


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--min-texts", type=int, default=50)
    args = ap.parse_args()
    seen = counts(args.data_dir)
    common = sorted(w for w, c in seen.items() if c >= args.min_texts)
    header = [
        f"# Words in at least {args.min_texts} of the sentiment training texts "
        "(scripts/common_words.py):",
        "# a one-word name that is one of them is masked only after a title (names.py).",
    ]
    OUT.write_text("\n".join([*header, *common]) + "\n", encoding="utf-8")
    print(f"{len(common):,} words → {OUT}")


if __name__ == "__main__":
    main()
