# ruff: noqa: E501  (data tables: one row per line)
"""The demo retailer's fixed world: brand, stores, staff, products, competitors, calendar.

Lumora is an invented fashion and lifestyle retailer with stores in Jakarta, Surabaya,
Shanghai, Taipei, Singapore and London plus an online shop. Everything here is static data;
the random parts (customers, purchases, messages) are drawn from it by the other modules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl

BRAND = "Lumora"
BRAND_ZH_HANS = "露莫拉"
BRAND_ZH_HANT = "露莫拉"
#: Reporting currency of every order total and price.
CURRENCY = "USD"

#: Default end of the observation window (exclusive). Messages cover the last year before it,
#: transactions the customers' whole history from ``HISTORY_START``.
DEFAULT_END = datetime(2026, 11, 1, tzinfo=UTC)
HISTORY_DAYS = 1035
MESSAGE_DAYS = 365


@dataclass(frozen=True)
class Region:
    """A market: its language mix, social platforms, competitors and brand accounts."""

    code: str
    country: str
    utc_offset: int
    #: (language code used by the phrase banks, share)
    languages: tuple[tuple[str, float], ...]
    #: (platform, share) for inbound customer messages
    platforms: tuple[tuple[str, float], ...]
    competitors: tuple[str, ...]
    accounts: dict[str, str]
    phone_prefix: str
    email_domains: tuple[str, ...]


REGIONS: dict[str, Region] = {
    "ID": Region(
        "ID",
        "ID",
        7,
        (("id", 0.8), ("en", 0.2)),
        (
            ("instagram", 0.34),
            ("tiktok", 0.2),
            ("facebook", 0.12),
            ("x", 0.12),
            ("review", 0.12),
            ("email", 0.05),
            ("web", 0.05),
            ("youtube", 0.03),
            ("blog", 0.02),
        ),
        ("Shopee", "Tokopedia", "Zalora", "Lazada", "Uniqlo"),
        {
            "instagram": "@lumora.id",
            "tiktok": "@lumora.id",
            "facebook": "Lumora Indonesia",
            "x": "@LumoraID",
            "review": "Lumora Indonesia",
            "email": "halo@lumora.co.id",
            "web": "lumora.co.id",
            "youtube": "Lumora Indonesia",
            "blog": "Lumora (web mentions)",
        },
        "+62 8",
        ("gmail.com", "yahoo.co.id", "gmail.com", "outlook.com"),
    ),
    "CN": Region(
        "CN",
        "CN",
        8,
        (("zh-Hans", 1.0),),
        (("weibo", 0.45), ("wechat", 0.35), ("review", 0.2)),
        ("Taobao", "JD", "Uniqlo"),
        {"weibo": "Lumora露莫拉官方微博", "wechat": "Lumora露莫拉服务号", "review": "露莫拉"},
        "+86 1",
        ("qq.com", "163.com", "126.com", "foxmail.com"),
    ),
    "TW": Region(
        "TW",
        "TW",
        8,
        (("zh-Hant", 0.9), ("en", 0.1)),
        (("facebook", 0.4), ("instagram", 0.3), ("review", 0.2), ("email", 0.1)),
        ("Shopee", "Uniqlo", "Zalora"),
        {
            "facebook": "Lumora 露莫拉 台灣",
            "instagram": "@lumora.tw",
            "review": "Lumora 露莫拉 信義店",
            "email": "service@lumora.com.tw",
        },
        "+886 9",
        ("gmail.com", "yahoo.com.tw", "hotmail.com"),
    ),
    "SG": Region(
        "SG",
        "SG",
        8,
        (("en", 0.85), ("zh-Hans", 0.15)),
        (
            ("instagram", 0.3),
            ("facebook", 0.2),
            ("tiktok", 0.15),
            ("x", 0.1),
            ("review", 0.15),
            ("email", 0.1),
            ("youtube", 0.03),
            ("blog", 0.02),
        ),
        ("Shopee", "Lazada", "Zalora", "ASOS", "Uniqlo"),
        {
            "instagram": "@lumora.sg",
            "facebook": "Lumora Singapore",
            "tiktok": "@lumora.sg",
            "x": "@LumoraSG",
            "review": "Lumora Singapore",
            "email": "hello@lumora.sg",
            "youtube": "Lumora Singapore",
            "blog": "Lumora (web mentions)",
        },
        "+65 ",
        ("gmail.com", "hotmail.com", "singnet.com.sg"),
    ),
    "GB": Region(
        "GB",
        "GB",
        0,
        (("en", 1.0),),
        (
            ("instagram", 0.28),
            ("x", 0.22),
            ("facebook", 0.12),
            ("tiktok", 0.13),
            ("review", 0.15),
            ("email", 0.1),
            ("youtube", 0.04),
            ("blog", 0.03),
        ),
        ("ASOS", "Uniqlo", "Zalora"),
        {
            "instagram": "@lumora.uk",
            "x": "@LumoraUK",
            "facebook": "Lumora UK",
            "tiktok": "@lumora.uk",
            "review": "Lumora UK",
            "email": "care@lumora.co.uk",
            "youtube": "Lumora UK",
            "blog": "Lumora (web mentions)",
        },
        "+44 7",
        ("gmail.com", "outlook.com", "btinternet.com", "yahoo.co.uk"),
    ),
}

#: How competitors are written in each phrase-bank language.
COMPETITOR_NAMES: dict[str, dict[str, str]] = {
    "Shopee": {"zh-Hans": "虾皮", "zh-Hant": "蝦皮"},
    "Tokopedia": {"zh-Hans": "Tokopedia", "zh-Hant": "Tokopedia"},
    "Zalora": {"zh-Hans": "Zalora", "zh-Hant": "Zalora"},
    "Lazada": {"zh-Hans": "来赞达", "zh-Hant": "Lazada"},
    "Taobao": {"zh-Hans": "淘宝", "zh-Hant": "淘寶"},
    "JD": {"zh-Hans": "京东", "zh-Hant": "京東"},
    "ASOS": {"zh-Hans": "ASOS", "zh-Hant": "ASOS"},
    "Uniqlo": {"zh-Hans": "优衣库", "zh-Hant": "Uniqlo"},
}

#: store_id, name, city, region, weight (share of customers), aliases
# fmt: off
STORES: tuple[tuple[str, str, str | None, str, float, str], ...] = (
    ("JKT-GI", "Lumora Grand Indonesia", "Jakarta", "ID", 0.14, "Lumora GI|GI|Grand Indonesia|GI Mall"),
    ("JKT-PIK", "Lumora PIK Avenue", "Jakarta", "ID", 0.08, "PIK|PIK Avenue|Lumora PIK"),
    ("SBY-TP", "Lumora Tunjungan Plaza", "Surabaya", "ID", 0.10, "TP|Tunjungan|Tunjungan Plaza|TP Sby"),
    ("SHA-NJR", "Lumora Nanjing Road", "Shanghai", "CN", 0.11, "南京路店|南京东路店|露莫拉南京路|Nanjing Road"),
    ("SHA-XTD", "Lumora Xintiandi", "Shanghai", "CN", 0.07, "新天地店|新天地|Xintiandi"),
    ("TPE-XY", "Lumora Xinyi", "Taipei", "TW", 0.10, "信義店|信義A11|台北信義|Xinyi"),
    ("SIN-ORC", "Lumora ION Orchard", "Singapore", "SG", 0.10, "Orchard|ION|ION Orchard|乌节路店"),
    ("SIN-JEW", "Lumora Jewel Changi", "Singapore", "SG", 0.05, "Jewel|Jewel Changi|星耀樟宜店"),
    ("LDN-OXF", "Lumora Oxford Street", "London", "GB", 0.10, "Oxford St|Oxford Street|Oxford Circus store"),
    ("LDN-COV", "Lumora Covent Garden", "London", "GB", 0.05, "Covent Garden|CG store"),
    ("ONLINE", "Lumora Online", None, "ID", 0.10, "website|app|online store|toko online|官网|官網"),
)
# fmt: on

#: How each store is named inside messages, per language (first is the most common).
STORE_MENTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "JKT-GI": {"id": ("GI", "Grand Indonesia", "Lumora GI"), "en": ("Grand Indonesia", "GI")},
    "JKT-PIK": {"id": ("PIK", "PIK Avenue"), "en": ("PIK Avenue",)},
    "SBY-TP": {"id": ("TP", "Tunjungan Plaza", "Tunjungan"), "en": ("Tunjungan Plaza",)},
    "SHA-NJR": {"zh-Hans": ("南京路店", "南京东路店"), "en": ("Nanjing Road",)},
    "SHA-XTD": {"zh-Hans": ("新天地店", "新天地"), "en": ("Xintiandi",)},
    "TPE-XY": {"zh-Hant": ("信義店", "信義A11"), "en": ("Xinyi",)},
    "SIN-ORC": {"en": ("ION Orchard", "Orchard"), "zh-Hans": ("乌节路店",)},
    "SIN-JEW": {"en": ("Jewel", "Jewel Changi"), "zh-Hans": ("星耀樟宜店",)},
    "LDN-OXF": {"en": ("Oxford Street", "Oxford St")},
    "LDN-COV": {"en": ("Covent Garden",)},
    "ONLINE": {
        "en": ("the app", "the website"),
        "id": ("app", "website"),
        "zh-Hans": ("官网", "小程序"),
        "zh-Hant": ("官網", "APP"),
    },
}

#: staff_id, name, aliases, store_id, role
# fmt: off
STAFF: tuple[tuple[str, str, str, str, str], ...] = (
    ("S-JKT-GI-01", "Dewi Lestari", "Kak Dewi|Dewi|Mbak Dewi", "JKT-GI", "store manager"),
    ("S-JKT-GI-02", "Rizky Pratama", "Mas Rizky|Rizky|Kak Rizky", "JKT-GI", "sales associate"),
    ("S-JKT-GI-03", "Ayu Wulandari", "Kak Ayu|Ayu", "JKT-GI", "stylist"),
    ("S-JKT-GI-04", "Bagus Santoso", "Mas Bagus|Bagus", "JKT-GI", "cashier"),
    ("S-JKT-GI-05", "Putri Maharani", "Kak Putri|Putri", "JKT-GI", "sales associate"),
    ("S-JKT-PIK-01", "Kevin Wijaya", "Ko Kevin|Kevin", "JKT-PIK", "store manager"),
    ("S-JKT-PIK-02", "Nadia Safitri", "Kak Nadia|Nadia", "JKT-PIK", "sales associate"),
    ("S-JKT-PIK-03", "Fajar Nugroho", "Mas Fajar|Fajar", "JKT-PIK", "cashier"),
    ("S-JKT-PIK-04", "Citra Anggraini", "Kak Citra|Citra", "JKT-PIK", "stylist"),
    ("S-SBY-TP-01", "Agus Setiawan", "Pak Agus|Agus", "SBY-TP", "store manager"),
    ("S-SBY-TP-02", "Siti Rahmawati", "Mbak Siti|Siti|Kak Siti", "SBY-TP", "sales associate"),
    ("S-SBY-TP-03", "Dimas Saputra", "Mas Dimas|Dimas", "SBY-TP", "delivery coordinator"),
    ("S-SBY-TP-04", "Intan Permata", "Kak Intan|Intan", "SBY-TP", "cashier"),
    ("S-SBY-TP-05", "Yoga Firmansyah", "Mas Yoga|Yoga", "SBY-TP", "sales associate"),
    ("S-SHA-NJR-01", "王丽", "王经理|Wang Li|丽姐", "SHA-NJR", "store manager"),
    ("S-SHA-NJR-02", "张伟", "小张|Zhang Wei", "SHA-NJR", "sales associate"),
    ("S-SHA-NJR-03", "李静", "小李|Li Jing", "SHA-NJR", "stylist"),
    ("S-SHA-NJR-04", "陈浩", "小陈|Chen Hao", "SHA-NJR", "cashier"),
    ("S-SHA-NJR-05", "刘洋", "小刘|Liu Yang", "SHA-NJR", "sales associate"),
    ("S-SHA-XTD-01", "周婷", "周店长|Zhou Ting|婷婷", "SHA-XTD", "store manager"),
    ("S-SHA-XTD-02", "吴磊", "小吴|Wu Lei", "SHA-XTD", "sales associate"),
    ("S-SHA-XTD-03", "孙悦", "小孙|Sun Yue", "SHA-XTD", "stylist"),
    ("S-TPE-XY-01", "陳怡君", "怡君|Chen Yi-chun|陳店長", "TPE-XY", "store manager"),
    ("S-TPE-XY-02", "林志明", "志明|Lin Chih-ming|阿明", "TPE-XY", "sales associate"),
    ("S-TPE-XY-03", "黃雅婷", "雅婷|Huang Ya-ting", "TPE-XY", "stylist"),
    ("S-TPE-XY-04", "張家豪", "家豪|Chang Chia-hao", "TPE-XY", "cashier"),
    ("S-TPE-XY-05", "王淑芬", "淑芬|Wang Shu-fen|芬姐", "TPE-XY", "sales associate"),
    ("S-SIN-ORC-01", "Priya Nair", "Priya", "SIN-ORC", "store manager"),
    ("S-SIN-ORC-02", "Tan Wei Ming", "Wei Ming|陈伟明", "SIN-ORC", "sales associate"),
    ("S-SIN-ORC-03", "Nurul Huda", "Nurul", "SIN-ORC", "stylist"),
    ("S-SIN-ORC-04", "Jason Lim", "Jason", "SIN-ORC", "cashier"),
    ("S-SIN-JEW-01", "Rachel Goh", "Rachel", "SIN-JEW", "store manager"),
    ("S-SIN-JEW-02", "Arjun Menon", "Arjun", "SIN-JEW", "sales associate"),
    ("S-SIN-JEW-03", "Chloe Teo", "Chloe", "SIN-JEW", "sales associate"),
    ("S-LDN-OXF-01", "Oliver Bennett", "Ollie|Oliver", "LDN-OXF", "store manager"),
    ("S-LDN-OXF-02", "Amelia Clarke", "Amelia|Millie", "LDN-OXF", "stylist"),
    ("S-LDN-OXF-03", "Jamal Ahmed", "Jamal", "LDN-OXF", "sales associate"),
    ("S-LDN-OXF-04", "Sophie Turner", "Sophie", "LDN-OXF", "cashier"),
    ("S-LDN-OXF-05", "Tom Walsh", "Tom", "LDN-OXF", "sales associate"),
    ("S-LDN-COV-01", "Hannah Price", "Hannah", "LDN-COV", "store manager"),
    ("S-LDN-COV-02", "Marcus Reid", "Marcus", "LDN-COV", "sales associate"),
    ("S-LDN-COV-03", "Grace Okafor", "Grace", "LDN-COV", "stylist"),
    ("S-ONL-01", "Maya Kusuma", "Kak Maya|Maya|Min Maya", "ONLINE", "customer service"),
    ("S-ONL-02", "Rina Hartono", "Kak Rina|Rina", "ONLINE", "customer service"),
    ("S-ONL-03", "Daniel Chua", "Daniel", "ONLINE", "customer service"),
    ("S-ONL-04", "Budi Hermawan", "Pak Budi|Budi", "ONLINE", "delivery coordinator"),
)
# fmt: on

#: sku, English name, Indonesian, simplified Chinese, traditional Chinese, nicknames,
#: category, price (USD)
# fmt: off
PRODUCTS: tuple[tuple[str, str, str, str, str, str, str, float], ...] = (
    ("LM-TOP-001", "Linen Relaxed Shirt", "Kemeja Linen", "亚麻衬衫", "亞麻襯衫", "linen shirt", "tops", 39.0),
    ("LM-TOP-002", "Oversized Cotton Tee", "Kaos Oversize", "宽松纯棉T恤", "寬鬆純棉T恤", "oversize tee|kaos oversized", "tops", 19.0),
    ("LM-TOP-003", "Ribbed Knit Top", "Atasan Rajut", "罗纹针织上衣", "羅紋針織上衣", "knit top", "tops", 29.0),
    ("LM-TOP-004", "Silk Blend Blouse", "Blus Sutra", "真丝衬衫", "真絲襯衫", "silk blouse", "tops", 59.0),
    ("LM-TOP-005", "Cropped Cardigan", "Kardigan Crop", "短款开衫", "短版開襟衫", "crop cardi|cardigan", "tops", 35.0),
    ("LM-TOP-006", "Batik Print Shirt", "Kemeja Batik", "蜡染印花衬衫", "蠟染印花襯衫", "batik shirt", "tops", 45.0),
    ("LM-TOP-007", "Airy Polo Shirt", "Kaos Polo", "透气Polo衫", "透氣Polo衫", "polo", "tops", 27.0),
    ("LM-BOT-001", "Wide-Leg Trousers", "Celana Kulot", "阔腿裤", "寬褲", "wide leg|kulot", "bottoms", 42.0),
    ("LM-BOT-002", "Straight Denim Jeans", "Celana Jeans Lurus", "直筒牛仔裤", "直筒牛仔褲", "straight jeans|jeans", "bottoms", 49.0),
    ("LM-BOT-003", "Pleated Midi Skirt", "Rok Plisket", "百褶半身裙", "百褶半身裙", "plisket|midi skirt", "bottoms", 38.0),
    ("LM-BOT-004", "Cargo Joggers", "Celana Cargo", "工装束脚裤", "工裝束口褲", "cargo pants", "bottoms", 36.0),
    ("LM-BOT-005", "Linen Shorts", "Celana Pendek Linen", "亚麻短裤", "亞麻短褲", "linen shorts", "bottoms", 25.0),
    ("LM-DRS-001", "Wrap Midi Dress", "Dress Lilit", "裹身连衣裙", "裹身洋裝", "wrap dress", "dresses", 65.0),
    ("LM-DRS-002", "Floral Maxi Dress", "Dress Maxi Bunga", "碎花长裙", "碎花長洋裝", "maxi dress|floral dress", "dresses", 72.0),
    ("LM-DRS-003", "Slip Satin Dress", "Dress Satin", "缎面吊带裙", "緞面細肩帶洋裝", "satin dress|slip dress", "dresses", 58.0),
    ("LM-DRS-004", "Modest Kaftan", "Gamis Kaftan", "长袖开襟长袍", "長袖長袍", "kaftan|gamis", "dresses", 55.0),
    ("LM-OUT-001", "Packable Rain Jacket", "Jaket Hujan", "便携防雨夹克", "輕便防雨外套", "rain jacket", "outerwear", 69.0),
    ("LM-OUT-002", "Wool Blend Coat", "Mantel Wol", "羊毛混纺大衣", "羊毛混紡大衣", "wool coat|coat", "outerwear", 149.0),
    ("LM-OUT-003", "Light Down Vest", "Rompi Bulu Angsa", "轻薄羽绒背心", "輕量羽絨背心", "down vest", "outerwear", 79.0),
    ("LM-OUT-004", "Utility Overshirt", "Jaket Kemeja", "工装衬衫外套", "工裝襯衫外套", "overshirt|shacket", "outerwear", 55.0),
    ("LM-SHO-001", "Cloud Knit Sneakers", "Sepatu Sneakers Rajut", "云感针织运动鞋", "雲感針織運動鞋", "cloud sneakers|sneakers", "footwear", 89.0),
    ("LM-SHO-002", "Leather Loafers", "Sepatu Loafer Kulit", "真皮乐福鞋", "真皮樂福鞋", "loafers", "footwear", 99.0),
    ("LM-SHO-003", "Strappy Sandals", "Sandal Tali", "绑带凉鞋", "綁帶涼鞋", "sandals|sendal", "footwear", 45.0),
    ("LM-SHO-004", "Canvas Slip-ons", "Sepatu Slip-on Kanvas", "帆布一脚蹬", "帆布懶人鞋", "slip ons", "footwear", 39.0),
    ("LM-BAG-001", "Everyday Tote", "Tas Tote", "日常托特包", "日常托特包", "tote|tote bag", "bags", 49.0),
    ("LM-BAG-002", "Mini Crossbody Bag", "Tas Selempang Mini", "迷你斜挎包", "迷你斜背包", "crossbody|sling bag", "bags", 59.0),
    ("LM-BAG-003", "Nylon Backpack", "Ransel Nilon", "尼龙双肩包", "尼龍後背包", "backpack|ransel", "bags", 65.0),
    ("LM-BAG-004", "Woven Straw Bag", "Tas Anyaman", "编织草编包", "編織草編包", "straw bag|rattan bag", "bags", 42.0),
    ("LM-ACC-001", "Silk Scarf", "Syal Sutra", "真丝丝巾", "真絲絲巾", "scarf", "accessories", 35.0),
    ("LM-ACC-002", "Voal Hijab Square", "Hijab Segi Empat Voal", "方巾头巾", "方巾頭巾", "hijab voal|pashmina", "accessories", 15.0),
    ("LM-ACC-003", "Bucket Hat", "Topi Bucket", "渔夫帽", "漁夫帽", "bucket hat", "accessories", 22.0),
    ("LM-ACC-004", "Gold Hoop Earrings", "Anting Hoop Emas", "金色圈形耳环", "金色圈圈耳環", "hoops|earrings", "accessories", 25.0),
    ("LM-ACC-005", "Leather Belt", "Ikat Pinggang Kulit", "真皮腰带", "真皮皮帶", "belt", "accessories", 32.0),
    ("LM-BEA-001", "Dewy Skin Tint", "Skin Tint Dewy", "水光肌肤粉底液", "水光粉底液", "skin tint", "beauty", 24.0),
    ("LM-BEA-002", "Velvet Lip Cream", "Lip Cream Velvet", "丝绒唇釉", "絲絨唇釉", "lip cream|lippie", "beauty", 14.0),
    ("LM-BEA-003", "Sunscreen Gel SPF50", "Sunscreen Gel SPF50", "清爽防晒啫喱", "清爽防曬凝露", "sunscreen|sunblock|防晒", "beauty", 18.0),
    ("LM-BEA-004", "Hydrating Serum", "Serum Hidrasi", "补水精华", "保濕精華液", "serum", "beauty", 29.0),
    ("LM-BEA-005", "Jasmine Eau de Parfum", "Parfum Melati", "茉莉香水", "茉莉香水", "jasmine perfume|parfum", "beauty", 49.0),
    ("LM-HOM-001", "Linen Bedding Set", "Set Sprei Linen", "亚麻床品套件", "亞麻寢具組", "bedding set|sprei", "home", 119.0),
    ("LM-HOM-002", "Ceramic Mug Set", "Set Mug Keramik", "陶瓷马克杯套装", "陶瓷馬克杯組", "mug set", "home", 28.0),
    ("LM-HOM-003", "Scented Candle", "Lilin Aromaterapi", "香薰蜡烛", "香氛蠟燭", "candle", "home", 21.0),
    ("LM-HOM-004", "Rattan Storage Basket", "Keranjang Rotan", "藤编收纳筐", "藤編收納籃", "rattan basket", "home", 34.0),
    ("LM-HOM-005", "Waffle Bath Towel", "Handuk Waffle", "华夫格浴巾", "鬆餅格浴巾", "towel|handuk", "home", 26.0),
    ("LM-HOM-006", "Throw Cushion Cover", "Sarung Bantal Sofa", "抱枕套", "抱枕套", "cushion cover", "home", 19.0),
)
# fmt: on

#: Products customers ask for that Lumora does not stock (the "unmet needs" signal).
# fmt: off
UNSTOCKED: dict[str, tuple[str, ...]] = {
    "en": ("plus-size linen dresses", "kids' sneakers", "men's swim shorts", "a travel-size perfume", "petite jeans", "a matching linen set"),
    "id": ("baju muslim anak", "ukuran jumbo", "mukena travel", "sepatu anak", "celana bahan petite", "set piyama satin"),
    "zh-Hans": ("大码连衣裙", "儿童运动鞋", "男士泳裤", "旅行装香水", "小个子牛仔裤", "亚麻套装"),
    "zh-Hant": ("大尺碼洋裝", "兒童運動鞋", "男生泳褲", "旅行香水", "小個子牛仔褲", "亞麻套裝"),
}
# fmt: on


def stores_frame() -> pl.DataFrame:
    """The stores table."""
    return pl.DataFrame(
        {
            "store_id": [s[0] for s in STORES],
            "name": [s[1] for s in STORES],
            "city": [s[2] for s in STORES],
            "country": [None if s[0] == "ONLINE" else REGIONS[s[3]].country for s in STORES],
            "aliases": [s[5] for s in STORES],
        },
        schema={k: pl.String for k in ("store_id", "name", "city", "country", "aliases")},
    )


def staff_frame() -> pl.DataFrame:
    """The staff table: the people customers praise or blame by name."""
    return pl.DataFrame(
        {
            "staff_id": [s[0] for s in STAFF],
            "name": [s[1] for s in STAFF],
            "aliases": [s[2] for s in STAFF],
            "store_id": [s[3] for s in STAFF],
            "role": [s[4] for s in STAFF],
        },
        schema={k: pl.String for k in ("staff_id", "name", "aliases", "store_id", "role")},
    )


def products_frame() -> pl.DataFrame:
    """The products table, aliases in English, Indonesian and both Chinese scripts."""
    aliases = ["|".join(dict.fromkeys([p[2], p[3], p[4], *p[5].split("|")])) for p in PRODUCTS]
    return pl.DataFrame(
        {
            "sku": [p[0] for p in PRODUCTS],
            "name": [p[1] for p in PRODUCTS],
            "aliases": aliases,
            "category": [p[6] for p in PRODUCTS],
            "price": [p[7] for p in PRODUCTS],
        },
        schema={
            "sku": pl.String,
            "name": pl.String,
            "aliases": pl.String,
            "category": pl.String,
            "price": pl.Float64,
        },
    )


def store_region(store_id: str) -> str:
    """The region code of a store."""
    for s in STORES:
        if s[0] == store_id:
            return s[3]
    raise KeyError(store_id)


def product_mention(index: int, language: str) -> str:
    """How a product is named in a message of a given phrase-bank language."""
    p = PRODUCTS[index]
    if language == "id":
        return p[2]
    if language == "zh-Hans":
        return p[3]
    if language == "zh-Hant":
        return p[4]
    return p[1]


def staff_mention(index: int, language: str) -> str:
    """How a staff member is named in a message (their first alias or their name)."""
    s = STAFF[index]
    aliases = s[2].split("|")
    if language in ("zh-Hans", "zh-Hant"):
        return aliases[0] if not aliases[0].isascii() else s[1]
    if not s[1].isascii():
        return next((a for a in aliases if a.isascii()), s[1])
    return aliases[0]
