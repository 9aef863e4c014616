"""The voice-of-the-customer commands, on a fake workspace and on a real SQLite store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner

from retailpulse.cli import main
from voc_synth import make_world


class FakeWorkspace:
    """The workspace surface the commands use, over synthetic frames."""

    def __init__(self, surveys: bool = True) -> None:
        w = make_world(n_customers=600, n_messages=6_000, days=200, seed=12)
        self.frames = {
            "customers": w.customers,
            "transactions": w.transactions,
            "surveys": w.surveys if surveys else w.surveys.clear(),
            "campaigns": w.campaigns,
            "identities": w.identities,
            "products": pl.DataFrame(schema={"sku": pl.String, "name": pl.String}),
        }
        self._messages = w.messages
        self._c360 = w.customer360
        self.saved: dict[str, Any] = {}

    def messages(self) -> pl.DataFrame:
        return self._messages

    def frame(self, kind: str) -> pl.DataFrame:
        return self.frames[kind]

    def customer360(self) -> pl.DataFrame:
        return self._c360

    def save_result(self, name: str, params: dict[str, Any], payload: Any) -> None:
        json.dumps(payload, default=str)
        self.saved[name] = payload

    def __getattr__(self, name: str) -> Any:
        """The report methods, as the real Workspace has them (workspace_voice)."""
        import retailpulse.workspace_voice as wv

        report = getattr(wv, name)
        return lambda *args, **kwargs: report(self, *args, **kwargs)


@pytest.fixture(scope="module")
def fake() -> FakeWorkspace:
    return FakeWorkspace()


def run(monkeypatch: pytest.MonkeyPatch, ws: Any, *args: str) -> tuple[int, str]:
    monkeypatch.setattr("retailpulse.cli.voc.open_workspace", lambda url: ws)
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("command", "key"),
    [
        ("satisfaction", "voc.satisfaction"),
        ("needs", "voc.needs"),
        ("alerts", "voc.alerts"),
        ("questions", "voc.questions"),
    ],
)
def test_commands_print_json_and_store_results(monkeypatch, fake, command, key) -> None:
    code, out = run(monkeypatch, fake, command, "--json")
    assert code == 0, out
    json.loads(out)
    assert key in fake.saved


def test_questions_table_output(monkeypatch, fake) -> None:
    code, out = run(monkeypatch, fake, "questions", "--since", "2025-01-01")
    assert code == 0, out
    assert "1. How well does the retailer know" in out and "5. Which strategies" in out


def test_topics_and_drivers(monkeypatch, fake) -> None:
    code, out = run(monkeypatch, fake, "topics", "--json", "--n-topics", "8", "--seed", "3")
    assert code == 0, out
    payload = json.loads(out)
    assert payload["unassigned_share"] < 0.1 and len(payload["topics"]) >= 8
    code, out = run(monkeypatch, fake, "drivers", "--json", "--boot", "20", "--horizon-days", "30")
    assert code == 0, out
    report = json.loads(out)
    assert "repeat_purchase" in report["outcomes"]
    assert any(r["experience"] == "neutral contact" for r in report["experience_effects"])


def test_no_surveys_questions_doubtful(monkeypatch) -> None:
    code, out = run(monkeypatch, FakeWorkspace(surveys=False), "questions", "--json")
    assert code == 0, out
    q3 = json.loads(out)[2]
    assert q3["doubtful"] and any("survey" in r.lower() for r in q3["remedies"])


def test_bad_date_is_one_line(monkeypatch, fake) -> None:
    code, out = run(monkeypatch, fake, "satisfaction", "--since", "yesterday")
    assert code == 1 and "ISO 8601" in out and "Traceback" not in out


def test_not_enriched_store_says_run_enrich(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    f = tmp_path / "m.csv"
    f.write_text(
        "platform,external_id,created_at,text\ninstagram,1,2024-01-01T10:00:00,bad service\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    assert runner.invoke(main, ["import", "messages", str(f), "--db", db]).exit_code == 0
    for command in ("questions", "satisfaction", "alerts"):
        result = runner.invoke(main, [command, "--db", db])
        assert result.exit_code == 1
        assert "retailpulse enrich" in result.output and "Traceback" not in result.output


def test_commands_on_a_real_store_with_enrichment(tmp_path: Path) -> None:
    """Messages imported and enriched in SQLite: the workspace frames fit the analytics."""
    from datetime import UTC, datetime

    import sqlalchemy as sa

    import retailpulse
    from retailpulse.schema import ENRICHMENT_FIELDS
    from retailpulse.store import tables

    w = make_world(n_customers=200, n_messages=1_500, days=60, seed=4)
    db = f"sqlite:///{tmp_path / 'e.db'}"
    canonical = [
        "platform", "external_id", "kind", "direction", "account", "author_id",
        "author_followers", "thread_id", "parent_id", "created_at", "text", "url", "rating",
        "likes", "shares", "replies", "views",
    ]  # fmt: skip
    msgs = w.messages.filter(pl.col("text").is_not_null())
    msgs.select(canonical).write_csv(tmp_path / "messages.csv")
    w.customers.select("customer_id", "name", "tier").write_csv(tmp_path / "customers.csv")
    w.identities.write_csv(tmp_path / "identities.csv")
    w.surveys.write_csv(tmp_path / "surveys.csv")
    runner = CliRunner()
    for kind in ("customers", "identities", "surveys", "messages"):
        result = runner.invoke(main, ["import", kind, str(tmp_path / f"{kind}.csv"), "--db", db])
        assert result.exit_code == 0, result.output
    rp = retailpulse.open(db, env={})
    ids = rp.frame("messages").select("id", "platform", "external_id")
    enr = msgs.join(ids, on=["platform", "external_id"]).select(
        pl.col("id_right").alias("message_id"), *[f.name for f in ENRICHMENT_FIELDS]
    )
    rows = enr.with_columns(
        pl.lit("test").alias("model_version"),
        pl.lit(datetime.now(UTC).replace(tzinfo=None)).alias("enriched_at"),
    ).to_dicts()
    with rp.db.begin() as conn:
        conn.execute(sa.insert(tables.message_enrichment), rows)
    rp.close()
    for command in ("satisfaction", "needs", "alerts", "questions"):
        result = runner.invoke(main, [command, "--db", db, "--json"])
        assert result.exit_code == 0, result.output
        json.loads(result.output)
    result = runner.invoke(main, ["questions", "--db", db, "--json"])
    answers = json.loads(result.output)
    # The store links authors on (platform, author_id), as the identities say.
    linked = msgs.filter(pl.col("direction") == "inbound", ~pl.col("is_spam")).join(
        w.identities.select("platform", "author_id"), on=["platform", "author_id"], how="semi"
    )
    inbound = msgs.filter(pl.col("direction") == "inbound", ~pl.col("is_spam")).height
    share = answers[0]["numbers"]["identified_message_share"]
    assert share == pytest.approx(linked.height / inbound)
    assert answers[2]["numbers"]["nps_n"] == w.surveys.height
