"""What masking the retailer's own names costs, and what it changes.

``retailpulse enrich`` enriches a store's messages with the retailer's products, stores and
staff as the entity catalog, and the opinion tasks read the messages without those names
(``retailpulse/enrich/names.py``). This benchmark measures, in one process, the fast tier with
every task on and a catalog of a realistic size, with the mask (as shipped) and without it
(the same catalog, the mask switched off), alternating, on the same messages:

* the catalog: the 4,000-odd product descriptions of the shared Online Retail II file (real
  product names: "WHITE HANGING HEART T-LIGHT HOLDER"), 60 staff names in three languages
  (some of them opinion words: Bagus, Grace, Joy) and 40 stores;
* the messages: the mix of the three sentiment valid files that ``benchmarks/enrich.py``
  times, a tenth of them with a staff or store name put in front ("Rina: ...", "Toko Kemang:
  ...").

It prints messages/s (median of ``--repeats`` [range]) with and without the mask, how many
messages the mask touched, and how many changed sentiment.

``--sway`` prints, for each tier, how often a staff name changes the sentiment of a message:
six templates per language (praise and complaints about a staff member: "Mbak {} di toko
Sudirman ramah banget!", "{} at the checkout was rude and ignored me", "{}态度很差，爱理不理")
with each of twenty common names, against the same message without a name, with no catalog and
with the names in the staff table.

Usage: ``python benchmarks/name_mask.py [--data-dir ../shared/data] [--messages 100000]
[--sway]``
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# fmt: off
STAFF = [
    "Rina", "Sari", "Dewi", "Budi", "Joko", "Andi", "Putri", "Agus", "Wati", "Yanti", "Siti",
    "Rudi", "Eko", "Fitri", "Dian", "Rizky", "Indah", "Hendra", "Bagus", "Ayu", "Sarah", "John",
    "Emily", "Michael", "Jessica", "David", "Ashley", "Chris", "Megan", "Kevin", "Laura", "Brian",
    "Rachel", "Jason", "Amanda", "Tyler", "Olivia", "Ryan", "Grace", "Joy", "小王", "小李", "小张",
    "小刘", "小陈", "小杨", "小赵", "小黄", "小周", "小吴", "王经理", "李姐", "张师傅", "刘店长",
    "陈小姐", "杨先生", "赵阿姨", "黄哥", "周姐", "吴老师",
]
AREAS = [
    "Sudirman", "Kemang", "Senayan", "Kelapa Gading", "Depok", "Bekasi", "Bintaro", "Serpong",
    "Cibubur", "Margonda", "Orchard", "Bugis", "Tampines", "Jurong", "Bedok", "Causeway Point",
    "Pavilion", "Mid Valley", "Sunway", "Bangsar",
]
# fmt: on


def catalog(data_dir: Path):  # type: ignore[no-untyped-def]
    import polars as pl

    from retailpulse.enrich.entities import Catalog
    from retailpulse.settings import load_settings

    retail = pl.read_parquet(
        data_dir / "transactions" / "online_retail_ii" / "2009-12_to_2010-08.parquet",
        columns=["StockCode", "Description"],
    )
    products = (
        retail.drop_nulls()
        .unique("StockCode", keep="first")
        .select(
            pl.col("StockCode").cast(pl.String).alias("sku"), pl.col("Description").alias("name")
        )
        .sort("sku")
    )
    stores = pl.DataFrame(
        {
            "store_id": [f"S{i}" for i in range(len(AREAS) * 2)],
            "name": [f"Toko {a}" for a in AREAS] + [f"{a} store" for a in AREAS],
            "aliases": AREAS + [None] * len(AREAS),
        }
    )
    staff = pl.DataFrame({"staff_id": [f"E{i}" for i in range(len(STAFF))], "name": STAFF})
    return Catalog.from_frames(
        products=products, stores=stores, staff=staff, competitors=load_settings().competitors
    ), products.height


def messages(data_dir: Path, n: int) -> list[str]:
    from retailpulse.enrich.training_data import read_labelled

    texts: list[str] = []
    for rel in (
        "sentiment/en_tweeteval/valid.csv",
        "sentiment/id_smsa/valid.csv",
        "sentiment/zh_chnsenticorp/valid.csv",
    ):
        texts += read_labelled(data_dir / rel)[0]
    rng = random.Random(0)
    out = [texts[i % len(texts)] for i in range(n)]
    for i in rng.sample(range(n), n // 10):
        name = rng.choice(STAFF + [f"Toko {a}" for a in AREAS])
        out[i] = f"{name}: {out[i]}"
    return out


# fmt: off
SWAY_NAMES = {
    "id": STAFF[:20],
    "en": STAFF[20:40],
    "zh": STAFF[40:60],
}
SWAY_TEMPLATES = {
    "id": [
        ("Mbak {} di toko Sudirman ramah banget!", "positive"),
        ("Terima kasih {}, pelayanannya sangat membantu", "positive"),
        ("Kasir {} judes banget, gak mau senyum", "negative"),
        ("{} lama banget balas chatnya, kecewa", "negative"),
        ("Pelayanan mas {} mantap, cepat dan sopan", "positive"),
        ("Mbak {} kasar sama pelanggan", "negative"),
    ],
    "en": [
        ("{} at the downtown store was so helpful!", "positive"),
        ("Huge thanks to {} for sorting out my return", "positive"),
        ("{} at the checkout was rude and ignored me", "negative"),
        ("Waited 20 minutes and {} never came back", "negative"),
        ("Shout out to {}, best service ever", "positive"),
        ("{} was really unhelpful today", "negative"),
    ],
    "zh": [
        ("{}服务态度特别好，很耐心", "positive"),
        ("谢谢{}帮我换货，很满意", "positive"),
        ("{}态度很差，爱理不理", "negative"),
        ("{}一直不回消息，太失望了", "negative"),
        ("{}很热情，推荐的衣服很合适", "positive"),
        ("{}说话很不客气", "negative"),
    ],
}
# fmt: on


def sway(tier: str) -> None:
    """How often a staff name changes a message's sentiment, without and with the catalog."""
    import polars as pl

    from retailpulse.enrich.entities import Catalog
    from retailpulse.enrich.pipeline import enrich_texts

    texts: list[str] = []
    meta: list[tuple[str, int, str, str | None]] = []
    for lang, templates in SWAY_TEMPLATES.items():
        for k, (template, gold) in enumerate(templates):
            texts.append(" ".join(template.format("").split()))
            meta.append((lang, k, gold, None))
            for name in SWAY_NAMES[lang]:
                texts.append(template.format(name))
                meta.append((lang, k, gold, name))
    staff = pl.DataFrame({"staff_id": [f"E{i}" for i in range(len(STAFF))], "name": STAFF})
    for label, cat in (
        ("no catalog", None),
        ("names in the staff table", Catalog.from_frames(staff=staff)),
    ):
        out = enrich_texts(texts, tier=tier, catalog=cat, tasks=["language", "sentiment"])
        base: dict[tuple[str, int], str] = {}
        flips: dict[str, int] = {}
        wrong: dict[str, int] = {}
        for (lang, k, gold, who), s in zip(meta, out["sentiment"].to_list(), strict=True):
            if who is None:
                base[(lang, k)] = s
                continue
            flips[lang] = flips.get(lang, 0) + (s != base[(lang, k)])
            wrong[lang] = wrong.get(lang, 0) + (s != gold)
        per = ", ".join(f"{lang} {flips[lang]} ({wrong[lang]} wrong)" for lang in SWAY_TEMPLATES)
        print(f"{tier}, {label}: sentiment changed by the name, of 120 per language: {per}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=20_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--sway", action="store_true", help="only the name-sway probe, both tiers")
    args = ap.parse_args()
    if args.sway:
        for tier in ("fast", "accurate"):
            sway(tier)
        return

    from retailpulse.enrich import entities
    from retailpulse.enrich.names import NameMask
    from retailpulse.enrich.pipeline import enrich_texts

    cat, n_products = catalog(args.data_dir)
    texts = messages(args.data_dir, args.messages)
    t0 = time.perf_counter()
    mask = cat.name_mask()
    built = time.perf_counter() - t0
    off = NameMask({})

    def run(masked: bool) -> tuple[float, list[str]]:
        entities.Catalog.name_mask = (lambda self: mask) if masked else (lambda self: off)  # type: ignore[method-assign]
        sentiment: list[str] = []
        start = time.perf_counter()
        for i in range(0, len(texts), args.batch):
            out = enrich_texts(texts[i : i + args.batch], catalog=cat)
            sentiment += out["sentiment"].to_list()
        return len(texts) / (time.perf_counter() - start), sentiment

    enrich_texts(texts[:1000], catalog=cat)  # warm-up: model load, compiled kernel
    speed: dict[bool, list[float]] = {True: [], False: []}
    result: dict[bool, list[str]] = {}
    for _ in range(args.repeats):
        for masked in (True, False):
            rate, result[masked] = run(masked)
            speed[masked].append(rate)
    import polars as pl

    from retailpulse.enrich.text import clause_lists

    norm = clause_lists(pl.Series(texts))["normalised"]
    touched = sum(a != b for a, b in zip(mask.mask(norm).to_list(), norm.to_list(), strict=True))
    changed = sum(a != b for a, b in zip(result[True], result[False], strict=True))
    print(
        f"catalog: {n_products:,} products, {len(STAFF)} staff, {len(AREAS) * 2} stores; "
        f"mask built in {built:.2f} s"
    )
    print(
        f"messages: {len(texts):,}; names masked in {touched:,}; sentiment changed in {changed:,}"
    )
    for masked in (True, False):
        v = speed[masked]
        print(
            f"fast tier, all tasks, {'with' if masked else 'without'} the mask: "
            f"{statistics.median(v):,.0f} msgs/s [{min(v):,.0f}-{max(v):,.0f}]"
        )


if __name__ == "__main__":
    main()
