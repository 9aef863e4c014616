"""A synthetic retailer for the voice-of-customer tests and benchmark (vectorised, seeded).

Frames follow the contract's column names: enriched messages, customers, identities,
transactions, surveys, campaigns and a customer 360 frame (customer_id, clv, p_alive,
segment, tier).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl

ASPECTS = (
    "price",
    "product_quality",
    "service",
    "delivery",
    "availability",
    "store",
    "online",
    "promotion",
)
LANGS = ("en", "id", "ms", "zh")
#: (negative, neutral, positive) phrase per language and aspect; distinct words per aspect.
PHRASES: dict[str, dict[str, tuple[str, str, str]]] = {
    "en": {
        "price": ("prices too expensive", "price check", "prices cheap bargain"),
        "product_quality": ("shirt broke torn fabric", "fabric material", "quality fabric sturdy"),
        "service": ("cashier rude staff", "staff counter", "staff friendly helpful"),
        "delivery": ("delivery late parcel", "delivery parcel courier", "delivery fast parcel"),
        "availability": ("out of stock sold out", "restock when", "stock available shelf"),
        "store": ("store dirty messy aisles", "store opening hours", "store clean spacious"),
        "online": ("website app crashed checkout", "app checkout login", "app smooth checkout"),
        "promotion": ("voucher coupon invalid", "voucher coupon code", "voucher discount great"),
    },
    "id": {
        "price": ("harga mahal sekali", "harga berapa", "harga murah banget"),
        "product_quality": ("kualitas kain jelek", "bahan kain", "kualitas kain bagus"),
        "service": ("pelayan kasir kasar", "pelayan kasir", "pelayan ramah sekali"),
        "delivery": ("pengiriman paket lambat", "pengiriman paket kurir", "pengiriman paket cepat"),
        "availability": ("stok habis kosong", "stok kapan ada", "stok tersedia"),
        "store": ("toko kotor berantakan", "toko buka jam", "toko bersih luas"),
        "online": ("aplikasi error checkout", "aplikasi login", "aplikasi lancar"),
        "promotion": ("voucher diskon gagal", "voucher diskon kode", "voucher diskon mantap"),
    },
    "ms": {
        "price": ("harga mahal gila", "harga berapa ringgit", "harga berpatutan"),
        "product_quality": ("kualiti fabrik teruk", "fabrik baju", "kualiti fabrik baik"),
        "service": ("juruwang kurang ajar", "juruwang kaunter", "juruwang mesra"),
        "delivery": ("penghantaran lewat", "penghantaran bungkusan", "penghantaran pantas"),
        "availability": ("stok kehabisan", "stok bila sampai", "stok ada banyak"),
        "store": ("kedai kotor", "kedai waktu buka", "kedai bersih selesa"),
        "online": ("laman web rosak", "laman web daftar", "laman web lancar"),
        "promotion": ("baucar tidak sah", "baucar kod", "baucar diskaun hebat"),
    },
    "zh": {
        "price": ("价格太贵了", "价格多少", "价格便宜实惠"),
        "product_quality": ("质量很差破了", "面料材质", "质量很好结实"),
        "service": ("店员态度恶劣", "店员服务台", "店员热情周到"),
        "delivery": ("快递太慢了", "快递什么时候到", "快递很快"),
        "availability": ("缺货卖完了", "什么时候补货", "有货很多"),
        "store": ("门店很脏很乱", "门店营业时间", "门店干净宽敞"),
        "online": ("网站闪退付款失败", "网站登录", "网站付款顺畅"),
        "promotion": ("优惠券无效", "优惠券代码", "优惠券折扣很棒"),
    },
}
SEGMENTS = ("champions", "loyal", "potential", "at_risk", "hibernating")
TIERS = ("none", "bronze", "silver", "gold", "platinum")
PLATFORMS = ("facebook", "instagram", "tiktok", "x", "review", "weibo")
KINDS = ("post", "comment", "review", "dm", "mention")


@dataclass
class World:
    messages: pl.DataFrame
    customers: pl.DataFrame
    customer360: pl.DataFrame
    identities: pl.DataFrame
    transactions: pl.DataFrame
    surveys: pl.DataFrame
    campaigns: pl.DataFrame
    start: datetime
    days: int


def _pick(rng: np.random.Generator, items: tuple[str, ...], n: int, p: list[float] | None = None):
    return np.asarray(items, dtype=object)[rng.choice(len(items), size=n, p=p)]


def make_world(
    n_customers: int = 2_000,
    n_messages: int = 20_000,
    days: int = 120,
    seed: int = 0,
    languages: tuple[str, ...] = LANGS,
    reply_share: float = 0.7,
    aspect_negativity: dict[str, float] | None = None,
) -> World:
    """Build a seeded synthetic retailer; ``aspect_negativity`` sets P(negative) per aspect."""
    rng = np.random.default_rng(seed)
    start = datetime(2025, 1, 6, tzinfo=UTC)  # a Monday
    neg = {
        "price": 0.45,
        "product_quality": 0.2,
        "service": 0.3,
        "delivery": 0.5,
        "availability": 0.4,
        "store": 0.15,
        "online": 0.35,
        "promotion": 0.25,
    }
    neg.update(aspect_negativity or {})

    # Customers and their 360 view.
    cid = np.array([f"C{i:06d}" for i in range(n_customers)], dtype=object)
    tier = _pick(rng, TIERS, n_customers, [0.4, 0.25, 0.2, 0.1, 0.05])
    segment = _pick(rng, SEGMENTS, n_customers, [0.1, 0.25, 0.3, 0.2, 0.15])
    clv = rng.lognormal(5.0, 1.0, n_customers)
    customers = pl.DataFrame(
        {
            "customer_id": cid,
            "name": [f"Customer {i}" for i in range(n_customers)],
            "country": _pick(rng, ("SG", "MY", "ID"), n_customers),
            "language": _pick(rng, languages, n_customers),
            "joined_at": [start - timedelta(days=int(d)) for d in rng.integers(0, 900, 5)]
            * (n_customers // 5)
            + [start] * (n_customers % 5),
            "loyalty_member": rng.random(n_customers) < 0.6,
            "tier": tier,
            "home_store": _pick(rng, ("S1", "S2", "S3", "S4"), n_customers),
        },
        schema_overrides={"customer_id": pl.String, "tier": pl.String},
    ).with_columns(pl.col("joined_at").cast(pl.Datetime("us", "UTC")))
    customer360 = pl.DataFrame(
        {
            "customer_id": cid,
            "clv": clv,
            "p_alive": rng.uniform(0.1, 1.0, n_customers),
            "segment": segment,
            "tier": tier,
        },
        schema_overrides={"customer_id": pl.String, "segment": pl.String, "tier": pl.String},
    )
    linked = rng.random(n_customers) < 0.7
    identities = pl.DataFrame(
        {
            "customer_id": cid[linked],
            "platform": _pick(rng, PLATFORMS, int(linked.sum())),
            "author_id": np.array([f"A{i}" for i in np.flatnonzero(linked)], dtype=object),
            "method": ["login"] * int(linked.sum()),
        },
        schema_overrides={"customer_id": pl.String, "platform": pl.String, "author_id": pl.String},
    )

    # Inbound messages.
    n = n_messages
    author_cust = rng.integers(0, n_customers, n)
    is_linked = linked[author_cust] & (rng.random(n) < 0.85)
    author_id = np.where(
        is_linked,
        np.char.add("A", author_cust.astype(str)).astype(object),
        np.char.add("U", rng.integers(0, n_customers * 3, n).astype(str)).astype(object),
    )
    customer_id = pl.Series(np.where(is_linked, cid[author_cust], None).tolist(), dtype=pl.String)
    lang = _pick(rng, languages, n)
    aspect_idx = rng.integers(0, len(ASPECTS), n)
    aspect = np.asarray(ASPECTS, dtype=object)[aspect_idx]
    p_neg = np.array([neg[a] for a in ASPECTS])[aspect_idx]
    u = rng.random(n)
    pol = np.where(u < p_neg, 0, np.where(u < p_neg + (1 - p_neg) * 0.35, 1, 2))
    polarity = np.asarray(("negative", "neutral", "positive"), dtype=object)[pol]
    phrase = np.empty(n, dtype=object)
    for lg in set(languages):
        for ai, a in enumerate(ASPECTS):
            for pi in range(3):
                mask = (lang == lg) & (aspect_idx == ai) & (pol == pi)
                phrase[mask] = PHRASES[lg][a][pi]
    filler = _pick(rng, ("", "!", " #shop", " today", " again", " lol", " pls"), n)
    text = np.char.add(phrase.astype(str), filler.astype(str)).astype(object)
    day = rng.integers(0, days, n)
    hour = rng.choice(24, n, p=_hour_profile())
    secs = rng.integers(0, 3600, n)
    created = (
        np.datetime64(start.replace(tzinfo=None), "us")
        + day.astype("timedelta64[D]")
        + hour.astype("timedelta64[h]")
        + secs.astype("timedelta64[s]")
    )
    platform = _pick(rng, PLATFORMS, n)
    kind = np.where(platform == "review", "review", _pick(rng, KINDS[:2] + KINDS[3:], n))
    intents = np.where(
        pol == 0,
        np.where(rng.random(n) < 0.5, "complaint;request", "complaint"),
        np.where(pol == 2, "praise", np.where(rng.random(n) < 0.5, "question", "")),
    )
    intents = np.where(
        (pol == 2) & (rng.random(n) < 0.3), "praise;purchase_intent", intents
    ).astype(object)
    store_id = _pick(rng, ("S1", "S2", "S3", "S4"), n)
    sku = np.char.add("SKU", rng.integers(1, 40, n).astype(str)).astype(object)
    ent_kind = rng.random(n)
    entities = np.where(
        ent_kind < 0.3,
        np.char.add("store:", store_id.astype(str)),
        np.where(ent_kind < 0.6, np.char.add("product:", sku.astype(str)), ""),
    ).astype(object)
    p_n = np.where(pol == 0, 0.8, np.where(pol == 1, 0.1, 0.05))
    p_p = np.where(pol == 2, 0.8, np.where(pol == 1, 0.1, 0.05))
    ext = np.char.add("m", np.arange(n).astype(str)).astype(object)
    rating = np.where(kind == "review", np.where(pol == 0, 1.5, np.where(pol == 1, 3, 4.6)), np.nan)
    inbound = pl.DataFrame(
        {
            "id": np.arange(n, dtype=np.int64),
            "platform": platform,
            "external_id": ext,
            "kind": kind.astype(object),
            "direction": ["inbound"] * n,
            "account": ["brand"] * n,
            "author_id": author_id,
            "author_handle": author_id,
            "author_name": author_id,
            "author_followers": rng.lognormal(4, 1.5, n).astype(np.int64),
            "thread_id": ext,
            "parent_id": [None] * n,
            "created_at": created,
            "text": text,
            "url": [None] * n,
            "rating": rating,
            "likes": rng.poisson(3, n),
            "shares": rng.poisson(0.5, n),
            "replies": rng.poisson(1, n),
            "views": rng.poisson(200, n),
            "language": lang,
            "script": np.where(lang == "zh", "Hans", "Latn").astype(object),
            "sentiment": polarity,
            "p_negative": p_n,
            "p_neutral": 1 - p_n - p_p,
            "p_positive": p_p,
            "emotion": np.where(pol == 0, "anger", np.where(pol == 2, "joy", "none")).astype(
                object
            ),
            "intents": intents,
            "aspects": np.char.add(
                np.char.add(aspect.astype(str), ":"), polarity.astype(str)
            ).astype(object),
            "entities": entities,
            "is_spam": rng.random(n) < 0.02,
            "customer_id": customer_id,
        },
        schema_overrides=_MSG_SCHEMA,
    )
    # The brand's replies to a share of inbound messages, after an exponential delay.
    replied = rng.random(n) < reply_share
    r = int(replied.sum())
    delay_h = rng.exponential(6.0, r)
    # Brand posts: the brand's own content, with engagement by format.
    n_posts = max(20, n // 200)
    post_kind = _pick(rng, ("video", "photo", "link", "text"), n_posts)
    boost = np.array([{"video": 3.0, "photo": 2.0, "link": 1.0, "text": 0.7}[k] for k in post_kind])
    replies = pl.DataFrame(
        {
            "id": np.arange(n, n + r, dtype=np.int64),
            "platform": platform[replied],
            "external_id": np.char.add("r", np.arange(r).astype(str)).astype(object),
            "kind": ["reply"] * r,
            "direction": ["outbound"] * r,
            "account": ["brand"] * r,
            "author_id": ["brand"] * r,
            "author_handle": ["brand"] * r,
            "author_name": ["brand"] * r,
            "author_followers": [50_000] * r,
            "thread_id": ext[replied],
            "parent_id": ext[replied],
            "created_at": created[replied] + (delay_h * 3.6e9).astype("timedelta64[us]"),
            "text": ["Thanks, we are on it"] * r,
            "url": [None] * r,
            "rating": [None] * r,
            "likes": [0] * r,
            "shares": [0] * r,
            "replies": [0] * r,
            "views": [0] * r,
            "language": ["en"] * r,
            "script": ["Latn"] * r,
            "sentiment": ["neutral"] * r,
            "p_negative": [0.1] * r,
            "p_neutral": [0.8] * r,
            "p_positive": [0.1] * r,
            "emotion": ["none"] * r,
            "intents": [""] * r,
            "aspects": [""] * r,
            "entities": [""] * r,
            "is_spam": [False] * r,
            "customer_id": [None] * r,
        },
        schema_overrides=_MSG_SCHEMA,
    )
    post_created = np.datetime64(start.replace(tzinfo=None), "us") + rng.integers(
        0, days * 24, n_posts
    ).astype("timedelta64[h]")
    views = rng.poisson(2000, n_posts)
    posts = pl.DataFrame(
        {
            "id": np.arange(n + r, n + r + n_posts, dtype=np.int64),
            "platform": _pick(rng, ("facebook", "instagram", "tiktok"), n_posts),
            "external_id": np.char.add("p", np.arange(n_posts).astype(str)).astype(object),
            "kind": ["post"] * n_posts,
            "direction": ["outbound"] * n_posts,
            "account": ["brand"] * n_posts,
            "author_id": ["brand"] * n_posts,
            "author_handle": ["brand"] * n_posts,
            "author_name": ["brand"] * n_posts,
            "author_followers": [50_000] * n_posts,
            "thread_id": np.char.add("p", np.arange(n_posts).astype(str)).astype(object),
            "parent_id": [None] * n_posts,
            "created_at": post_created,
            "text": np.char.add("New arrivals ", post_kind.astype(str)).astype(object),
            "url": [
                {
                    "video": "https://tiktok.com/v/1.mp4",
                    "photo": "https://cdn.example/p.jpg",
                    "link": "https://shop.example/sale",
                    "text": None,
                }[k]
                for k in post_kind
            ],
            "rating": [None] * n_posts,
            "likes": rng.poisson(30 * boost),
            "shares": rng.poisson(5 * boost),
            "replies": rng.poisson(4 * boost),
            "views": views,
            "language": ["en"] * n_posts,
            "script": ["Latn"] * n_posts,
            "sentiment": ["neutral"] * n_posts,
            "p_negative": [0.1] * n_posts,
            "p_neutral": [0.8] * n_posts,
            "p_positive": [0.1] * n_posts,
            "emotion": ["none"] * n_posts,
            "intents": [""] * n_posts,
            "aspects": [""] * n_posts,
            "entities": [""] * n_posts,
            "is_spam": [False] * n_posts,
            "customer_id": [None] * n_posts,
        },
        schema_overrides=_MSG_SCHEMA,
    )
    messages = pl.concat([inbound, replies, posts]).with_columns(
        pl.col("created_at").cast(pl.Datetime("us", "UTC")), pl.col("rating").fill_nan(None)
    )

    # Transactions: Poisson orders per customer over the period.
    n_orders = rng.poisson(3.0, n_customers)
    owner = np.repeat(np.arange(n_customers), n_orders)
    m = owner.size
    t_created = np.datetime64(start.replace(tzinfo=None), "us") + (
        rng.uniform(0, days * 86400, m) * 1e6
    ).astype("timedelta64[us]")
    transactions = pl.DataFrame(
        {
            "order_id": np.char.add("O", np.arange(m).astype(str)).astype(object),
            "customer_id": cid[owner],
            "created_at": t_created,
            "store_id": _pick(rng, ("S1", "S2", "S3", "S4"), m),
            "channel": _pick(rng, ("store", "online", "app", "social"), m),
            "total": rng.gamma(2.0, 30.0, m),
            "discount": np.where(rng.random(m) < 0.3, rng.uniform(1, 10, m), 0.0),
            "currency": ["SGD"] * m,
        },
        schema_overrides={"customer_id": pl.String},
    ).with_columns(pl.col("created_at").cast(pl.Datetime("us", "UTC")))

    n_surv = max(10, n_customers // 4)
    who = rng.choice(n_customers, n_surv, replace=False)
    surveys = pl.DataFrame(
        {
            "response_id": np.char.add("R", np.arange(n_surv).astype(str)).astype(object),
            "customer_id": cid[who],
            "created_at": np.datetime64(start.replace(tzinfo=None), "us")
            + rng.integers(0, days * 24, n_surv).astype("timedelta64[h]"),
            "nps": rng.choice(11, n_surv, p=_nps_profile()),
            "csat": rng.choice([1, 2, 3, 4, 5], n_surv, p=[0.05, 0.1, 0.2, 0.35, 0.3]),
            "text": [""] * n_surv,
            "channel": _pick(rng, ("email", "sms", "web"), n_surv),
            "store_id": _pick(rng, ("S1", "S2", "S3", "S4"), n_surv),
        },
        schema_overrides={"customer_id": pl.String},
    ).with_columns(pl.col("created_at").cast(pl.Datetime("us", "UTC")))
    campaigns = pl.DataFrame(
        {
            "campaign_id": ["K1", "K2"],
            "name": ["Payday sale", "Loyalty week"],
            "goal": ["sales", "loyalty"],
            "channels": ["instagram|facebook", "email"],
            "start": [start + timedelta(days=days // 3), start + timedelta(days=2 * days // 3)],
            "end": [
                start + timedelta(days=days // 3 + 7),
                start + timedelta(days=2 * days // 3 + 7),
            ],
            "target_segment": ["loyal", "at_risk"],
            "control_share": [0.1, 0.1],
        }
    ).with_columns(pl.col("start", "end").cast(pl.Datetime("us", "UTC")))
    return World(
        messages=messages,
        customers=customers,
        customer360=customer360,
        identities=identities,
        transactions=transactions,
        surveys=surveys,
        campaigns=campaigns,
        start=start,
        days=days,
    )


_MSG_SCHEMA = {
    "platform": pl.String,
    "external_id": pl.String,
    "kind": pl.String,
    "direction": pl.String,
    "author_id": pl.String,
    "thread_id": pl.String,
    "parent_id": pl.String,
    "text": pl.String,
    "url": pl.String,
    "rating": pl.Float64,
    "language": pl.String,
    "script": pl.String,
    "sentiment": pl.String,
    "emotion": pl.String,
    "intents": pl.String,
    "aspects": pl.String,
    "entities": pl.String,
    "customer_id": pl.String,
    "likes": pl.Int64,
    "shares": pl.Int64,
    "replies": pl.Int64,
    "views": pl.Int64,
    "author_followers": pl.Int64,
}


def _hour_profile() -> list[float]:
    w = np.array([1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 7, 9, 8, 6, 5, 5, 6, 8, 10, 11, 9, 6, 3], float)
    return list(w / w.sum())


def _nps_profile() -> list[float]:
    w = np.array([2, 1, 1, 2, 2, 4, 6, 10, 14, 20, 18], float)
    return list(w / w.sum())
