from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest

from retailpulse.errors import InputError, ModelError, NotFittedError
from retailpulse.understand.topics import (
    TopicModel,
    discover_topics,
    emerging_topics,
    hashed_embedding,
    tokens,
)
from voc_synth import make_world

NAMES = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel")


def planted(n: int = 3_000, k: int = 6, dim: int = 32, noise: float = 0.25, seed: int = 0):
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((k, dim))
    truth = rng.integers(0, k, n)
    emb = centres[truth] + noise * rng.standard_normal((n, dim)) * np.sqrt(dim) / 4
    texts = [f"{NAMES[t]} common filler" for t in truth]
    return emb, texts, truth


def purity(labels: np.ndarray, truth: np.ndarray) -> float:
    hits = 0
    for t in np.unique(labels[labels >= 0]):
        _, counts = np.unique(truth[labels == t], return_counts=True)
        hits += counts.max()
    return hits / max(1, (labels >= 0).sum())


@pytest.fixture(scope="module")
def inbound():
    w = make_world(n_customers=400, n_messages=6_000, days=56, seed=7)
    return w.messages.filter((pl.col("direction") == "inbound") & ~pl.col("is_spam"))


def test_planted_clusters_are_recovered_with_their_words():
    emb, texts, truth = planted()
    model = TopicModel(seed=0, k_range=(3, 12)).fit(emb, texts)
    assert len(model.centres_) == 6
    assert purity(model.labels_, truth) > 0.98
    assert model.unassigned_share_ < 0.05
    for t in range(6):
        majority = np.bincount(truth[model.labels_ == t]).argmax()
        assert model.terms_[t][0] == NAMES[majority]


def test_stable_for_a_seed():
    emb, texts, _ = planted(seed=3)
    a = TopicModel(seed=11).fit(emb, texts)
    b = TopicModel(seed=11).fit(emb, texts)
    assert np.array_equal(a.labels_, b.labels_)
    assert a.terms_ == b.terms_


def test_hashed_embedding_topics_follow_aspects(inbound):
    emb = hashed_embedding(inbound["text"])
    assert emb.shape == (inbound.height, 64)
    assert np.allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-4)
    model = TopicModel(seed=0).fit(emb, inbound["text"], inbound["language"])
    aspect = inbound["aspects"].str.split(":").list.first().to_numpy()
    assert purity(model.labels_, aspect) > 0.8
    assert model.unassigned_share_ < 0.05
    words = {w for terms in model.terms_ for w in terms}
    assert "快递" in words or "优惠券" in words  # Chinese labels come from rjieba words


def test_identical_texts_share_an_embedding():
    emb = hashed_embedding(["delivery late", "快递太慢了", "delivery late", None])
    assert np.array_equal(emb[0], emb[2])
    assert not np.array_equal(emb[0], emb[1])
    assert np.all(emb[3] == 0)


def test_tokens_segment_chinese():
    assert tokens("快递太慢了", "zh")[:1] == ["快递"]
    assert tokens("The delivery was LATE again") == ["delivery", "late"]


def test_save_and_load_round_trip():
    emb, texts, _ = planted(seed=5)
    model = TopicModel(seed=0).fit(emb, texts)
    again = TopicModel.from_dict(model.to_dict())
    assert np.array_equal(again.transform(emb), model.labels_)
    with pytest.raises(ModelError, match="retailpulse topics"):
        TopicModel.from_dict({**model.to_dict(), "version": 99})


def test_bad_inputs_name_the_fix():
    emb, texts, _ = planted(n=100)
    with pytest.raises(InputError, match="one embedding row per message"):
        TopicModel().fit(emb, texts[:50])
    bad = emb.copy()
    bad[0, 0] = np.nan
    with pytest.raises(InputError, match="finite 2-D array"):
        TopicModel().fit(bad, texts)
    with pytest.raises(NotFittedError, match="fit"):
        TopicModel().transform(emb)
    model = TopicModel(seed=0).fit(emb, texts)
    with pytest.raises(InputError, match="same embedding backend"):
        model.transform(emb[:, :10])


def test_emerging_topic_is_flagged():
    rng = np.random.default_rng(0)
    now = datetime(2025, 3, 1, tzinfo=UTC)
    rows = []
    for topic in range(4):
        for day in range(35):
            per_day = 10 if not (topic == 2 and day >= 28) else 40
            for _ in range(rng.poisson(per_day)):
                rows.append((topic, now - timedelta(days=35 - day - 0.5)))
    frame = pl.DataFrame(rows, schema=["topic", "created_at"], orient="row")
    table = emerging_topics(frame, now=now)
    assert table.filter(pl.col("emerging"))["topic"].to_list() == [2]
    assert emerging_topics(frame.filter(pl.col("topic") < 0)).is_empty()


def test_discover_topics_table(inbound):
    _model, assigned, table = discover_topics(inbound, model=TopicModel(seed=1))
    assert assigned.height == inbound.height
    assert table["size"].sum() == inbound.height
    assert table["share"].sum() == pytest.approx(1.0)
    assert all(isinstance(x, str) and x for x in table["label"])
    with pytest.raises(InputError, match="--since/--until"):
        discover_topics(inbound.clear())
