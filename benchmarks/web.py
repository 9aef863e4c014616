"""Web benchmark: page latency, inbox queue latency and concurrent API load, beside datasette.

    .venv/bin/python benchmarks/web.py [--messages 1000000] [--customers 100000]
        [--clients 200] [--duration 60] [--repeat 20] [--keep DIR]

Builds a synthetic store in SQLite (messages with enrichment, customers, identities, orders,
surveys), syncs the inbox, then starts `retailpulse serve` in a child process and measures on
loopback, in the same run:
  - p50 / p95 of every page (signed in, sequential requests);
  - the inbox queue (GET /api/v1/conversations) p50 / p95;
  - N concurrent API clients (bearer tokens) for D seconds: requests, errors, throughput;
  - the peer: `datasette serve` on the same file, its table page of the 50 newest messages and
    a text search, beside our Listen page and /api/v1/messages doing the same.
Needs `pip install datasette` for the peer (not a dependency of retailpulse).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent
PLATFORMS = ["facebook", "instagram", "tiktok", "x", "weibo", "wechat", "review"]
WORDS = [
    "delivery",
    "late",
    "again",
    "refund",
    "please",
    "staff",
    "helpful",
    "size",
    "fits",
    "promo",
    "diskon",
    "harga",
    "mahal",
    "pengiriman",
    "lama",
    "barangnya",
    "bagus",
    "快递太慢了",
    "质量很好",
    "客服",
    "很好",
    "stock",
    "habis",
]
SENT = ["negative", "neutral", "positive"]
EMO = ["anger", "joy", "none", "sadness", "love", "surprise", "fear"]
INTENTS = ["complaint", "question", "praise", "", "request", "purchase_intent", ""]
ASPECTS = [
    "delivery:negative",
    "price:negative",
    "service:positive",
    "product_quality:positive",
    "",
    "availability:neutral",
]


def build(path: Path, n_msgs: int, n_cust: int) -> None:
    import retailpulse

    retailpulse.open(f"sqlite:///{path}").close()
    rng = random.Random(7)
    now = datetime(2026, 11, 20, 12)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    stamp = now.isoformat(" ")

    def h(i: object) -> str:
        return hashlib.md5(str(i).encode()).hexdigest()

    con.executemany(
        "INSERT INTO stores (store_id, name, city, row_hash, imported_at, updated_at) "
        "VALUES (?,?,?,?,?,?)",
        [(f"S{i}", f"Store {i}", "Jakarta", h(i), stamp, stamp) for i in range(20)],
    )
    con.executemany(
        "INSERT INTO customers (customer_id, name, tier, home_store, row_hash, imported_at, "
        "updated_at) VALUES (?,?,?,?,?,?,?)",
        [
            (
                f"C{i}",
                f"Customer {i}",
                rng.choice(["none", "bronze", "silver", "gold", "platinum"]),
                f"S{i % 20}",
                h(i),
                stamp,
                stamp,
            )
            for i in range(n_cust)
        ],
    )
    n_authors = max(n_msgs // 8, 1)
    con.executemany(
        "INSERT INTO identities (customer_id, platform, author_id, method, consent, linked_at, "
        "row_hash, imported_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
        [
            (
                f"C{a % n_cust}",
                PLATFORMS[a % len(PLATFORMS)],
                f"a{a}",
                "login",
                1,
                stamp,
                h(a),
                stamp,
                stamp,
            )
            for a in range(0, n_authors, 3)
        ],
    )
    con.executemany(
        "INSERT INTO transactions (order_id, customer_id, created_at, store_id, channel, total, "
        "row_hash, imported_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
        [
            (
                f"O{i}",
                f"C{rng.randrange(n_cust)}",
                (now - timedelta(days=rng.random() * 365)).isoformat(" "),
                f"S{i % 20}",
                "store",
                round(rng.uniform(5, 300), 2),
                h(i),
                stamp,
                stamp,
            )
            for i in range(n_cust * 3)
        ],
    )
    con.executemany(
        "INSERT INTO surveys (response_id, customer_id, created_at, nps, csat, row_hash, "
        "imported_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
        [
            (
                f"R{i}",
                f"C{rng.randrange(n_cust)}",
                (now - timedelta(days=rng.random() * 90)).isoformat(" "),
                rng.randrange(11),
                rng.randrange(1, 6),
                h(i),
                stamp,
                stamp,
            )
            for i in range(n_cust // 5)
        ],
    )
    chunk = 100_000
    for start in range(0, n_msgs, chunk):
        rows, enr = [], []
        for i in range(start, min(start + chunk, n_msgs)):
            a = rng.randrange(n_authors)
            plat = PLATFORMS[a % len(PLATFORMS)]
            created = (now - timedelta(minutes=(n_msgs - i) * 525_600 / n_msgs)).isoformat(" ")
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(4, 20)))
            rows.append(
                (
                    i + 1,
                    plat,
                    f"m{i}",
                    rng.choice(["post", "comment", "dm", "review"]),
                    "inbound",
                    "@brand",
                    f"a{a}",
                    f"a{a}",
                    rng.randrange(50_000),
                    None,
                    created,
                    text,
                    h(i),
                    stamp,
                    stamp,
                )
            )
            enr.append(
                (
                    i + 1,
                    rng.choice(["en", "id", "zh"]),
                    rng.choice(SENT),
                    rng.random(),
                    rng.choice(EMO),
                    rng.choice(INTENTS),
                    rng.choice(ASPECTS),
                    f"store:S{rng.randrange(20)}",
                    0,
                    "bench",
                    stamp,
                )
            )
        con.executemany(
            "INSERT INTO messages (id, platform, external_id, kind, direction, account, "
            "author_id, author_handle, author_followers, thread_id, created_at, text, row_hash, "
            "imported_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        con.executemany(
            "INSERT INTO message_enrichment (message_id, language, sentiment, p_negative, "
            "emotion, intents, aspects, entities, is_spam, model_version, enriched_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            enr,
        )
        con.commit()
    con.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(url: str, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if proc.poll() is not None:
            raise SystemExit(f"server exited early ({proc.returncode})")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit(f"server at {url} did not start")


def timed(client: httpx.Client, url: str, repeat: int) -> tuple[float, float, int]:
    times = []
    status = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        status = r.status_code
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, status


def load(base: str, token: str, clients: int, duration: float) -> dict[str, float]:
    paths = [
        "/api/v1/conversations",
        "/api/v1/messages",
        "/api/v1/messages?sentiment=negative",
        "/api/v1/customers?q=Customer%201",
        "/api/v1/me",
    ]
    counts = {"ok": 0, "errors": 0}
    lock = threading.Lock()
    stop = time.perf_counter() + duration
    first_error: list[str] = []

    def worker(k: int) -> None:
        with httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60
        ) as c:
            i = k
            while time.perf_counter() < stop:
                try:
                    r = c.get(paths[i % len(paths)])
                    good = r.status_code == 200
                except httpx.HTTPError as exc:
                    good = False
                    r = None
                    if not first_error:
                        first_error.append(repr(exc))
                with lock:
                    counts["ok" if good else "errors"] += 1
                    if not good and r is not None and not first_error:
                        first_error.append(f"{r.status_code} {r.text[:200]}")
                i += 1

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    if first_error:
        print("   first error:", first_error[0])
    return {
        "requests": counts["ok"] + counts["errors"],
        "errors": counts["errors"],
        "rps": (counts["ok"] + counts["errors"]) / elapsed,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--warmup", type=float, default=20.0, help="Seconds to let caches fill.")
    ap.add_argument("--keep", type=Path, help="Folder to keep the database in (reused).")
    args = ap.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="rp-bench-web-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / f"web-{args.messages}-{args.customers}.db"
    url = f"sqlite:///{db}"
    if not db.exists():
        t0 = time.perf_counter()
        build(db, args.messages, args.customers)
        print(
            f"built {args.messages:,} messages / {args.customers:,} customers "
            f"in {time.perf_counter() - t0:.0f} s"
        )
    import retailpulse
    from retailpulse.engage import inbox_store
    from retailpulse.web import auth

    ws = retailpulse.open(url)
    t0 = time.perf_counter()
    counts = inbox_store.sync(ws.db)
    print(
        f"inbox sync: {counts['messages']:,} messages → {counts['created'] + counts['updated']:,}"
        f" conversations in {time.perf_counter() - t0:.1f} s"
    )
    if not auth.list_users(ws.db):
        auth.create_user(ws.db, "bench", "bench-password", "admin")
    token = auth.create_token(ws.db, auth.list_users(ws.db)[0], "bench")
    ws.close()

    port, peer_port = free_port(), free_port()
    ours = subprocess.Popen(
        [str(BIN / "retailpulse"), "serve", "--db", url, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    peer = None
    if shutil.which("datasette", path=str(BIN)) or (BIN / "datasette").exists():
        peer = subprocess.Popen(
            [
                str(BIN / "datasette"),
                "serve",
                str(db),
                "--port",
                str(peer_port),
                "--setting",
                "sql_time_limit_ms",
                "30000",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_up(f"{base}/healthz", ours)
        time.sleep(args.warmup)  # `serve` fills its caches of slow aggregates in the background
        c = httpx.Client(base_url=base, timeout=120)
        page = c.get("/login").text
        csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
        c.post(
            "/login", data={"username": "bench", "password": "bench-password", "csrf_token": csrf}
        )
        conv = c.get("/api/v1/conversations").json()["data"]
        cid = conv[0]["id"] if conv else 1
        pages = [
            "/",
            "/listen",
            "/listen?sentiment=negative&intent=complaint",
            "/listen?q=%E8%B4%A8%E9%87%8F",
            "/listen?q=refund&platform=x",
            "/inbox",
            f"/inbox/{cid}",
            "/customers",
            "/customers?q=Customer%2042",
            "/customers/C42",
            "/understand",
            "/alerts",
            "/settings",
            "/api/v1/conversations",
        ]
        print(f"\n{'page (signed in, sequential)':<52}{'p50 ms':>9}{'p95 ms':>9}  status")
        for p in pages:
            p50, p95, status = timed(c, p, args.repeat)
            print(f"{p:<52}{p50:>9.1f}{p95:>9.1f}  {status}")
        if peer is not None:
            wait_up(f"http://127.0.0.1:{peer_port}/-/versions.json", peer)
            d = httpx.Client(base_url=f"http://127.0.0.1:{peer_port}", timeout=120)
            name = db.stem
            print(f"\n{'same question, ours vs datasette':<52}{'p50 ms':>9}{'p95 ms':>9}  status")
            for label, ours_path, peer_path in [
                (
                    "50 newest messages",
                    "/api/v1/messages",
                    f"/{name}/messages.json?_size=50&_sort_desc=created_at",
                ),
                (
                    "text search 'refund' (50)",
                    "/api/v1/messages?q=refund",
                    f"/{name}/messages.json?_size=50&_sort_desc=created_at&text__contains=refund",
                ),
                (
                    "text search '质量' (50)",
                    "/api/v1/messages?q=%E8%B4%A8%E9%87%8F",
                    f"/{name}/messages.json?_size=50&_sort_desc=created_at&"
                    "text__contains=%E8%B4%A8%E9%87%8F",
                ),
            ]:
                p50, p95, s1 = timed(c, ours_path, args.repeat)
                q50, q95, s2 = timed(d, peer_path, args.repeat)
                print(f"{'retailpulse ' + label:<52}{p50:>9.1f}{p95:>9.1f}  {s1}")
                print(f"{'datasette   ' + label:<52}{q50:>9.1f}{q95:>9.1f}  {s2}")
        print(f"\n{args.clients} concurrent API clients for {args.duration:.0f} s (bearer token):")
        res = load(base, token, args.clients, args.duration)
        print(
            f"   retailpulse: {res['requests']:,} requests, {res['errors']:,} errors, "
            f"{res['rps']:.0f} req/s"
        )
        if peer is not None:
            name = db.stem
            paths = [f"/{name}/messages.json?_size=50&_sort_desc=created_at"]
            counts = {"n": 0, "err": 0}
            stop = time.perf_counter() + args.duration
            lock = threading.Lock()

            def w() -> None:
                with httpx.Client(base_url=f"http://127.0.0.1:{peer_port}", timeout=60) as cl:
                    while time.perf_counter() < stop:
                        try:
                            ok = cl.get(paths[0]).status_code == 200
                        except httpx.HTTPError:
                            ok = False
                        with lock:
                            counts["n"] += 1
                            counts["err"] += 0 if ok else 1

            t0 = time.perf_counter()
            ts = [threading.Thread(target=w) for _ in range(args.clients)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
            el = time.perf_counter() - t0
            print(
                f"   datasette:   {counts['n']:,} requests, {counts['err']:,} errors, "
                f"{counts['n'] / el:.0f} req/s (50 newest messages only)"
            )
    finally:
        for proc in (ours, peer):
            if proc is None:
                continue
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
