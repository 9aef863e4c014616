"""The retailer's own names are masked out of what the opinion heads read (names.py), in the
mask itself and through the full pipeline, in both tiers."""

from __future__ import annotations

import pickle

import polars as pl
import pytest

from retailpulse.enrich.entities import Catalog
from retailpulse.enrich.lexicon import ASPECT_CUES
from retailpulse.enrich.names import PLACE_NOUNS, NameMask
from retailpulse.enrich.pipeline import enrich_texts
from retailpulse.enrich.text import clause_lists, normalise

ID_NAMES = ["Rina", "Budi", "Andi", "Siti", "Rudi", "Eko", "Dian", "Nur", "Putri", "Agus"]


def catalog(staff: list[str] | None = None) -> Catalog:
    names = staff if staff is not None else ["Rina", "Grace Tan", "Bagus", "Budi Santoso"]
    aliases = {"Grace Tan": "Grace", "Budi Santoso": "Budi"}
    return Catalog.from_frames(
        staff=pl.DataFrame(
            {
                "staff_id": [f"E{i}" for i in range(len(names))],
                "name": names,
                "aliases": [aliases.get(n) for n in names],
            }
        ),
        stores=pl.DataFrame(
            {
                "store_id": ["S1", "S2"],
                "name": ["Toko Sudirman", "王府井分店"],
                "aliases": ["Sudirman", None],
            }
        ),
        products=pl.DataFrame({"sku": ["P1"], "name": ["Happy Socks"], "aliases": ["袜子"]}),
        competitors=["Shopee"],
    )


def masked(texts: list[str | None], cat: Catalog | None = None) -> tuple[list[str], list[str]]:
    raw = pl.Series(texts, dtype=pl.String)
    norm = clause_lists(raw)["normalised"]
    mask = (cat or catalog()).name_mask()
    a, rows = mask.mask_messages(norm)
    return a.to_list(), mask.mask_raw(raw, rows).to_list()


def test_names_leave_the_text_and_place_nouns_stay() -> None:
    norm, raw = masked(["Mbak Rina di toko Sudirman ramah banget!", "王府井分店的服务很好"])
    assert norm == ["mbak di toko ramah banget !", "分店的服务很好"]
    assert raw[0].split() == ["Mbak", "di", "toko", "ramah", "banget!"]
    assert raw[1] == "分店的服务很好"


def test_the_longest_name_wins_and_repeats_are_all_masked() -> None:
    norm, _ = masked(["budi santoso dan budi, rina rina!"])
    assert norm == ["dan !"]


def test_opinion_marks_of_normalisation_go_with_the_name() -> None:
    # "happy" is an English opinion word: normalisation marks it (happy lexpos socks)
    norm, raw = masked(["Happy Socks sucks", "grace tan was rude"])
    assert norm == ["sucks lexneg", "was rude lexneg"]
    assert raw[0].split() == ["sucks"]


def test_a_name_that_is_an_opinion_word_is_masked_only_after_a_title() -> None:
    # Bagus (a Javanese name) is also "good"; Grace is a VADER opinion word
    norm, _ = masked(
        ["Mas Bagus kasar", "kak bagus ramah", "bajunya bagus sekali", "Ms Grace was rude"]
    )
    assert norm == ["kasar", "ramah", "bajunya bagus sekali", "was rude lexneg"]
    norm, _ = masked(["Grace never came back"])
    assert norm == ["grace lexpos never came back"]


def test_words_inside_other_words_and_competitors_stay() -> None:
    norm, _ = masked(["marina bilang lebih murah di shopee", "sudirmanto"])
    assert norm == ["marina bilang lebih murah di shopee", "sudirmanto"]


def test_texts_without_names_are_returned_as_they_were() -> None:
    raw = pl.Series(["nothing here", None, ""], dtype=pl.String)
    norm = clause_lists(raw)["normalised"]
    mask = catalog().name_mask()
    a, rows = mask.mask_messages(norm)
    assert a is norm and rows == [] and mask.mask_raw(raw, rows) is raw
    assert mask.mask(norm) is norm


def test_the_callers_series_is_not_changed() -> None:
    raw = pl.Series(["Rina ramah"], dtype=pl.String)
    norm = normalise(raw)
    mask = catalog().name_mask()
    mask.mask_raw(raw, mask.mask_messages(norm)[1])
    assert norm.to_list() == ["rina ramah"] and raw.to_list() == ["Rina ramah"]


def test_only_the_rows_asked_for_are_looked_at() -> None:
    norm = normalise(pl.Series(["rina ramah", "budi ramah", "rina juga"]))
    assert catalog().name_mask().mask(norm, [1, 2]).to_list() == ["rina ramah", "ramah", "juga"]


def test_a_name_the_clause_split_cut_is_masked_in_its_clauses() -> None:
    """The full stop of "J.Co" and "Mr. DIY" ends a clause; the name is masked in the clauses
    as in the message, and each message keeps its number of clauses."""
    cat = Catalog.from_frames(
        stores=pl.DataFrame({"store_id": ["S1", "S2"], "name": ["J.Co", "Mr. DIY"]})
    )
    texts = ["Donat J.Co enak banget! tapi Mr. DIY jelek", "Mr. DIY mantap", "J.Co."]
    lists = clause_lists(pl.Series(texts, dtype=pl.String))
    assert lists["clauses"].to_list()[0] == ["donat j", "co enak banget !", "tapi mr", "diy jelek"]
    mask = cat.name_mask()
    _, rows = mask.mask_messages(lists["normalised"])
    assert rows == [0, 1, 2]
    assert mask.mask_clauses(lists["clauses"], rows) == [
        *["donat", "enak banget !", "tapi", "jelek"],
        *["", "mantap"],
        *["", ""],
    ]
    assert mask.mask_clauses(lists["clauses"], []) == []


def test_masked_clauses_joined_are_the_masked_message() -> None:
    texts = [
        "Mbak Rina di toko Sudirman ramah banget! Budi, Santoso? kurang",
        "Happy Socks sucks. grace tan was rude, Grace Tan!",
        "王府井分店的服务很好。袜子，很好",
        "Ms. Grace was rude. Mas. Bagus kasar; bajunya bagus sekali",
    ]
    lists = clause_lists(pl.Series(texts, dtype=pl.String))
    mask = catalog().name_mask()
    message, rows = mask.mask_messages(lists["normalised"])
    assert rows == [0, 1, 2, 3]
    clauses = iter(mask.mask_clauses(lists["clauses"], rows))
    for row, parts in enumerate(lists["clauses"].to_list()):
        again = [next(clauses) for _ in parts]
        assert " ".join(c for c in again if c) == message[row], row


def test_a_short_chinese_name_inside_a_longer_word_is_no_name() -> None:
    """Chinese has no spaces: 小王 and 小黄 are common nicknames, and also the start of 小王子
    ("The Little Prince") and 小黄瓜 ("cucumber"). A short Chinese alias must not cut a word
    of jieba's dictionary; the name itself is still found before any character."""
    staff = pl.DataFrame({"staff_id": ["E1", "E2", "E3"], "name": ["小王", "小黄", "小李"]})
    cat = Catalog.from_frames(staff=staff, competitors=["京东"])
    texts = [
        "小王子这本书很好看",
        "我买了小黄瓜，很新鲜",
        "送了小李子",
        "小王服务很好",
        "谢谢小李帮我换货",
        "小黄态度很差",
        "京东买的",
    ]
    norm, _ = masked(texts, cat)
    assert norm[:3] == ["小王子这本书很好看", "我买了小黄瓜 很新鲜", "送了小李子"]
    assert norm[3:6] == ["服务很好", "谢谢帮我换货", "态度很差"]
    raw = pl.Series(texts, dtype=pl.String)
    entities = cat.match(normalise(raw), raw)
    assert entities == ["", "", "", "staff:E1", "staff:E3", "staff:E2", "competitor:京东"]


def test_an_alias_overlapping_a_rejected_short_one_is_still_found() -> None:
    """小李 cuts 李子 ("plum") in 小李子: the product 李子 is found and masked all the same."""
    cat = Catalog.from_frames(
        products=pl.DataFrame({"sku": ["P1"], "name": ["李子"]}),
        staff=pl.DataFrame({"staff_id": ["E1"], "name": ["小李"]}),
    )
    raw = pl.Series(["买了小李子很甜", "小李服务好"])
    assert cat.match(normalise(raw), raw) == ["product:P1", "staff:E1"]
    assert masked(raw.to_list(), cat)[0] == ["买了小很甜", "服务好"]


def test_a_catalog_with_its_mask_built_still_pickles() -> None:
    """(worker processes get the catalog pickled)"""
    cat = catalog()
    cat.name_mask()
    raw = pl.Series(["王府井分店 rina"])
    assert cat.match(normalise(raw), raw) == ["staff:E0;store:S2"]  # (builds the Chinese automaton)
    again = pickle.loads(pickle.dumps(cat))
    assert again.match(normalise(raw), raw) == ["staff:E0;store:S2"]
    assert again.name_mask().mask(normalise(pl.Series(["王府井分店 rina"]))).to_list() == ["分店"]


def test_an_empty_catalog_or_one_of_competitors_masks_nothing() -> None:
    assert NameMask({}).is_empty
    assert Catalog.from_frames(competitors=["Shopee"]).name_mask().is_empty


def test_place_nouns_are_store_cues() -> None:
    assert PLACE_NOUNS and set(PLACE_NOUNS) <= set(ASPECT_CUES["store"])


@pytest.mark.parametrize("tier", ["fast", "accurate"])
def test_staff_names_do_not_sway_sentiment(tier: str) -> None:
    """Without the catalog, several of these names turn the praise into a complaint or the
    complaint into praise; with the names in the staff table, every message gets the
    sentiment of the message without a name."""
    templates = [
        ("Mbak {} di toko Sudirman ramah banget!", "positive", "praise"),
        ("Kasir {} judes banget, gak mau senyum", "negative", "complaint"),
    ]
    cat = catalog(ID_NAMES)
    texts = [t.format(n) for t, _, _ in templates for n in ID_NAMES]
    out = enrich_texts(texts, tier=tier, catalog=cat)
    want = [(s, i) for _, s, i in templates for _ in ID_NAMES]
    got = list(zip(out["sentiment"].to_list(), out["intents"].to_list(), strict=True))
    assert [
        (s, i in intents.split(";")) for (s, intents), (_, i) in zip(got, want, strict=True)
    ] == [(s, True) for s, _ in want]
    # the entities are still found, in the unmasked text
    assert all(e.startswith("staff:") for e in out["entities"].to_list())
    assert "store:S1" in out["entities"][0]


def test_a_clause_that_was_only_a_name_is_scored_as_no_clause() -> None:
    """An empty clause still scores (it was one feature of its own): a clause the mask empties
    goes, so these messages score as they do without the name. (The accurate tier's encoder
    reads the raw text, where the punctuation around the name stays: ". ok".)"""
    tier = "fast"
    cat = Catalog.from_frames(
        stores=pl.DataFrame({"store_id": ["S1"], "name": ["J.Co"]}),
        staff=pl.DataFrame({"staff_id": ["E1"], "name": ["Rina"]}),
    )
    named = enrich_texts(["J.Co!!!", "J.Co. ok", "Rina. ok", "J.Co", ""], tier=tier, catalog=cat)
    plain = enrich_texts(["!!!", "ok", "ok", "", ""], tier=tier)
    labels = ["sentiment", "emotion", "intents", "aspects"]
    assert named.select(labels).rows() == plain.select(labels).rows()
    for p in ("p_negative", "p_neutral", "p_positive"):
        assert named[p].to_list() == pytest.approx(plain[p].to_list(), abs=1e-6), p


def test_without_a_catalog_names_still_sway_the_fast_tier() -> None:
    """The reason for the mask: the same messages without the staff table (if this starts
    failing, the heads no longer lean on these names, and the docs' example should change)."""
    texts = [f"Mbak {n} di toko Sudirman ramah banget!" for n in ID_NAMES]
    out = enrich_texts(texts, tier="fast")
    assert out["sentiment"].to_list().count("positive") < len(ID_NAMES)


def test_the_store_aspect_survives_a_masked_store_name() -> None:
    out = enrich_texts(["Toko Sudirman kotor banget"], catalog=catalog())
    assert "store:negative" in out["aspects"][0].split(";")


def test_a_name_that_is_a_common_word_is_masked_only_after_a_title() -> None:
    """(from a review) Staff named Indah ("beautiful"), Untung ("lucky") or 高兴 ("happy"): the
    words stay in every message that means them; "mbak Indah" is masked."""
    cat = catalog(["Indah", "Untung", "高兴", "小王"])
    norm, _ = masked(
        [
            "warnanya indah",
            "mbak indah ramah",
            "tidak untung sama sekali",
            "买到了很高兴",
            "小王很好",
        ],
        cat,
    )
    assert norm == ["warnanya indah", "ramah", "tidak untung sama sekali", "买到了很高兴", "很好"]


def test_a_store_named_with_an_opinion_word_is_not_masked() -> None:
    """ "Toko Murah" ("cheap shop"): masking *murah* would take "cheap" from every message."""
    cat = Catalog.from_frames(
        stores=pl.DataFrame({"store_id": ["S1", "S2"], "name": ["Toko Murah", "Toko Lexus"]})
    )
    norm, _ = masked(["di toko murah banget", "toko lexus kotor"], cat)
    assert norm == ["di toko murah banget", "toko kotor"]


def test_handles_and_links_are_not_placeholders_of_every_mention() -> None:
    """(from a review) An alias @tokosudirman was normalised to the placeholder of every
    mention, and a link alias to that of every link: each message with a mention or a link was
    the store, and the mask took them out."""
    cat = Catalog.from_frames(
        stores=pl.DataFrame(
            {"store_id": ["S1"], "name": ["Sudirman"], "aliases": ["@tokosudirman|www.toko.id"]}
        )
    )
    assert "xmention" not in cat.aliases and "xurl" not in cat.aliases
    assert "tokosudirman" in cat.aliases
    s = pl.Series(["@someone halo https://x.y", "tokosudirman ramah"])
    assert cat.match(normalise(s), s) == ["", "store:S1"]
    norm, _ = masked(["@someone halo https://x.y"], cat)
    assert norm == ["xmention halo xurl"]


def test_a_staff_name_that_is_a_common_word_is_an_entity_only_after_a_title() -> None:
    """ "bajunya bagus sekali" ("the shirt is very good") is not about Bagus; on 20,000
    messages of the valid files, 383 such false staff entities went."""
    cat = catalog(["Rina", "Bagus", "Grace"])
    s = pl.Series(
        ["bajunya bagus sekali", "Mas Bagus kasar", "grace was rude", "Ms Grace was rude", "Rina"]
    )
    assert cat.match(normalise(s), s) == ["", "staff:E1", "", "staff:E2", "staff:E0"]
