"""Where worker processes start to pay: `retailpulse enrich-file` end to end, one process against
two workers, at several input sizes.

Each size is a Parquet file of real texts (the English tweets' valid file and the SmSA,
ChnSentiCorp and clothing-review train files, shuffled and repeated). Every run is a fresh
``retailpulse enrich-file`` process (read, enrich with every task of the fast tier, write the
CSV) with ``--workers 1`` or ``--workers 2``; the size floor of the pool
(:data:`retailpulse.enrich.workers.POOL_MIN_ROWS`) is lifted so that the two workers run at
every size. The two settings alternate ``--repeats`` times; the wall clock of each run is
printed. :data:`~retailpulse.enrich.workers.POOL_MIN_ROWS` is where the two lines cross.

Usage: ``python benchmarks/pool_threshold.py [--data-dir ../shared/data]
[--sizes 100000,250000,400000,600000,1000000] [--repeats 2]``
"""

from __future__ import annotations

import argparse
import csv
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

SOURCES = (
    "sentiment/en_tweeteval/valid.csv",
    "sentiment/id_smsa/train.csv",
    "sentiment/zh_chnsenticorp/train.csv",
    "reviews/en_clothing/train.csv",
)
#: Runs the CLI with the pool's size floor lifted.
RUN = (
    "import sys, retailpulse.enrich.workers as w; w.POOL_MIN_ROWS = 0; "
    "from retailpulse.cli import main; sys.argv = ['retailpulse'] + sys.argv[1:]; main()"
)


def texts(data_dir: Path) -> list[str]:
    out: list[str] = []
    for rel in SOURCES:
        with (data_dir / rel).open(encoding="utf-8", newline="") as fh:
            out += [row["text"] or "" for row in csv.DictReader(fh)]
    random.Random(0).shuffle(out)
    return out


def run(source: Path, output: Path, workers: int) -> float:
    t0 = time.perf_counter()
    cmd = [sys.executable, "-c", RUN, "enrich-file", str(source), "-o", str(output)]
    subprocess.run([*cmd, "--workers", str(workers)], check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    ap.add_argument("--sizes", default="100000,250000,400000,600000,1000000")
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()
    if not (args.data_dir / SOURCES[0]).exists():
        raise SystemExit(f"No shared data under {args.data_dir}: pass --data-dir.")
    pool = texts(args.data_dir)
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            source = Path(tmp) / f"in_{n}.parquet"
            pl.DataFrame({"text": [pool[i % len(pool)] for i in range(n)]}).write_parquet(source)
            seconds: dict[int, list[float]] = {1: [], 2: []}
            for _ in range(args.repeats):
                for workers in (1, 2):
                    seconds[workers].append(run(source, Path(tmp) / "out.csv", workers))
            one, two = (", ".join(f"{s:.1f}" for s in seconds[w]) for w in (1, 2))
            print(f"{n:>9,} messages: one process {one} s | two workers {two} s", flush=True)


if __name__ == "__main__":
    main()
