"""Short information questions (retailpulse.enrich.asking) and the neutral rule around them."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from retailpulse.enrich.asking import (
    ASKING_CUES,
    MAX_ASKING_SIZE,
    RHETORICAL,
    asks,
    asks_for_stock,
    asks_in_chinese,
    message_size,
    shop_question,
)
from retailpulse.enrich.cues import clause_cues
from retailpulse.enrich.lexicon import INTENT_CUES
from retailpulse.enrich.pipeline import enrich_texts, without_evidence
from retailpulse.enrich.text import clause_lists, explode_clauses, normalise


def test_asking_cues_are_the_question_cues_without_the_rhetorical_ones() -> None:
    assert set(ASKING_CUES) == set(INTENT_CUES["question"]) - set(RHETORICAL)
    assert "?" not in ASKING_CUES and "kapan" in ASKING_CUES and "吗" in ASKING_CUES


def test_message_size_counts_words_and_half_han_characters() -> None:
    sizes = message_size(
        pl.Series(["kapan dikirim kakak ?", "什么时候发货", "size m 多少钱 ?", "", None])
    )
    np.testing.assert_array_equal(sizes, [3.0, 3.0, 3.5, 0.0, 0.0])


@pytest.mark.parametrize(
    ("text", "asking"),
    [
        ("kapan dikirim kak?", True),
        ("Berapa ongkir ke Makassar?", True),
        ("When will my order ship?", True),
        ("什么时候发货", True),
        ("門店週日開門嗎？", True),
        # a shop-chat frame without an asking word
        ("ready stok kak?", True),
        # a question mark alone, why and how-come words: rhetorical as often as not
        ("harganya segitu?", False),
        ("kenapa belum dikirim?", False),
        ("Why is it so late?", False),
        ("kok belum dikirim kak?", False),
        ("为何还没发货吗", False),
        ("到半夜竟然没暖气，怎么住啊？", False),
        # a Chinese question word that asks nothing
        ("服务不怎么样", False),
        ("这家店去哪里都很方便", False),
        # longer than a line on a phone
        (
            "kapan ya aku bisa " + "belanja lagi di toko yang sama seperti dulu waktu masih kecil",
            False,
        ),
        ("", False),
    ],
)
def test_short_information_question(text: str, asking: bool) -> None:
    assert bool(asks(normalise([text]))[0][0]) is asking


#: Shop-chat questions without an asking word, and rhetorical questions that look like them.
SHOP_FRAMES = [
    # opening ada / masih ada / ready / stok / bisa / boleh, after a greeting or not
    ("Ada promo apa minggu ini?", True, False),
    ("ada warna lain kak?", True, True),
    ("Min ada yg XL ga?", True, True),
    ("ready kak?", True, True),
    ("Kak, ready gk?", True, True),
    ("Halo min! ready?", True, True),
    ("bisa COD gak kak?", True, False),
    ("Gan, bs cod?", True, False),
    ("Boleh minta nomor resi?", True, False),
    ("Sudah bisa dipesan kak?", True, False),
    ("ada stok tak?", True, True),
    # closing ada / ready / bisa, the closing "or not" asks
    ("Kirim ke Malaysia bisa?", True, False),
    ("stoknya masih ada?", True, True),
    ("size M masih ada gak?", True, True),
    ("warna hitam ready gak kak?", True, True),
    # opening hours
    ("Tokonya buka hari minggu?", True, False),
    ("cabang Depok buka sampai jam 9 kak?", True, False),
    ("hari ini buka?", True, False),
    # a closing apa to the shop, a how-to
    ("ini bahannya apa kak?", True, False),
    ("warnanya apa aja kak?", True, False),
    ("cara returnya gimana kak?", True, False),
    # English: an auxiliary first
    ("Any promo this weekend?", True, False),
    ("Hi! Do you have this in blue?", True, False),
    # "X or not?" right after the frame word, "already ... or not yet?"
    ("ada gak size 40 kak?", True, True),
    ("udah ready belum kak?", True, True),
    # restock questions, colours, a closing ada with a size, Malay
    ("ada stok lagi kak?", True, True),
    ("masih ada yg hitam kak?", True, True),
    ("ukuran L ada kak?", True, True),
    ("adakah saiz M?", True, True),
    ("bun, ada ukuran L?", True, True),
    ("bisa tanpa dp kak?", True, False),
    # Chinese chat without 吗 or a question word: A-not-A, a closing 么, which day
    ("有L码没", True, True),
    ("L码有货不？", True, True),
    ("包邮不？", True, False),
    ("能便宜点不", True, False),
    ("这个有黑色的么", True, True),
    ("几号发货", True, False),
    ("哪天能到", True, False),
    # ... and statements and rhetorical questions that look like them
    ("等了三天还没", False, False),
    ("几乎没有", False, False),
    ("难道不", False, False),
    ("房间不好不", False, False),
    ("这么好", False, False),
    ("为什么还没发货不", False, False),
    # rhetorical: a negator, a particle, two marks, two apa, no frame word
    ("gak bisa dipakai??", False, False),
    ("masa gak bisa dikirim?", False, False),
    ("tak bisa dipakai?", False, False),
    ("ada yang tidak beres?", False, False),
    ("ini apa sih?", False, False),
    ("Bisa-bisanya gini?", False, False),
    # nagging and sarcasm
    ("ada orang gak?", False, False),
    ("bisa baca gak?", False, False),
    ("ada respon?", False, False),
    ("bisa dibales ga?", False, False),
    ("katanya ready?", False, False),
    ("ready apanya kak?", False, False),
    ("Do you even read messages?", False, False),
    ("Is anyone there?", False, False),
    # the closing kapan / dimana are asking cues, and can complain: no frame
    ("paket saya dimana kak?", False, False),
    ("apa-apaan ini?", False, False),
    ("pesen apa dikirim apa?", False, False),
    ("mau jadi apa?", False, False),
    ("barangnya original kan kak?", False, False),
    ("ready? katanya ready!", False, False),
    ("kok tokonya gak buka?", False, False),
    ("Don't you have it in blue?", False, False),
    ("ada ukuran L", False, False),
]


@pytest.mark.parametrize(("text", "frame", "stock"), SHOP_FRAMES)
def test_shop_chat_question_frames(text: str, frame: bool, stock: bool) -> None:
    normalised = normalise([text])
    assert bool(shop_question(normalised)[0]) is frame
    assert bool(asks_for_stock(normalised)[0]) is stock


def test_stock_of_messages_already_framed_skips_the_frame() -> None:
    texts = normalise(["ada ukuran L gak kak?", "ready? katanya ready!"])
    assert asks_for_stock(texts).tolist() == [True, False]
    # the pipeline passes frames only; the stock words alone decide then
    assert asks_for_stock(texts, framed=True).tolist() == [True, True]


def test_shop_frames_without_messages_and_with_nulls() -> None:
    for find in (shop_question, asks_for_stock):
        assert find(pl.Series([], dtype=pl.String)).shape == (0,)
        assert find(pl.Series([None], dtype=pl.String)).tolist() == [False]
        assert find(pl.Series([None])).tolist() == [False]


def test_chinese_first_look_is_wider_than_the_frame() -> None:
    texts = normalise(["有L码没", "等了三天还没", "难道不", "服务很好"])
    # 难道不 passes the cheap look and fails the frame; a statement passes neither
    assert asks_in_chinese(texts).tolist() == [True, False, True, False]
    assert shop_question(texts).tolist() == [True, False, False, False]
    assert asks_in_chinese(pl.Series([None])).tolist() == [False]


def test_repeated_marks_are_impatient_not_a_frame() -> None:
    texts = normalise(["ada ukuran L gak kak??", "kapan dikirim kak??", "ada ukuran L gak kak?"])
    asking, framed = asks(texts, np.array([True, True, False]))
    # an asking cue still asks; a frame needs one calm mark
    assert asking.tolist() == [False, True, True]
    assert framed.tolist() == [False, False, True]


def test_the_size_limit_is_inclusive() -> None:
    words = ["kapan"] + ["kirim"] * (MAX_ASKING_SIZE - 1)
    asking, _ = asks(pl.Series([" ".join(words), " ".join([*words, "lagi"])]))
    assert asking.tolist() == [True, False]


def test_no_messages_and_null_messages() -> None:
    assert [a.shape for a in asks(pl.Series([], dtype=pl.String))] == [(0,), (0,)]
    assert [a.tolist() for a in asks(pl.Series([None], dtype=pl.String))] == [[False], [False]]
    assert [a.tolist() for a in asks(pl.Series([None]))] == [[False], [False]]


def _without_evidence(texts: list[str], language: str) -> tuple[list[bool], list[bool]]:
    lists = clause_lists(pl.Series(texts))
    cl = explode_clauses(lists)
    _, message = clause_cues(cl["clause"], cl["row"].to_numpy(), len(texts))
    weak, asking, _ = without_evidence(
        [language] * len(texts), lists["normalised"], message, pl.Series(texts)
    )
    return weak.tolist(), asking.tolist()


def test_retail_status_words_are_not_evidence_of_an_opinion() -> None:
    # a size, a pre-order and stock status are VADER opinion words, not a shop's opinions
    texts = ["Do you have the blue one in L?", "Is it ready for pickup?", "L or XL?"]
    assert _without_evidence(texts, "en")[0] == [True, True, True]
    assert _without_evidence(["bisa po kapan kak?"], "id") == ([True], [True])
    # other opinion words stay evidence
    assert _without_evidence(["Is the blue one nice?"], "en")[0] == [False]
    assert enrich_texts(["Do you have the blue one in L?"])["sentiment"][0] == "neutral"


def test_asking_without_evidence_is_weak_in_every_language() -> None:
    texts = ["kapan dikirim kak?", "kapan dikirim kak? kecewa", "ready stok kak?", "segitu?"]
    assert _without_evidence(texts, "id") == (
        [True, False, True, False],
        [True, False, True, False],
    )
    # a frame whose original text repeats its marks is impatient, not asking
    assert _without_evidence(["ada ukuran L gak kak???", "ada ukuran L gak kak?"], "id") == (
        [False, True],
        [False, True],
    )
    # an English message without evidence is weak whether or not it asks
    assert _without_evidence(["When will my order ship?", "I went to the mall"], "en") == (
        [True, True],
        [True, False],
    )


def test_an_opinion_word_or_a_cue_keeps_the_heads_judgement() -> None:
    out = enrich_texts(["kapan dikirim kak? 😡", "berapa harganya? mahal banget", "多少钱？太贵了"])
    assert out["sentiment"].to_list() == ["negative", "negative", "negative"]
