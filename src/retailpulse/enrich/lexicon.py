"""Label descriptions as cue words in English, Indonesian and Chinese.

These are the few-shot prototypes of the intent, aspect, spam and surprise labels. They serve
three purposes: (1) silver labels for training the intent and aspect heads on the shared texts
(a clause that contains a cue gets the label), (2) a high-precision rule that is combined with
the learned head at prediction time, and (3) the documentation of what each label means.
Latin-script cues match whole words of the *normalised* text (slang already expanded, lower
case); Chinese cues match anywhere (after traditional → simplified mapping).
"""

from __future__ import annotations

import re
from functools import cache

INTENTS = ("complaint", "question", "praise", "purchase_intent", "request")
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

# fmt: off
INTENT_CUES: dict[str, tuple[str, ...]] = {
    "complaint": (
        "disappointed", "disappointing", "worst", "terrible", "awful", "horrible", "refund",
        "broken", "damaged", "defective", "never again", "not received", "still waiting",
        "waste of money", "rip off", "scam", "complaint", "unacceptable", "ripped",
        "kecewa", "mengecewakan", "parah", "rusak", "cacat", "nyesel", "menyesal", "penipu",
        "tidak sampai", "belum sampai", "belum datang", "tidak sesuai", "komplain", "jelek banget",
        "lambat banget", "zonk", "buruk",
        "失望", "投诉", "差评", "太差", "很差", "坏了", "退款", "骗", "垃圾", "再也不", "不满",
    ),
    "question": (
        "?", "how do", "how can", "how much", "what is", "when will", "where is", "where can",
        "is there", "do you", "does it", "can i", "is it", "anyone know",
        "apakah", "kapan", "berapa", "bagaimana", "gimana", "dimana", "kenapa", "bisakah",
        "apa ada", "ada tidak", "boleh tanya", "mau tanya",
        "吗", "怎么", "什么时候", "多少钱", "哪里", "是否", "为什么", "请问", "有没有", "能否",
    ),
    "praise": (
        "love", "loved", "amazing", "excellent", "great", "perfect", "awesome", "best",
        "highly recommend", "recommended", "beautiful", "fantastic", "thank you", "thanks",
        "mantap", "bagus", "puas", "keren", "rekomended", "rekomendasi", "suka", "terbaik",
        "memuaskan", "sukses", "terima kasih", "enak",
        "好评", "满意", "推荐", "很好", "不错", "喜欢", "赞", "超值", "完美", "棒", "谢谢",
    ),
    "purchase_intent": (
        "want to buy", "going to buy", "will buy", "will order", "gonna buy", "need to buy",
        "where can i buy", "add to cart", "buying", "ordering", "want one", "take my money",
        "mau beli", "pengen beli", "pengin beli", "ingin membeli", "ingin beli", "mau order",
        "mau pesan", "pesan dong", "order dong", "checkout", "beli lagi", "akan membeli",
        "想买", "要买", "下单", "准备买", "打算买", "购买", "入手", "再来一", "回购",
    ),
    "request": (
        "please add", "please bring", "bring back", "restock", "more sizes", "please make",
        "please open", "should add", "should have", "wish you", "hope you", "could you",
        "would love if", "please", "need more",
        "tolong", "mohon", "tambahin", "tambahkan", "buka cabang", "sediain", "sediakan",
        "diperbanyak", "restok", "semoga", "harap", "please dong",
        "希望", "建议", "能不能", "请", "麻烦", "增加", "改进", "要改善",
    ),
}

ASPECT_CUES: dict[str, tuple[str, ...]] = {
    "price": (
        "price", "prices", "priced", "expensive", "cheap", "cost", "costs", "worth", "value",
        "overpriced", "pricey", "affordable",
        "harga", "harganya", "mahal", "murah", "terjangkau", "worth it", "sebanding",
        "价格", "价钱", "贵", "便宜", "性价比", "划算", "房价", "价位",
    ),
    "product_quality": (
        "quality", "fabric", "material", "materials", "broken", "defect", "defective",
        "durable", "sturdy", "flimsy", "size", "sizing", "fit", "fits", "runs small",
        "runs large", "stitching", "color", "colour", "soft", "comfortable", "itchy", "thin",
        "kualitas", "kualitasnya", "bahan", "bahannya", "rusak", "cacat", "ukuran",
        "ukurannya", "awet", "tipis", "tebal", "jahitan", "warna", "warnanya", "original",
        "ori", "berfungsi", "barang", "barangnya", "produk", "produknya",
        "质量", "做工", "材质", "效果", "屏幕", "性能", "配置", "电池", "内容", "印刷", "设施",
    ),
    "service": (
        "service", "staff", "customer service", "rude", "friendly", "helpful", "employee",
        "cashier", "manager", "support", "response", "responsive", "attitude",
        "pelayanan", "pelayanannya", "layanan", "admin", "seller", "penjual", "respon",
        "responnya", "ramah", "judes", "fast respon", "cs", "karyawan", "pegawai",
        "服务", "态度", "客服", "前台", "服务员", "热情",
    ),
    "delivery": (
        "delivery", "shipping", "shipped", "arrived", "courier", "package", "parcel",
        "tracking", "late", "delivered",
        "pengiriman", "pengirimannya", "kirim", "dikirim", "kurir", "paket", "paketnya",
        "sampai", "sampainya", "ongkir", "packing", "packingnya", "ekspedisi", "jne", "jnt",
        "物流", "快递", "送货", "发货", "到货", "包装", "送到",
    ),
    "availability": (
        "out of stock", "sold out", "in stock", "restock", "available", "unavailable",
        "back in stock", "run out",
        "stok", "stoknya", "habis", "kosong", "ready", "tersedia", "restok", "ready stock",
        "缺货", "没货", "有货", "断货", "售罄", "库存",
    ),
    "store": (
        "store", "stores", "shop", "branch", "outlet", "mall", "fitting room", "in store",
        "location", "checkout line", "queue",
        "toko", "tokonya", "gerai", "cabang", "antrian", "antri", "kasir", "lokasi",
        "门店", "店里", "商场", "专柜", "酒店", "房间", "大堂", "位置",
    ),
    "online": (
        "website", "online", "app", "site", "order online", "ordered online", "link",
        "aplikasi", "situs", "web", "apk", "shopee", "tokopedia", "marketplace", "olshop",
        "网站", "网上", "网购", "app", "当当", "京东", "淘宝", "官网",
    ),
    "promotion": (
        "promo", "promotion", "discount", "sale", "voucher", "coupon", "cashback", "deal",
        "deals", "code", "free shipping", "bogo",
        "diskon", "potongan", "gratis ongkir", "flash sale", "promonya", "kupon", "bonus",
        "优惠", "打折", "促销", "活动", "满减", "折扣", "赠品", "送的",
    ),
}

SPAM_CUES: tuple[str, ...] = (
    "giveaway", "follow back", "follow me", "check my bio", "link in bio", "dm me", "dm for",
    "click the link", "free followers", "earn money", "work from home", "crypto", "whatsapp",
    "cek bio", "klik link", "follow balik", "pinjaman", "slot", "gacor", "jual followers",
    "hubungi", "order sekarang", "open reseller", "dropship",
    "加微信", "代购", "兼职", "刷单", "加我", "私聊", "免费领取", "点击链接",
)

SURPRISE_CUES: tuple[str, ...] = (
    "wow", "omg", "surprised", "surprising", "unexpected", "can't believe", "shocked",
    "no way", "whoa",
    "kaget", "terkejut", "wah", "ternyata", "gak nyangka", "tidak nyangka", "astaga",
    "惊讶", "没想到", "竟然", "居然", "吃惊", "震惊",
)
# fmt: on


def _is_cjk(word: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in word)


@cache
def cue_pattern(cues: tuple[str, ...]) -> str:
    """One regex (Rust/Python compatible) that finds any of ``cues`` in normalised text."""
    latin = sorted((c for c in cues if not _is_cjk(c) and c != "?"), key=len, reverse=True)
    cjk = sorted((c for c in cues if _is_cjk(c)), key=len, reverse=True)
    parts = []
    if latin:
        parts.append(r"\b(?:" + "|".join(re.escape(c) for c in latin) + r")\b")
    if cjk:
        parts.append("(?:" + "|".join(re.escape(c) for c in cjk) + ")")
    if "?" in cues:
        parts.append(r"\?")
    return "|".join(parts)
