"""The Workspace facade: pipeline steps persist what the pure functions return."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from retailpulse.workspace import PIPELINE, Workspace


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def small_shop(rp: Workspace, tmp_path: Path) -> None:
    rp.import_file(
        "customers",
        write(
            tmp_path / "c.csv",
            "customer_id,name,email\nc1,Dewi Lestari,dewi@mail.id\nc2,Tan Wei,\n",
        ),
    )
    rp.import_file(
        "consents",
        write(
            tmp_path / "k.csv",
            "customer_id,purpose,granted,at\nc1,profiling,true,2024-01-01\n"
            "c2,profiling,false,2024-01-01\n",
        ),
    )
    rp.import_file(
        "transactions",
        write(
            tmp_path / "t.csv",
            "order_id,customer_id,created_at,total\nORD-100234,c1,2024-02-01,40\n"
            "ORD-100999,c2,2024-02-02,25\n",
        ),
    )
    rp.import_file(
        "messages",
        write(
            tmp_path / "m.csv",
            "platform,external_id,kind,direction,author_id,author_name,created_at,text\n"
            "instagram,1,dm,inbound,ig_dewi,dewi,2024-02-03,Kak pesanan ORD-100234 belum sampai\n"
            "instagram,2,dm,inbound,ig_tan,tan,2024-02-03,Where is ORD-100999?\n",
        ),
    )


def test_identity_links_from_evidence_are_kept_and_audited(rp: Workspace, tmp_path: Path) -> None:
    small_shop(rp, tmp_path)
    found = rp.link_identities()
    assert found["linked"] == 1  # c2 did not consent to profiling
    links = rp.frame("identities")
    assert links.select("customer_id", "author_id", "method").rows() == [
        ("c1", "ig_dewi", "order_match")
    ]
    assert "ORD-100234" in (rp.db.read_frame("identities").get_column("raw").item() or "")
    assert rp.db.count("audit_log") == 1
    assert rp.link_identities()["linked"] == 0  # idempotent
    msgs = rp.messages().sort("external_id")
    assert msgs.get_column("customer_id").to_list() == ["c1", None]


def test_pipeline_steps_exist_and_return_a_line() -> None:
    for step in PIPELINE:
        assert callable(getattr(Workspace, step))


def test_messages_are_cached_until_the_next_import(rp: Workspace, tmp_path: Path) -> None:
    small_shop(rp, tmp_path)
    first = rp.messages()
    assert rp.messages() is first
    rp.import_file(
        "messages",
        write(
            tmp_path / "m2.csv",
            "platform,external_id,created_at,text\nx,9,2024-02-05,new one\n",
        ),
    )
    assert rp.messages().height == first.height + 1
    assert isinstance(first, pl.DataFrame)
