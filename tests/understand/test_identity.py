"""Identity linking: evidence, consent, conflicts, suggestions, undo, audit."""

from __future__ import annotations

import polars as pl
import pytest

from retailpulse.errors import InputError, NotFoundError
from retailpulse.privacy.pii import keyed_hash, normalise_phone
from retailpulse.understand.identity import confirm_suggestion, link_identities, unlink
from understand import understand_fixtures as r

KEY = b"test-secret"


def run(**kw: object) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    args: dict[str, object] = dict(
        transactions=r.transactions(), consents=r.consents(), stores=r.stores(), hash_key=KEY
    )
    args.update(kw)
    return link_identities(r.messages(), r.customers(), **args)  # type: ignore[arg-type]


def by_author(links: pl.DataFrame) -> dict[str, tuple[str, str]]:
    return {a: (c, m) for c, a, m in links.select("customer_id", "author_id", "method").iter_rows()}


def test_order_number_in_a_dm_links_the_author() -> None:
    links, _, audit = run()
    assert by_author(links)["ig-siti"] == ("c1", "order_match")
    row = links.filter(pl.col("author_id") == "ig-siti").row(0, named=True)
    assert "o-1003" in row["evidence"] and "m1" in row["evidence"] and row["consent"]
    assert (
        audit.filter((pl.col("action") == "link") & (pl.col("author_id") == "ig-siti")).height == 1
    )


def test_order_number_in_a_public_post_is_not_evidence() -> None:
    links, _, _ = run()
    assert "x-wei" not in by_author(links)


def test_email_matches_through_the_keyed_hash_only() -> None:
    links, _, _ = run()
    assert by_author(links)["fb-budi"] == ("c2", "email_match")
    # Customers given only as keyed hashes link the same way.
    hashed = (
        r.customers()
        .with_columns(
            pl.col("email")
            .map_elements(lambda e: keyed_hash(e.lower(), KEY), return_dtype=pl.String)
            .alias("email_hash")
        )
        .drop("email")
    )
    links2, _, _ = link_identities(r.messages(), hashed, consents=r.consents(), hash_key=KEY)
    assert by_author(links2)["fb-budi"] == ("c2", "email_match")
    # Stored hashes made with another key match nothing.
    links3, _, _ = link_identities(r.messages(), hashed, consents=r.consents(), hash_key=b"other")
    assert "fb-budi" not in by_author(links3)


def test_phone_match() -> None:
    msgs = r.messages().with_columns(
        pl.when(pl.col("external_id") == "m3")
        .then(pl.lit("call me +62 811-2222-3333"))
        .otherwise(pl.col("text"))
        .alias("text")
    )
    links, _, _ = link_identities(msgs, r.customers(), consents=r.consents(), hash_key=KEY)
    assert by_author(links)["fb-budi"] == ("c2", "phone_match")
    assert normalise_phone("+62 (811) 2222-3333") == "+6281122223333"


def test_no_link_without_profiling_consent() -> None:
    ident = pl.DataFrame(
        {
            "customer_id": ["c4", "c3"],
            "platform": ["x", "x"],
            "author_id": ["x-ana", "x-wei"],
            "method": ["login", "login"],
            "consent": [True, True],
        }
    )
    links, _, audit = run(identities=ident)
    # c4 withdrew profiling consent on 1 March; c3 never gave it.
    assert "x-ana" not in by_author(links) and "x-wei" not in by_author(links)
    skipped = audit.filter(pl.col("action") == "skip")
    assert set(skipped["customer_id"]) >= {"c3", "c4"}
    assert (skipped["reason"].str.contains("consented to profiling")).all()
    links_none, _, _ = run(consents=None)
    assert links_none.height == 0


def test_explicit_identity_links_with_its_method() -> None:
    ident = pl.DataFrame(
        {
            "customer_id": ["c1"],
            "platform": ["x"],
            "author_id": ["x-siti"],
            "method": ["login"],
            "consent": [True],
        }
    )
    links, _, _ = run(identities=ident)
    assert by_author(links)["x-siti"] == ("c1", "login")


def test_conflicting_evidence_becomes_a_suggestion_not_a_link() -> None:
    links, suggestions, audit = run()
    assert "fb-mix" not in by_author(links)
    mix = suggestions.filter(pl.col("author_id") == "fb-mix")
    assert set(mix["customer_id"]) == {"c1", "c2"}
    assert audit.filter(pl.col("action") == "conflict").height == 1


def test_fuzzy_name_and_city_is_only_a_suggestion() -> None:
    links, suggestions, _ = run(consents=r.consents().with_columns(pl.lit(True).alias("granted")))
    ana = suggestions.filter(pl.col("author_id") == "x-ana")
    assert ana["customer_id"].to_list() == ["c4"] and "Penang".lower() in ana["reason"][0].lower()
    assert "x-ana" not in by_author(links)


def test_confirm_and_undo_are_audited() -> None:
    grant_all = r.consents().with_columns(pl.lit(True).alias("granted"))
    links, suggestions, _ = run(consents=grant_all)
    s = suggestions.filter(pl.col("author_id") == "x-ana").row(0, named=True)
    links2, ev = confirm_suggestion(links, s, actor="agent@shop", consents=grant_all)
    assert by_author(links2)["x-ana"] == ("c4", "manual")
    assert ev["action"].to_list() == ["confirm"] and ev["actor"][0] == "agent@shop"
    links3, ev2 = unlink(links2, "c4", "x", "x-ana", actor="agent@shop", reason="customer asked")
    assert "x-ana" not in by_author(links3) and ev2["action"].to_list() == ["unlink"]
    with pytest.raises(NotFoundError, match="No link"):
        unlink(links3, "c4", "x", "x-ana", actor="a", reason="again")
    with pytest.raises(InputError, match="needs a reason"):
        unlink(links2, "c4", "x", "x-ana", actor="a", reason=" ")
    # Confirming for a customer without consent does nothing but audit why.
    same, ev3 = confirm_suggestion(links, s, actor="a", consents=r.consents())
    assert same.height == links.height and ev3["action"].to_list() == ["skip"]


def test_missing_message_column_is_named() -> None:
    with pytest.raises(InputError, match="'external_id'"):
        link_identities(r.messages().drop("external_id"), r.customers())
