"""The accurate tier's gate: how many messages can skip the sentence encoder, at what cost.

The accurate model carries, beside each head that reads the sentence embedding, its n-gram
twin (the fast tier's head), and embeds only the messages whose top sentiment probability or
top emotion probability from the twins is below a threshold (``retailpulse.enrich.gate``).
This script, with the shipped accurate model, on the shared *valid* files:

1. enriches every valid text twice, through the twins alone and embedding every message (the
   English tweets out of fold, 5-fold, both heads refitted without the fold, as
   ``benchmarks/enrich.py`` reports them), and the twins' confidences;
2. for each pair of thresholds in the grid, takes each message's answer from the twins where
   both confidences reach their threshold and from the embedded model elsewhere (exactly what
   the pipeline does: ``tests/enrich/test_gate.py``), and prints every valid figure and the
   share of messages and of sentence-encoder tokens embedded;
3. times the tier on ``benchmarks/enrich.py``'s mix of the three sentiment valid files, and on
   each language's texts alone, gated (the model's thresholds) against embedding every
   message, alternating, ``--repeats`` times, in the same run.

The model's thresholds are the grid's pair that embeds the fewest encoder tokens while no
figure falls below embedding every message. They are chosen on these valid files, so the
figures at them are mildly optimistic (two numbers, chosen from a grid of 30 pairs).

Usage: ``python benchmarks/accurate_gate.py [--data-dir ../shared/data] [--repeats 3]
[--messages 6000]``
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import statistics
import time
from pathlib import Path

import numpy as np
import polars as pl

from retailpulse.enrich.model import LinearModel

ROOT = Path(__file__).resolve().parents[1]
SENT_FILES = (
    "sentiment/en_tweeteval/valid.csv",
    "sentiment/id_smsa/valid.csv",
    "sentiment/zh_chnsenticorp/valid.csv",
)
SENTIMENT_GRID = (0.0, 0.6, 0.7, 0.8, 0.9)
EMOTION_GRID = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9)
P = ["p_negative", "p_neutral", "p_positive"]


@dataclasses.dataclass
class Answers:
    """One valid file: labels, the twins' and the embedded model's answers, confidences."""

    task: str
    labels: list[str]
    ngram: list[str]
    embedded: list[str]
    p_sentiment: np.ndarray  # the twins' top sentiment probability
    p_emotion: np.ndarray  # the twins' top emotion probability
    tokens: np.ndarray  # sentence-encoder tokens of each text
    empty: np.ndarray


def ngram_only(model: LinearModel) -> LinearModel:
    """The accurate model as its gate sees it: the n-gram twins, no encoder."""
    from retailpulse.enrich.gate import ngram_view

    return dataclasses.replace(ngram_view(model), embedding=None)


def answers(
    model: LinearModel, texts: list[str], task: str
) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    from retailpulse.enrich.model import softmax
    from retailpulse.enrich.pipeline import enrich_texts
    from retailpulse.enrich.scoring import score

    tasks = ["language", "sentiment", "emotion"]
    twins = ngram_only(model)
    ng = enrich_texts(texts, model=twins, tasks=tasks)
    full = enrich_texts(texts, model=model, tier="accurate", tasks=tasks, embed_all=True)
    e = twins.head("emotion")
    p_emotion = softmax(
        score(twins, pl.Series(texts, dtype=pl.String)).message[:, e.start : e.stop]
    )
    return (
        ng[task].to_list(),
        full[task].to_list(),
        ng.select(P).to_numpy().max(axis=1),
        p_emotion.max(axis=1),
    )


def collect(data: Path) -> dict[str, Answers]:
    from retailpulse.enrich.embedding import _encoder
    from retailpulse.enrich.evaluate import CV_FOLDS
    from retailpulse.enrich.gate import NGRAM_PREFIX
    from retailpulse.enrich.pipeline import load_model, nothing_to_judge
    from retailpulse.enrich.text import clause_lists
    from retailpulse.enrich.train import language_sentiment_heads
    from retailpulse.enrich.training_data import EMOTION_VALID_MAP, VALID_SETS, read_labelled

    model = load_model(None, "accurate")
    encoder = _encoder(2)
    out: dict[str, Answers] = {}
    for task, lang, rel in VALID_SETS:
        texts, labels = read_labelled(data / rel)
        labels = [EMOTION_VALID_MAP.get(lab, lab) for lab in labels]
        n = len(texts)
        ngram, embedded = [""] * n, [""] * n
        p_s, p_e = np.zeros(n), np.zeros(n)
        if rel == "sentiment/en_tweeteval/valid.csv":
            # out of fold: the English heads (embedded and twin) learn from this file
            order = np.random.default_rng(0).permutation(n)
            held = [order[k::CV_FOLDS] for k in range(CV_FOLDS)]
            excluded = [frozenset(texts[i] for i in idx) for idx in held]
            heads = language_sentiment_heads(data, lang, excluded, model.bits, embedded=True)
            twins = language_sentiment_heads(data, lang, excluded, model.bits)
            name = f"sentiment_{lang}"
            for idx, head, twin in zip(held, heads, twins, strict=True):
                m = copy.deepcopy(model)
                for hname, (names, coef, bias, emb) in ((name, head), (NGRAM_PREFIX + name, twin)):
                    temperature = model.heads[hname].temperature
                    m.add_head(hname, "softmax", names, coef, bias, embedding_coef=emb)
                    m.heads[hname].temperature = temperature
                fold = [texts[i] for i in idx]
                a, b, c, d = answers(m, fold, task)
                for j, i in enumerate(idx):
                    ngram[i], embedded[i] = a[j], b[j]
                p_s[idx], p_e[idx] = c, d
        else:
            ngram, embedded, p_s, p_e = answers(model, texts, task)
        raw = pl.Series(texts, dtype=pl.String)
        out[f"{task}/{lang}"] = Answers(
            task,
            labels,
            ngram,
            embedded,
            p_s,
            p_e,
            np.array([len(t) for t in encoder.tokenize(texts)]),
            nothing_to_judge(clause_lists(raw)["normalised"]),
        )
        print(f"  collected {task}/{lang} ({n} texts)", flush=True)
    return out


#: Thresholds above any probability: every message with content is embedded.
EMBED_ALL = {"sentiment": 2.0, "emotion": 2.0}
#: Thresholds no probability is below: every message keeps the twins' answer.
TWINS_ONLY = {"sentiment": 0.0, "emotion": 0.0}


def figures(
    sets: dict[str, Answers], gate: dict[str, float]
) -> dict[str, tuple[float, float, float]]:
    """Per valid file: (figure, share of messages embedded, share of tokens embedded)."""
    from retailpulse.enrich.evaluate import macro_f1
    from retailpulse.enrich.gate import uncertain

    out = {}
    for name, a in sets.items():
        unsure = uncertain(gate, a.p_sentiment, a.p_emotion, a.empty)
        pred = [e if u else g for g, e, u in zip(a.ngram, a.embedded, unsure, strict=True)]
        f1 = macro_f1(a.labels, pred, sorted(set(a.labels)))
        out[name] = (f1, float(unsure.mean()), float(a.tokens[unsure].sum() / a.tokens.sum()))
    return out


def speeds(data: Path, n: int, repeats: int) -> None:
    from retailpulse.enrich.entities import Catalog
    from retailpulse.enrich.pipeline import enrich_texts
    from retailpulse.enrich.training_data import read_labelled
    from retailpulse.settings import load_settings

    catalog = Catalog.from_frames(competitors=load_settings().competitors)
    by_file = {rel: read_labelled(data / rel)[0] for rel in SENT_FILES}
    mix = [t for rel in SENT_FILES for t in by_file[rel]]
    runs = {"mix of the three (benchmarks/enrich.py)": mix} | {
        rel.split("/")[1] + " alone": texts for rel, texts in by_file.items()
    }
    enrich_texts(mix[:1000], tier="accurate", catalog=catalog)  # warm-up
    batch = 1_500  # benchmarks/enrich.py's accurate batch at 6,000 messages and 2 workers
    print(f"\nmessages/s, all tasks, one process, median of {repeats} [range], {batch}/batch:")
    print(f"  {'texts':42s} {'gated':>24s} {'embedding every message':>26s}  ratio")
    for label, texts in runs.items():
        texts = (texts * (n // len(texts) + 1))[:n]
        rates: dict[bool, list[float]] = {False: [], True: []}
        for _ in range(repeats):
            for embed_all in (False, True):
                t0 = time.perf_counter()
                for i in range(0, n, batch):
                    enrich_texts(
                        texts[i : i + batch], tier="accurate", catalog=catalog, embed_all=embed_all
                    )
                rates[embed_all].append(n / (time.perf_counter() - t0))

        def fmt(v: list[float]) -> str:
            return f"{statistics.median(v):,.0f} [{min(v):,.0f}-{max(v):,.0f}]"

        ratio = statistics.median(rates[False]) / statistics.median(rates[True])
        print(f"  {label:42s} {fmt(rates[False]):>24s} {fmt(rates[True]):>26s}  {ratio:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--messages", type=int, default=6_000, help="Messages per timed run.")
    ap.add_argument("--no-speed", action="store_true", help="Only the quality grid.")
    args = ap.parse_args()
    from retailpulse.enrich.gate import gate_of
    from retailpulse.enrich.pipeline import load_model

    data = Path(args.data_dir)
    model = load_model(None, "accurate")
    print(f"model {model.version}, gate {gate_of(model)}")
    sets = collect(data)
    names = list(sets)
    mix = [n for n in names if n.startswith("sentiment/")]
    mix_tokens = sum(sets[n].tokens.sum() for n in mix)
    mix_messages = sum(len(sets[n].labels) for n in mix)

    def embedded(f: dict[str, tuple[float, float, float]]) -> tuple[float, float]:
        """Shares of the mix's messages and tokens embedded."""
        msgs = sum(f[n][1] * len(sets[n].labels) for n in mix) / mix_messages
        return msgs, sum(f[n][2] * sets[n].tokens.sum() for n in mix) / mix_tokens

    def line(label: str, f: dict[str, tuple[float, float, float]]) -> str:
        cells = "  ".join(f"{f[n][0]:6.3f} ({f[n][1]:4.0%})" for n in names)
        msgs, tokens = embedded(f)
        return f"{label}  {cells}  {msgs:8.0%} {tokens:6.0%}"

    print(
        f"\n{'sentiment':>9s} {'emotion':>7s}  "
        + "  ".join(f"{n:>15s}" for n in names)
        + f"  {'messages':>8s} {'tokens':>6s}"
    )
    full = figures(sets, EMBED_ALL)
    print(line(f"{'twins only':>17s}", figures(sets, TWINS_ONLY)))
    print(line(f"{'embed all':>17s}", full))
    best = None
    for ts in SENTIMENT_GRID:
        for te in EMOTION_GRID:
            f = figures(sets, {"sentiment": ts, "emotion": te})
            print(line(f"{ts:9.1f} {te:7.1f}", f))
            if all(round(f[n][0], 3) >= round(full[n][0], 3) for n in names):
                tokens = embedded(f)[1]
                if best is None or tokens < best[0]:
                    best = (tokens, ts, te)
    print(
        "\ncells: figure (share of the file's messages embedded); messages, tokens: shares "
        "embedded of the three sentiment files together (benchmarks/enrich.py's mix)"
    )
    if best is not None:
        print(f"fewest tokens embedded with no figure below embedding all: {best[1]}, {best[2]}")
    if not args.no_speed:
        speeds(data, args.messages, args.repeats)


if __name__ == "__main__":
    main()
