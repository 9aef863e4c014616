"""Benchmark: generating the demo retailer, beside Faker producing the same row counts.

    python benchmarks/demo.py [--size small|medium|large] [--no-peer]

Each run happens in a fresh subprocess so its peak memory (max RSS) is its own. The peer is
Faker (``pip install faker``) filling the same number of customers (name, e-mail, phone) and
messages (one ``sentence()`` each, in en_GB / id_ID / zh_CN / zh_TW): the usual way to fake
data, with no purchases, threads or planted truths. Prints seconds, rows per second, peak
memory and how many of the message texts are distinct.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile

OURS = """
import json, resource, sys, time
from retailpulse.demo import export, generate
t0 = time.perf_counter()
data = generate(size=sys.argv[1], seed=7)
t1 = time.perf_counter()
export(data, sys.argv[2])
t2 = time.perf_counter()
m = data["messages"]
print(json.dumps({
    "generate_s": t1 - t0, "export_s": t2 - t1,
    "customers": data["customers"].height, "messages": m.height,
    "rows": sum(f.height for f in data.values()),
    "distinct_texts": m["text"].n_unique() / m.height,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""

PEER = """
import json, resource, sys, time
from faker import Faker
n_cust, n_msg = int(sys.argv[1]), int(sys.argv[2])
fakers = [Faker(loc) for loc in ("en_GB", "id_ID", "zh_CN", "zh_TW")]
for i, f in enumerate(fakers):
    f.seed_instance(7 + i)
t0 = time.perf_counter()
customers = [(f.name(), f.email(), f.phone_number())
             for f in (fakers[i % 4] for i in range(n_cust))]
texts = [fakers[i % 4].sentence() for i in range(n_msg)]
t1 = time.perf_counter()
print(json.dumps({
    "generate_s": t1 - t0, "export_s": 0.0, "customers": len(customers), "messages": len(texts),
    "rows": len(customers) + len(texts), "distinct_texts": len(set(texts)) / len(texts),
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def _run(code: str, *args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="small", choices=("small", "medium", "large"))
    parser.add_argument("--no-peer", action="store_true", help="skip the Faker run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ours = _run(OURS, args.size, tmp)
    rows = [("retailpulse.demo", ours)]
    if not args.no_peer:
        try:
            import faker  # noqa: F401
        except ImportError:
            print("Faker is not installed: pip install faker (or pass --no-peer).")
        else:
            rows.append(
                (
                    "faker (names + sentences)",
                    _run(PEER, str(int(ours["customers"])), str(int(ours["messages"]))),
                )
            )
    print(f"demo size={args.size}")
    head = (
        f"{'generator':28} {'customers':>10} {'messages':>10} {'all rows':>10} "
        f"{'generate s':>11} {'rows/s':>10} {'export s':>9} {'peak MB':>8} {'distinct':>9}"
    )
    print(head)
    for name, r in rows:
        print(
            f"{name:28} {int(r['customers']):>10,} {int(r['messages']):>10,} "
            f"{int(r['rows']):>10,} {r['generate_s']:>11.1f} "
            f"{r['rows'] / r['generate_s']:>10,.0f} {r['export_s']:>9.1f} {r['peak_mb']:>8.0f} "
            f"{r['distinct_texts']:>9.1%}"
        )


if __name__ == "__main__":
    main()
