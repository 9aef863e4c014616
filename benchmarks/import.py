"""Import benchmark: 1M messages from CSV into SQLite, beside `sqlite-utils insert`.

    .venv/bin/python benchmarks/import.py [--rows 1000000]

Prints, for the same file on the same machine in the same run:
  - retailpulse import (validate + quarantine + upsert by natural key): rows/s and peak memory;
  - retailpulse re-import of the same file (everything unchanged): rows/s;
  - sqlite-utils insert --csv (no validation, no upsert): rows/s and peak memory.
Each tool runs in its own child process so peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

PLATFORMS = ["facebook", "instagram", "tiktok", "x", "weibo", "wechat", "review"]
WORDS = [
    "pengiriman",
    "lama",
    "banget",
    "kak",
    "barangnya",
    "bagus",
    "bgt",
    "mantul",
    "delivery",
    "late",
    "again",
    "the",
    "staff",
    "was",
    "super",
    "helpful",
    "size",
    "fits",
    "perfectly",
    "refund",
    "please",
    "快递太慢了",
    "质量很好",
    "客服",
    "態度",
    "很好",
    "promo",
    "diskon",
    "harga",
    "mahal",
    "murah",
    "stock",
    "habis",
    "restock",
    "when",
    "available",
    "store",
    "jakarta",
    "london",
]


def make_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "platform",
                "external_id",
                "kind",
                "direction",
                "author_id",
                "author_handle",
                "author_followers",
                "thread_id",
                "created_at",
                "text",
                "rating",
                "likes",
                "shares",
                "replies",
                "views",
                "language",
            ]
        )
        for i in range(rows):
            platform = PLATFORMS[i % len(PLATFORMS)]
            text = " ".join(rng.choices(WORDS, k=rng.randint(4, 30)))
            when = start + timedelta(seconds=i * 31)
            w.writerow(
                [
                    platform,
                    f"{platform[:2]}{i}",
                    "comment",
                    "inbound",
                    f"a{i % 90_000}",
                    f"@user{i % 90_000}",
                    rng.randint(0, 50_000),
                    f"t{i // 5}",
                    when.isoformat(),
                    text,
                    rng.randint(1, 5) if platform == "review" else "",
                    rng.randint(0, 500),
                    rng.randint(0, 50),
                    rng.randint(0, 20),
                    rng.randint(0, 10_000),
                    "",
                ]
            )


CHILD = r"""
import resource, sys, time
from retailpulse.store.database import Database
from retailpulse.listen.importer import import_file
db = Database.open(sys.argv[1])
t = time.perf_counter()
r = import_file(db, "messages", sys.argv[2], quarantine_dir=sys.argv[3])
dt = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{r.rows_read} {r.imported} {r.updated} {r.unchanged} {r.quarantined} {dt:.3f} {peak:.0f}")
"""


def run_ours(db: Path, csv_path: Path, work: Path) -> tuple[list[int], float, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, f"sqlite:///{db}", str(csv_path), str(work / "q")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    counts = [int(x) for x in out[:5]]
    return counts, float(out[5]), float(out[6])


def run_sqlite_utils(db: Path, csv_path: Path) -> tuple[float, float]:
    exe = shutil.which("sqlite-utils") or str(Path(sys.executable).parent / "sqlite-utils")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    subprocess.run([exe, "insert", str(db), "messages", str(csv_path), "--csv"], check=True)
    dt = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return dt, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rp-bench-import-"))
    try:
        csv_path = work / "messages.csv"
        t = time.perf_counter()
        make_csv(csv_path, args.rows)
        size = csv_path.stat().st_size / 1e6
        made = time.perf_counter() - t
        print(f"file: {args.rows:,} messages, {size:,.0f} MB CSV (made in {made:.1f} s)")

        su_db = work / "su.db"
        su_time, su_peak = run_sqlite_utils(su_db, csv_path)
        counts, ours_time, ours_peak = run_ours(work / "rp.db", csv_path, work)
        assert counts[1] == args.rows, counts
        counts2, again_time, again_peak = run_ours(work / "rp.db", csv_path, work)
        assert counts2[3] == args.rows, counts2

        rows = args.rows

        def line(name: str, seconds: float, peak: float) -> None:
            print(f"{name:<44}{seconds:>9.1f}{rows / seconds:>12,.0f}{peak:>10,.0f}")

        print()
        print(f"{'tool':<44}{'seconds':>9}{'rows/s':>12}{'peak MB':>10}")
        line("sqlite-utils insert --csv", su_time, su_peak)
        line("retailpulse import (new rows)", ours_time, ours_peak)
        line("retailpulse re-import (all unchanged)", again_time, again_peak)
        print()
        print("targets: import >= 50,000 rows/s, peak <= 1,024 MB; re-import >= 100,000 rows/s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
