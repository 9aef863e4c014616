"""Cue matching benchmark: the Aho-Corasick matcher of ``retailpulse.enrich.cues`` beside its
peer, one Polars (Rust regex) pattern per label, the way the cues were matched before.

Both run in one process on the clauses of the same batch (the sentiment *valid* texts of
English, Indonesian and Chinese, repeated to ``--messages``), on one thread
(``POLARS_MAX_THREADS=1`` is set before Polars loads), and must give the same matrix. CPU time
is the fewest of ``--repeat`` runs of each, taken in turns.

Usage: ``python benchmarks/cue_matching.py [--data-dir ../shared/data] [--messages 20000]``
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("POLARS_MAX_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--messages", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    import numpy as np
    import polars as pl

    from retailpulse.enrich.cues import _MARKS, _NEGATED, _NEGATED_COMPLAINT, cue_matrix
    from retailpulse.enrich.lexicon import ASPECT_CUES, INTENT_CUES, cue_pattern
    from retailpulse.enrich.text import clause_lists, explode_clauses
    from retailpulse.enrich.training_data import read_labelled

    def one_regex_per_label(texts: pl.Series, cues: dict[str, tuple[str, ...]]) -> np.ndarray:
        bare = texts.str.replace_all(_MARKS, "$1")
        exprs = []
        for k, c in cues.items():
            col = pl.col("t")
            if k == "praise":
                col = col.str.replace_all("不错", "很好", literal=True).str.replace_all(
                    _NEGATED, " "
                )
            elif k == "complaint":
                col = col.str.replace_all(_NEGATED_COMPLAINT, " ")
            exprs.append(col.str.contains(cue_pattern(c)).alias(k))
        frame = pl.DataFrame({"t": bare}).select(exprs)
        return frame.to_numpy().astype(bool).reshape(len(texts), len(cues))

    data = Path(args.data_dir)
    texts: list[str] = []
    for name in ("en_tweeteval", "id_smsa", "zh_chnsenticorp"):
        texts += read_labelled(data / "sentiment" / name / "valid.csv")[0]
    texts = (texts * (args.messages // len(texts) + 1))[: args.messages]
    clauses = explode_clauses(clause_lists(pl.Series("text", texts, pl.String)))["clause"]
    cues = {**INTENT_CUES, **ASPECT_CUES}
    runs: dict[str, list[float]] = {"retailpulse (Aho-Corasick)": [], "one regex per label": []}
    results = {}
    cue_matrix(clauses.head(10), cues)  # the automaton is built once per process
    for _ in range(args.repeat):
        for name, fn in zip(runs, (cue_matrix, one_regex_per_label), strict=True):
            start = time.process_time()
            results[name] = fn(clauses, cues)
            runs[name].append(time.process_time() - start)
    same = np.array_equal(*results.values())
    print(f"{len(texts):,} messages, {len(clauses):,} clauses, {len(cues)} labels", end="; ")
    print(f"same output: {same}")
    for name, times in runs.items():
        best = min(times)
        print(f"  {name:28s} {best * 1000:7.1f} ms CPU  {len(clauses) / best:12,.0f} clauses/s")


if __name__ == "__main__":
    main()
