"""Voice-of-the-customer benchmark: every understand step on >=1M messages, >=100k customers.

    .venv/bin/python benchmarks/understand.py [--messages 1000000] [--customers 100000]

Builds a seeded synthetic retailer (tests/understand/voc_synth.py, enriched-message columns
of the contract; every text made nearly unique with two random words) and prints the wall
time of each step. Peers run in the same process on the same data and are printed beside:
  - topics: scikit-learn HashingVectorizer + TF-IDF + TruncatedSVD + MiniBatchKMeans
    (if scikit-learn is installed; it is not a retailpulse dependency);
  - drivers: Shapley R² by refitting an OLS regression for every driver subset (numpy
    lstsq on the rows), against ours from the correlation matrix;
  - crisis: a rolling 28-day mean/sd z-score (no weekly seasonality) on simulated series,
    compared by recall of injected spikes and false alarms per 30 days.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from retailpulse.understand.behaviour import behaviour_report
from retailpulse.understand.crisis import crisis_alerts, detect_spikes
from retailpulse.understand.drivers import (
    _corr,
    driver_features,
    drivers_report,
    shapley_r2,
)
from retailpulse.understand.inputs import inbound
from retailpulse.understand.needs import needs_report
from retailpulse.understand.questions import Inputs, answer_questions
from retailpulse.understand.satisfaction import satisfaction_report
from retailpulse.understand.topics import (
    TopicModel,
    emerging_topics,
    hashed_embedding,
)
from voc_synth import make_world

ROWS: list[tuple[str, float, float]] = []


def timed(label: str, fn: Callable[[], Any]) -> Any:
    """Run ``fn``; print wall time and CPU time (all threads) of the process."""
    t, c = time.perf_counter(), time.process_time()
    out = fn()
    ROWS.append((label, time.perf_counter() - t, time.process_time() - c))
    print(f"  {label:<52} wall {ROWS[-1][1]:6.2f} s   cpu {ROWS[-1][2]:6.2f} s", flush=True)
    return out


def vary_texts(messages: pl.DataFrame, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    syll = ["ka", "ro", "mi", "te", "su", "na", "li", "po", "de", "ga", "zu", "be"]
    vocab = np.array(["".join(rng.choice(syll, 3)) for _ in range(3_000)], dtype=object)
    n = messages.height
    extra = np.char.add(np.char.add(" ", vocab[rng.integers(0, 3_000, n)].astype(str)), " ")
    extra = np.char.add(extra, vocab[rng.integers(0, 3_000, n)].astype(str))
    return messages.with_columns(
        pl.when(pl.col("direction") == "inbound")
        .then(pl.col("text") + pl.Series(extra.astype(object), dtype=pl.String))
        .otherwise(pl.col("text"))
    )


def sklearn_topics(texts: pl.Series, k: int, seed: int) -> str:
    try:
        from sklearn.cluster import MiniBatchKMeans
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
    except ImportError:
        return "scikit-learn not installed"
    uniq = texts.unique().to_list()
    x = HashingVectorizer(
        n_features=2**17,
        token_pattern=r"[\u3400-\u9fff]|[^\W\d_\u3400-\u9fff]+",
        ngram_range=(1, 2),
        alternate_sign=False,
    ).transform(uniq)
    x = TfidfTransformer(sublinear_tf=True).fit_transform(x)
    emb = TruncatedSVD(64, random_state=seed).fit_transform(x)
    MiniBatchKMeans(k, random_state=seed, n_init=3).fit(emb)
    return f"{len(uniq):,} distinct texts"


def refit_shapley(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    p = x.shape[1]
    ones = np.ones((x.shape[0], 1))
    sst = ((y - y.mean()) ** 2).sum()
    r2 = {(): 0.0}
    for size in range(1, p + 1):
        for sub in itertools.combinations(range(p), size):
            design = np.hstack([ones, x[:, sub]])
            beta = np.linalg.lstsq(design, y, rcond=None)[0]
            r2[sub] = 1 - ((y - design @ beta) ** 2).sum() / sst
    w = np.zeros(p)
    for sub, value in r2.items():
        for j in range(p):
            if j in sub:
                continue
            bigger = tuple(sorted((*sub, j)))
            k = len(sub)
            w[j] += (
                math.factorial(k)
                * math.factorial(p - k - 1)
                / math.factorial(p)
                * (r2[bigger] - value)
            )
    return w


def crisis_quality(seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    n, days = 2_000, 120
    weekly = np.array([0.8, 0.8, 0.9, 1.0, 1.1, 1.5, 1.6])
    base = rng.uniform(2, 40, n)
    mean = base[:, None] * weekly[np.arange(days) % 7][None, :]
    normal = rng.poisson(rng.gamma(20.0, mean / 20.0)).astype(float)
    spiky = rng.poisson(rng.gamma(20.0, mean / 20.0)).astype(float)
    at = rng.integers(35, days, n)
    spiky[np.arange(n), at] += rng.poisson(np.maximum(2.5 * mean[np.arange(n), at], 10))

    def rolling(c: np.ndarray) -> np.ndarray:
        flags = np.zeros_like(c, dtype=bool)
        for t in range(14, c.shape[1]):
            hist = c[:, max(0, t - 28) : t]
            z = (c[:, t] - hist.mean(1)) / np.maximum(hist.std(1), 1.0)
            flags[:, t] = (z >= 3.0) & (c[:, t] >= 5)
        return flags

    for name, fn in (
        ("retailpulse (weekly NB baseline)", lambda c: detect_spikes(c, 0).flags),
        ("peer: rolling 28-day z-score", rolling),
    ):
        t = time.perf_counter()
        rec = fn(spiky)[np.arange(n), at].mean()
        fa = fn(normal).sum() / (n * (days - 14)) * 30
        dt = time.perf_counter() - t
        print(f"  {name:<44} recall {rec:.3f}  false alarms/30 days {fa:.3f}  ({dt:.2f} s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=1_000_000, help="Inbound messages.")
    ap.add_argument("--customers", type=int, default=100_000, help="Customers.")
    ap.add_argument("--days", type=int, default=365, help="Days of history.")
    ap.add_argument("--seed", type=int, default=0, help="Seed.")
    args = ap.parse_args()

    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"Generating {args.messages:,} messages, {args.customers:,} customers ...", flush=True)
    t0 = time.perf_counter()
    w = make_world(args.customers, args.messages, days=args.days, seed=args.seed)
    msgs = vary_texts(w.messages, args.seed)
    print(
        f"  {msgs.height:,} message rows, {w.transactions.height:,} orders, "
        f"{w.surveys.height:,} surveys ({time.perf_counter() - t0:.1f} s)\n"
    )
    print("retailpulse.understand")
    kw: dict[str, Any] = {"customers": w.customers, "customer360": w.customer360}
    timed("satisfaction report", lambda: satisfaction_report(msgs, surveys=w.surveys, **kw))
    timed("needs report", lambda: needs_report(msgs, **kw))
    timed(
        "behaviour report",
        lambda: behaviour_report(msgs, transactions=w.transactions, campaigns=w.campaigns, **kw),
    )
    inb = inbound(msgs)
    emb = timed("topics: hashed TF-IDF + SVD embedding", lambda: hashed_embedding(inb["text"]))
    model = timed(
        "topics: k-means (auto k) + labels",
        lambda: TopicModel(seed=0).fit(emb, inb["text"], inb["language"]),
    )
    print(f"    -> {len(model.centres_)} topics, {model.unassigned_share_:.1%} unassigned")
    assigned = inb.select("id", "created_at").with_columns(pl.Series("topic", model.labels_))
    timed("topics: emerging", lambda: emerging_topics(assigned))
    cutoff = w.start + timedelta(days=args.days - 90)
    feats = timed(
        "drivers: features per customer",
        lambda: driver_features(
            msgs,
            w.transactions,
            cutoff=cutoff,
            surveys=w.surveys,
            campaigns=w.campaigns,
            customer360=w.customer360,
        ),
    )
    timed("drivers: relative weights, 200 bootstraps", lambda: drivers_report(feats, n_boot=200))
    topics = assigned.select("id", "topic")
    timed(
        "crisis alerts (all + aspect/store/product/topic)",
        lambda: crisis_alerts(msgs, topics=topics, **kw),
    )
    data = Inputs(
        messages=msgs,
        customers=w.customers,
        transactions=w.transactions,
        surveys=w.surveys,
        campaigns=w.campaigns,
        identities=w.identities,
        customer360=w.customer360,
    )
    timed("five questions", lambda: answer_questions(data))
    wall, cpu = sum(r[1] for r in ROWS), sum(r[2] for r in ROWS)
    print(f"  {'TOTAL':<52} wall {wall:6.2f} s   cpu {cpu:6.2f} s   (target: < 60 s, 2 cores)")
    print(f"  load average now: {os.getloadavg()[0]:.1f} (other processes share the cores)\n")

    print("peers, same data, same run")
    note = timed(
        "peer topics: scikit-learn hashing+SVD+MiniBatchKMeans",
        lambda: sklearn_topics(inb["text"], len(model.centres_), 0),
    )
    print(f"    -> {note}")
    drivers = [*[c for c in feats.columns if c.startswith("aspect_")][:6], "fast_response", "ugc"]
    sub = feats.select(*drivers, "repeat_purchase").fill_null(0.0).to_numpy()
    ours = timed("drivers: Shapley R² from correlations (8)", lambda: shapley_r2(_corr(sub)))
    peer = timed(
        "peer drivers: Shapley R² refitting OLS (8)", lambda: refit_shapley(sub[:, :-1], sub[:, -1])
    )
    print(f"    max |ours - peer| = {np.abs(ours - peer).max():.2e}")
    print("\ncrisis detection quality on 2,000 simulated series x 120 days")
    crisis_quality()


if __name__ == "__main__":
    main()
