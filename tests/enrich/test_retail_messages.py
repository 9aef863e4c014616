"""Typical retail messages in the three languages get the sentiment, intent and aspect a
retailer expects (the cue lexicons and the heads together, through the full pipeline)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from retailpulse.enrich.evaluate import evaluate_gold
from retailpulse.enrich.pipeline import enrich_texts
from retailpulse.enrich.training_data import hand_labelled_path

DATA = Path(__file__).parent / "data"

LATE_PARCEL = [
    "My parcel is a week late and still has not arrived. Very disappointed.",
    "My parcel is 5 days late, still not here!",
    "Paket aku udah seminggu belum nyampe, kecewa bgt.",
    "Pesanan saya telat 3 hari, kurirnya gak jelas.",
    "我的快递一个星期了还没到，太失望了。",
    "我的包裹一個星期了還沒到，很失望。",
    # no opinion word: neutral before the rules' version 8
    "My order never came.",
]

CASES = [
    ("The delivery was super fast, thank you!", "praise", "delivery:positive"),
    ("Pengiriman cepat, makasih kak", "praise", "delivery:positive"),
    ("物流很快，好评！", "praise", "delivery:positive"),
    ("The cashier was really rude to me.", "complaint", "service:negative"),
    ("Mbak kasirnya judes banget, gak ramah.", "complaint", "service:negative"),
    ("客服态度太差了。", "complaint", "service:negative"),
    ("Please restock the black jeans in size 28!", "request", "availability"),
    ("Tolong restock warna hitam dong kak.", "request", "availability"),
    ("希望能补货黑色的。", "request", "availability"),
    ("Way too expensive for a t-shirt.", "complaint", "price:negative"),
    ("Harganya kemahalan.", "complaint", "price:negative"),
    ("这个价格太贵了，不值。", "complaint", "price:negative"),
    ("The app keeps crashing when I try to pay.", "complaint", "online:negative"),
    ("Aplikasinya error terus pas mau bayar, kesel.", "complaint", "online:negative"),
    ("APP一直闪退，根本付不了款。", "complaint", "online:negative"),
    ("Is the linen shirt available in XL?", "question", "availability"),
    ("Stok size M kapan ready lagi kak?", "question", "availability"),
    ("请问这款还有货吗？", "question", "availability"),
    ("Mau beli lagi yang warna navy.", "purchase_intent", ""),
    ("准备下单买两件。", "purchase_intent", ""),
]


@pytest.fixture(scope="module")
def late() -> list[tuple[str, str, str]]:
    out = enrich_texts(LATE_PARCEL)
    return list(out.select("sentiment", "intents", "aspects").iter_rows())


@pytest.mark.parametrize("i", range(len(LATE_PARCEL)))
def test_late_parcel_is_a_negative_delivery_complaint(
    late: list[tuple[str, str, str]], i: int
) -> None:
    sentiment, intents, aspects = late[i]
    assert sentiment == "negative", LATE_PARCEL[i]
    assert "complaint" in intents.split(";"), LATE_PARCEL[i]
    assert "delivery:negative" in aspects.split(";"), LATE_PARCEL[i]


#: Waiting and queueing with nobody serving: complaints, though most name no opinion word
#: (the accurate tier read 排队排了一个小时 as praise until the rules' version 4).
WAITING = [
    "Queued for an hour at the checkout, only one till open.",
    "Waited 45 minutes and nobody helped us.",
    "Antri sejam di kasir, cuma satu yang buka.",
    "Di toko nunggu lama banget, gak ada yang layani.",
    "排队排了一个小时，只开了一个收银台。",
    "在门店等了好久才有人来。",
]


def test_someone_who_never_came_back_is_no_delivery() -> None:
    """A bare "never came" was a delivery cue until the rules' version 8."""
    out = enrich_texts(["Waited 20 minutes and Rina never came back"])
    assert out["intents"][0] == "complaint" and "delivery" not in out["aspects"][0]


#: Customers saying they will not come back or buy again: complaints, never purchase intents
#: (the intent head learnt the words of the purchase cues, not the negator before them; these
#: were purchase intents, the first neutral, until the rules' version 8).
WILL_NOT_COME_BACK = [
    "I will never come back to this store",
    "Gak akan balik lagi ke toko ini",
    "以后不会再来了",
]


@pytest.mark.parametrize("tier", ["fast", "accurate"])
def test_a_customer_who_will_not_come_back_complains_and_intends_no_purchase(tier: str) -> None:
    for text, sentiment, intents in _sentiment_and_intents(WILL_NOT_COME_BACK, tier):
        assert sentiment == "negative" and intents == {"complaint"}, (tier, text)
    for text, _, intents in _sentiment_and_intents(["will come back again!", "还会再买"], tier):
        assert "purchase_intent" in intents, (tier, text)


def _sentiment_and_intents(texts: list[str], tier: str) -> list[tuple[str, str, set[str]]]:
    out = enrich_texts(texts, tier=tier).select("sentiment", "intents")
    return [(t, s, set(i.split(";"))) for t, (s, i) in zip(texts, out.iter_rows(), strict=True)]


@pytest.mark.parametrize("tier", ["fast", "accurate"])
def test_waiting_with_nobody_serving_is_a_complaint_never_praise(tier: str) -> None:
    for text, sentiment, intents in _sentiment_and_intents(WAITING, tier):
        assert "complaint" in intents and "praise" not in intents, (tier, text)
        assert sentiment != "positive", (tier, text)


#: Negated complaints are praise: before the rules' version 4 both tiers called the first
#: one negative at 0.96, reading the complaint word and missing the negation.
NEGATED_COMPLAINTS = [
    "Sama sekali tidak kecewa, barangnya sesuai.",
    "Not disappointed at all, the jeans fit perfectly.",
    "No complaints, fast delivery.",
    "Gak nyesel belanja di sini.",
    "书很好，没有让我失望。",
    "一點也不後悔買了這個。",
]


@pytest.mark.parametrize("tier", ["fast", "accurate"])
def test_negated_complaints_are_positive_never_complaints(tier: str) -> None:
    for text, sentiment, intents in _sentiment_and_intents(NEGATED_COMPLAINTS, tier):
        assert sentiment == "positive" and "complaint" not in intents, (tier, text)


#: Staff praised for how they serve: praise with service:positive (friendly, ramah, sopan, 热情,
#: 耐心, 有礼貌 were service cues only before the rules' version 5), and their negations
#: complaints.
STAFF_PRAISE = [
    "Staff at the Orchard store were so friendly",
    "Kasirnya ramah",
    "Pelayanan mbak Rina ramah sekali, terima kasih",
    "Mas Andi kasirnya ramah dan sabar banget",
    # "sangat membantu" is a praise cue since the rules' version 6 (the fast tier had read it
    # as a complaint)
    "Mas Budi di cabang Depok sangat membantu",
    "收银员很有礼貌",
    "导购小姐姐特别热情",
]
STAFF_COMPLAINTS = [
    "The staff were not friendly at all",
    # no opinion word in VADER's lexicon: neutral before the rules' version 8
    "Rina was really unhelpful today",
    "Mbak kasirnya tidak ramah",
    "店员一点都不热情",
]


@pytest.mark.parametrize("tier", ["fast", "accurate"])
def test_staff_praise_is_praise_and_its_negation_a_complaint(tier: str) -> None:
    texts = STAFF_PRAISE + STAFF_COMPLAINTS
    out = enrich_texts(texts, tier=tier).select("sentiment", "intents", "aspects")
    for text, (sentiment, intents, aspects) in zip(texts, out.iter_rows(), strict=True):
        praised = text in STAFF_PRAISE
        assert sentiment == ("positive" if praised else "negative"), (tier, text)
        assert ("praise" if praised else "complaint") in intents.split(";"), (tier, text)
        polarity = "positive" if praised else "negative"
        assert f"service:{polarity}" in aspects.split(";"), (tier, text, aspects)


#: Short information questions ask, they do not judge: neutral, no complaint or praise, and the
#: aspect asked about is neutral (before the rules' version 5 both tiers called every
#: Indonesian and Chinese one negative at 0.52-0.93, most of them complaints).
QUESTIONS = [
    ("When will my order ship?", "delivery"),
    ("kapan dikirim kak?", "delivery"),
    ("berapa harganya?", "price"),
    ("tokonya buka jam berapa?", "store"),
    ("Stok size M kapan ready lagi kak?", "availability"),
    ("什么时候发货", "delivery"),
    ("多少钱？", "price"),
    ("门店周日开门吗？", "store"),
    ("这款还有货吗", "availability"),
    ("什麼時候出貨？", ""),
    ("请问几点关门", ""),
]

#: Shop-chat questions without an asking word (rules version 6): before, the fast tier called
#: "ada warna lain kak?" a complaint (negative 0.76, product_quality:negative) and "bisa cod?"
#: praise (positive 0.59); a frame that asks about stock names availability.
SHOP_QUESTIONS = [
    ("Ada promo apa minggu ini?", "promotion"),
    ("ada ukuran L gak kak?", "availability"),
    ("ada warna lain kak?", "availability"),
    ("ready stok kak?", "availability"),
    ("stoknya masih ada?", "availability"),
    ("bisa cod?", "delivery"),
    ("bisa dikirim ke Bali?", "delivery"),
    ("Kirim ke Malaysia bisa?", ""),
    ("ini bahannya apa kak?", "product_quality"),
    ("cara returnya gimana kak?", ""),
    ("Tokonya buka hari minggu?", "store"),
    ("有L码没", "availability"),
    ("包邮不？", ""),
    ("几号发货", "delivery"),
    ("Is the red one in stock?", "availability"),
    ("Any promo this weekend?", "promotion"),
]
#: Rhetorical questions in the same words keep the heads' judgement.
RHETORICAL_SHOP_QUESTIONS = [
    "pesen apa dikirim apa?",
    "masa gak bisa dikirim?",
    "gak bisa dipakai??",
    "等了三天还没",
    "到底发不发货",
]

#: Questions that complain stay negative complaints: a why word, a complaint cue, or a
#: question inside a longer complaint.
COMPLAINING_QUESTIONS = [
    "Why is my order so late?",
    "kenapa belum dikirim juga?",
    "为什么还没发货？",
    "kapan dikirim? udah seminggu nunggu, kecewa",
    "Where is my order?? Paid a week ago and still nothing, so disappointed.",
]


@pytest.mark.parametrize("tier", ["fast", "accurate"])
@pytest.mark.parametrize("questions", [QUESTIONS, SHOP_QUESTIONS], ids=["asking", "shop"])
def test_short_information_questions_are_neutral_questions(
    tier: str, questions: list[tuple[str, str]]
) -> None:
    texts = [t for t, _ in questions]
    out = enrich_texts(texts, tier=tier).select("sentiment", "intents", "aspects")
    for (text, aspect), (sentiment, intents, aspects) in zip(
        questions, out.iter_rows(), strict=True
    ):
        found = set(intents.split(";"))
        assert sentiment == "neutral", (tier, text)
        assert "question" in found and not {"complaint", "praise"} & found, (tier, text)
        assert all(a.endswith(":neutral") for a in aspects.split(";") if a), (tier, text)
        if aspect:
            assert f"{aspect}:neutral" in aspects.split(";"), (tier, text, aspects)


@pytest.mark.parametrize("tier", ["fast", "accurate"])
def test_a_chinese_question_word_that_asks_nothing_is_no_question(tier: str) -> None:
    # 不怎么样 "not great": the cue is gone since the rules' version 5, and the intent head,
    # which learnt 怎么样 as a question n-gram, no longer decides alone
    texts = ["服务不怎么样", "衣服不怎么好看，退了", "这家店去哪里都很方便"]
    for text, _, intents in _sentiment_and_intents(texts, tier):
        assert "question" not in intents, (tier, text)


@pytest.mark.parametrize("tier", ["fast", "accurate"])
def test_complaining_questions_stay_negative_complaints(tier: str) -> None:
    for text, sentiment, intents in _sentiment_and_intents(COMPLAINING_QUESTIONS, tier):
        assert sentiment == "negative" and {"complaint", "question"} <= intents, (tier, text)


@pytest.mark.parametrize("tier", ["fast", "accurate"])
def test_rhetorical_shop_questions_stay_negative(tier: str) -> None:
    for text, sentiment, _ in _sentiment_and_intents(RHETORICAL_SHOP_QUESTIONS, tier):
        assert sentiment == "negative", (tier, text)


@pytest.fixture(scope="module")
def typical() -> list[tuple[str, str]]:
    out = enrich_texts([c[0] for c in CASES])
    return list(out.select("intents", "aspects").iter_rows())


@pytest.mark.parametrize("i", range(len(CASES)))
def test_typical_retail_message(typical: list[tuple[str, str]], i: int) -> None:
    text, intent, aspect = CASES[i]
    intents, aspects = typical[i]
    assert intent in intents.split(";"), text
    if aspect:
        found = aspects.split(";")
        assert any(a == aspect or a.split(":")[0] == aspect for a in found), (text, aspects)


@pytest.mark.parametrize(
    "text",
    ["Saya tidak suka modelnya.", "我不喜欢这个颜色。", "I don't like the colour at all."],
)
def test_negated_praise_word_is_not_praise(text: str) -> None:
    assert "praise" not in (enrich_texts([text])["intents"][0] or "").split(";")


def test_gold_sets_have_a_few_hundred_labelled_texts_and_reach_a_floor() -> None:
    # the floors are well below the measured figures (docs/enrich.md); they catch a lexicon
    # or pipeline change that breaks intents or aspects
    dev = evaluate_gold(None, hand_labelled_path())
    held = evaluate_gold(None, DATA / "intent_aspect_heldout.csv")
    assert dev["intent/all macro_f1"] >= 0.55
    assert dev["aspect/all macro_f1"] >= 0.6
    assert held["intent/all macro_f1"] >= 0.45
    assert held["aspect/all macro_f1"] >= 0.55
    assert held["aspect polarity accuracy"] >= 0.8
    per_language: dict[str, int] = {}
    for path in (hand_labelled_path(), DATA / "intent_aspect_heldout.csv"):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                per_language[row["language"]] = per_language.get(row["language"], 0) + 1
    assert min(per_language[lang] for lang in ("en", "id", "zh")) >= 300
