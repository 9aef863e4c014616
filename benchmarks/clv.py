"""CLV benchmark: retailpulse against lifetimes, pymc-marketing (MAP, flat priors), DuckDB and
pandas, in the same run, printed side by side.

    python benchmarks/clv.py                 # everything (several minutes)
    python benchmarks/clv.py --only bg,pareto --customers 200000

Sections:
  bg        BG/NBD fit on simulated customers (daily periods, T 30-365 days)
  pareto    Pareto/NBD fit on the CDNOW 1/10th sample (2,357 customers)
  rfm       rfm_summary over simulated transactions vs DuckDB SQL, pandas and lifetimes
  e2e       10M customers end to end (transactions -> summary -> BG/NBD + Gamma-Gamma -> CLV)
            in a child process, reporting its peak memory

Peers that are not installed, or fail on this Python, are reported as such with the reason.
The peers need: pip install lifetimes pandas duckdb pymc-marketing
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from retailpulse.understand.clv import BetaGeo, GammaGamma, ParetoNBD, predict, rfm_summary
from retailpulse.understand.clv_simulate import simulate_beta_geo, simulate_spend

ROOT = Path(__file__).resolve().parents[1]
CDNOW = ROOT / "tests" / "understand" / "data" / "cdnow_customers_summary_with_transactions.csv"
RESULTS: dict[str, list[dict[str, Any]]] = {}


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Best wall time of ``repeat`` runs, and the last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def record(section: str, tool: str, seconds: float | None, note: str) -> None:
    RESULTS.setdefault(section, []).append({"tool": tool, "seconds": seconds, "note": note})
    shown = f"{seconds:9.3f} s" if seconds is not None else "      n/a  "
    print(f"  {tool:<28} {shown}   {note}", flush=True)


def peer(section: str, tool: str, fn: Callable[[], tuple[float, str]]) -> None:
    try:
        seconds, note = fn()
        record(section, tool, seconds, note)
    except Exception as exc:  # a peer failing is a result to report, not a crash
        record(section, tool, None, f"failed: {type(exc).__name__}: {str(exc)[:160]}")


def fmt(params: dict[str, float]) -> str:
    return ", ".join(f"{k}={v:.4g}" for k, v in params.items())


# --- BG/NBD on simulated customers ----------------------------------------------------------
def bench_bg(n: int) -> None:
    print(f"\nBG/NBD fit on {n:,} simulated customers (true r=0.25 alpha=4 a=0.8 b=2.5, days)")
    T = np.random.default_rng(0).integers(30, 366, n).astype(float)
    sim = simulate_beta_geo(n, 0.25, 4.0, 0.8, 2.5, T, seed=1, discrete=True)
    secs, m = timed(lambda: BetaGeo().fit(sim), repeat=3)
    record("bg", "retailpulse BetaGeo", secs, f"{fmt(m.params_)}; {m.n_unique_rows_:,} unique rows")
    pdf = sim.to_pandas()

    def lifetimes_fit() -> tuple[float, str]:
        from lifetimes import BetaGeoFitter

        f = BetaGeoFitter()
        secs, f = timed(lambda: f.fit(pdf["frequency"], pdf["recency"], pdf["T"]))
        return secs, fmt(dict(f.params_))

    def pymc_fit() -> tuple[float, str]:
        return _pymc_map("BetaGeoModel", pdf, ("alpha", "r", "a", "b"))

    peer("bg", "lifetimes BetaGeoFitter", lifetimes_fit)
    peer("bg", "pymc-marketing MAP (flat)", pymc_fit)


def _pymc_map(model_name: str, pdf: Any, names: tuple[str, ...]) -> tuple[float, str]:
    warnings.filterwarnings("ignore")
    import pymc_marketing.clv as clv

    try:
        from pymc_extras.prior import Prior
    except ImportError:  # older pymc-marketing
        from pymc_marketing.prior import Prior  # type: ignore[no-redef]
    data = pdf.rename(columns={"customer_id": "customer_id"})[
        ["customer_id", "frequency", "recency", "T"]
    ]
    cfg = {k: Prior("HalfFlat") for k in names}
    cls = getattr(clv, model_name)
    # Warm-up on a small slice compiles the graph once, so the timed fit is the fit itself.
    cls(data.head(500), model_config=cfg).fit(method="map", progressbar=False)
    model = cls(data, model_config=cfg)
    secs, _ = timed(lambda: model.fit(method="map", progressbar=False))
    summ = model.fit_summary()
    return secs, fmt({k: float(summ[k]) for k in names}) + " (model build excluded)"


# --- Pareto/NBD on CDNOW ----------------------------------------------------------------------
def bench_pareto() -> None:
    print("\nPareto/NBD fit on CDNOW (2,357 customers, weeks)")
    d = pl.read_csv(CDNOW).rename({"ID": "customer_id", "x": "frequency", "t_x": "recency"})
    secs, m = timed(lambda: ParetoNBD().fit(d), repeat=5)
    record("pareto", "retailpulse ParetoNBD", secs, fmt(m.params_))
    pdf = d.to_pandas()

    def lifetimes_fit() -> tuple[float, str]:
        from lifetimes import ParetoNBDFitter

        best, f = float("inf"), None
        for _ in range(3):
            f = ParetoNBDFitter()
            secs, f = timed(lambda f=f: f.fit(pdf["frequency"], pdf["recency"], pdf["T"]))
            best = min(best, secs)
        return best, fmt(dict(f.params_))  # type: ignore[union-attr]

    peer("pareto", "lifetimes ParetoNBDFitter", lifetimes_fit)
    peer(
        "pareto",
        "pymc-marketing MAP (flat)",
        lambda: _pymc_map("ParetoNBDModel", pdf, ("r", "alpha", "s", "beta")),
    )


# --- rfm_summary on transactions -------------------------------------------------------------
def make_transactions(n_tx: int, n_customers: int, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    start = np.datetime64("2023-01-01T00:00:00", "us")
    seconds = rng.integers(0, 730 * 86400, n_tx)
    return pl.DataFrame(
        {
            "customer_id": rng.integers(0, n_customers, n_tx),
            "created_at": start + seconds.astype("timedelta64[s]"),
            "total": np.round(rng.gamma(2.0, 20.0, n_tx) + 1.0, 2),
        }
    )


def bench_rfm(n_tx: int) -> None:
    n_c = max(n_tx // 10, 1)
    print(f"\nrfm_summary over {n_tx:,} transactions of {n_c:,} customers (daily periods)")
    tx = make_transactions(n_tx, n_c)
    end = "2024-12-31"
    secs, ours = timed(lambda: rfm_summary(tx, "customer_id", "created_at", "total", end), repeat=3)
    record("rfm", "retailpulse rfm_summary", secs, f"{ours.height:,} customers")

    def duckdb_sql() -> tuple[float, str]:
        import duckdb

        con = duckdb.connect()
        con.register("tx", tx.to_arrow())
        sql = """
            WITH p AS (SELECT customer_id, CAST(created_at AS DATE) AS d, SUM(total) AS v
                       FROM tx GROUP BY 1, 2),
                 s AS (SELECT customer_id, MIN(d) AS f, MAX(d) AS l, COUNT(*) AS n,
                              SUM(v) AS sv, arg_min(v, d) AS fv FROM p GROUP BY 1)
            SELECT customer_id, n - 1 AS frequency, l - f AS recency,
                   DATE '2024-12-31' - f AS T,
                   CASE WHEN n > 1 THEN (sv - fv) / (n - 1) ELSE 0 END AS monetary_value
            FROM s"""
        secs, out = timed(lambda: con.execute(sql).to_arrow_table(), repeat=3)
        row = con.execute("SELECT current_setting('threads')").fetchone()
        threads = row[0] if row else "?"
        return (
            secs,
            f"{out.num_rows:,} customers; threads={threads}",
        )

    pdf = tx.to_pandas()

    def pandas_groupby() -> tuple[float, str]:
        def run() -> Any:
            d = pdf.assign(day=pdf["created_at"].dt.floor("D"))
            p = d.groupby(["customer_id", "day"], sort=True)["total"].sum().reset_index()
            g = p.groupby("customer_id")
            s = g.agg(
                f=("day", "min"),
                l=("day", "max"),
                n=("day", "size"),
                sv=("total", "sum"),
                fv=("total", "first"),
            )
            s["frequency"] = s["n"] - 1
            s["recency"] = (s["l"] - s["f"]).dt.days
            s["T"] = (np.datetime64(end) - s["f"]).dt.days
            s["monetary_value"] = np.where(
                s["n"] > 1, (s["sv"] - s["fv"]) / s["frequency"].clip(lower=1), 0
            )
            return s

        secs, out = timed(run)
        return secs, f"{len(out):,} customers"

    def lifetimes_summary() -> tuple[float, str]:
        from lifetimes.utils import summary_data_from_transaction_data

        secs, out = timed(
            lambda: summary_data_from_transaction_data(
                pdf, "customer_id", "created_at", "total", observation_period_end=end, freq="D"
            )
        )
        return secs, f"{len(out):,} customers"

    peer("rfm", "DuckDB SQL", duckdb_sql)
    peer("rfm", "pandas groupby", pandas_groupby)
    if n_tx <= 20_000_000:
        peer("rfm", "lifetimes summary_data_...", lifetimes_summary)


# --- end to end, in a child process so its peak memory is its own ------------------------------
def e2e_child(n_customers: int) -> None:
    t0 = time.perf_counter()
    rng = np.random.default_rng(7)
    T = rng.integers(30, 731, n_customers).astype(float)
    sim = simulate_beta_geo(n_customers, 0.25, 4.0, 0.8, 2.5, T, seed=8, discrete=True)
    x = sim["frequency"].to_numpy().astype(np.int64)
    tx = sim["recency"].to_numpy()
    first = (730 - T).astype(np.int64)
    # One first purchase per customer, x repeats with the last on day first + recency.
    n_rep = x
    cust = np.repeat(np.arange(n_customers), 1 + n_rep)
    offs = np.zeros(len(cust), dtype=np.int64)
    pos = np.cumsum(1 + n_rep) - 1  # index of each customer's last row
    has = n_rep > 0
    offs[pos[has]] = tx[has].astype(np.int64)
    # Middle repeats: uniform days in [1, recency] (same-day ones collapse, as in real logs).
    middle = np.ones(len(cust), dtype=bool)
    middle[pos] = False
    middle[pos - n_rep] = False
    span = np.repeat(np.maximum(tx, 1), 1 + n_rep).astype(np.int64)
    offs[middle] = rng.integers(1, span[middle] + 1)
    days = np.repeat(first, 1 + n_rep) + offs
    spend = simulate_spend(np.ones(len(cust)), 6.0, 3.7, 15.0, seed=9)
    transactions = pl.DataFrame(
        {
            "customer_id": cust,
            "created_at": np.datetime64("2023-01-01", "D") + days.astype("timedelta64[D]"),
            "total": spend + 0.01,
        }
    )
    del sim, cust, offs, days, spend, middle, span
    gen = time.perf_counter() - t0
    t1 = time.perf_counter()
    summary = rfm_summary(transactions, "customer_id", "created_at", "total", "2024-12-31")
    t_sum = time.perf_counter() - t1
    del transactions
    t2 = time.perf_counter()
    bg = BetaGeo().fit(summary)
    gg = GammaGamma().fit(summary)
    t_fit = time.perf_counter() - t2
    t3 = time.perf_counter()
    out = predict(bg, summary, horizon=90, spend_model=gg, months=12, freq="D")
    t_pred = time.perf_counter() - t3
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(
        json.dumps(
            {
                "customers": out.height,
                "transactions": int((1 + n_rep).sum()),
                "generate_s": gen,
                "summary_s": t_sum,
                "fit_s": t_fit,
                "predict_s": t_pred,
                "peak_rss_gb": peak,
                "bg": bg.params_,
                "gg": gg.params_,
            }
        )
    )


def bench_e2e(n_customers: int) -> None:
    print(f"\n{n_customers:,} customers end to end (child process; peak RSS includes generation)")
    proc = subprocess.run(
        [sys.executable, __file__, "--e2e-child", str(n_customers)],
        capture_output=True,
        text=True,
        env={**os.environ},
        check=False,
    )
    if proc.returncode != 0:
        record("e2e", "retailpulse pipeline", None, f"failed: {proc.stderr[-300:]}")
        return
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    total = r["summary_s"] + r["fit_s"] + r["predict_s"]
    record(
        "e2e",
        "retailpulse pipeline",
        total,
        f"{r['transactions']:,} tx; summary {r['summary_s']:.2f}s, fit {r['fit_s']:.2f}s, "
        f"predict+CLV {r['predict_s']:.2f}s; peak RSS {r['peak_rss_gb']:.2f} GB",
    )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--only", default="bg,pareto,rfm,e2e", help="comma-separated sections")
    ap.add_argument("--customers", type=int, default=1_000_000, help="BG/NBD fit size")
    ap.add_argument("--transactions", type=int, default=10_000_000, help="rfm_summary size")
    ap.add_argument("--e2e-customers", type=int, default=10_000_000, help="end-to-end size")
    ap.add_argument("--e2e-child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = ap.parse_args()
    if args.e2e_child:
        e2e_child(args.e2e_child)
        return
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus, load {os.getloadavg()[0]:.1f}")
    only = set(args.only.split(","))
    if "bg" in only:
        bench_bg(args.customers)
    if "pareto" in only:
        bench_pareto()
    if "rfm" in only:
        bench_rfm(args.transactions)
    if "e2e" in only:
        bench_e2e(args.e2e_customers)
    if args.json:
        args.json.write_text(json.dumps(RESULTS, indent=2))


if __name__ == "__main__":
    main()
