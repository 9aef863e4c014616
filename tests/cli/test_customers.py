"""`retailpulse clv`, `retailpulse customers` and `retailpulse customer ID`."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from retailpulse.cli import main

CDNOW = Path(__file__).resolve().parents[1] / "understand" / "data" / "cdnow_first1500.txt"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_clv_on_cdnow_text_with_a_holdout(tmp_path: Path) -> None:
    model = tmp_path / "bg.json"
    code, out = run(
        "clv",
        "--transactions",
        str(CDNOW),
        "--time-col",
        "date",
        "--value-col",
        "dollar_value",
        "--freq",
        "W",
        "--nonpositive",
        "keep",
        "--calibration-end",
        "1997-09-30",
        "--holdout-end",
        "1998-06-30",
        "--save",
        str(model),
        "--json",
    )
    assert code == 0, out
    body = json.loads(out)
    assert set(body["purchase_model"]["params"]) == {"r", "alpha", "a", "b"}
    assert body["purchase_model"]["converged"] is True
    assert body["holdout"][0]["frequency_cal"] == 0
    assert sum(g["customers"] for g in body["holdout"]) == body["customers"]
    assert body["top"][0]["clv"] >= body["top"][-1]["clv"]
    assert json.loads(model.read_text())["model"] == "BetaGeo"
    assert (tmp_path / "bg.spend.json").exists()


def test_clv_on_a_csv_prints_a_table(tmp_path: Path) -> None:
    rows = [line.split() for line in CDNOW.read_text().splitlines()[1:]]
    csv = tmp_path / "tx.csv"
    pl.DataFrame(
        {
            "cust": [r[0] for r in rows],
            "day": [r[1] for r in rows],
            "amount": [float(r[3]) for r in rows],
        }
    ).filter(pl.col("amount") > 0).write_csv(csv)
    code, out = run(
        "clv",
        "--transactions",
        str(csv),
        "--customer-col",
        "cust",
        "--time-col",
        "day",
        "--value-col",
        "amount",
        "--freq",
        "W",
        "--model",
        "pareto",
    )
    assert code == 0, out
    assert "ParetoNBD on 1,491 customers" in out and "Top 10 customers by clv" in out


def test_clv_bad_input_is_one_line_with_the_fix(tmp_path: Path) -> None:
    code, out = run("clv", "--transactions", str(CDNOW), "--time-col", "when")
    assert code == 1 and "'when'" in out and "Traceback" not in out
    code, out = run("clv", "--transactions", str(tmp_path / "none.csv"))
    assert code == 1 and "No file at" in out
    code, out = run(
        "clv", "--transactions", str(CDNOW), "--time-col", "date", "--value-col", "dollar_value"
    )
    assert code == 1 and "nonpositive" in out


def test_customers_and_customer_on_the_demo_retailer(demo_db: str) -> None:
    code, out = run("customers", "--db", demo_db, "--json")
    assert code == 0, out
    body = json.loads(out)
    names = {s["segment"] for s in body["segments"]}
    assert names <= {
        "champions",
        "loyal",
        "promising",
        "new",
        "at risk",
        "can't lose",
        "hibernating",
        "lost",
    }
    assert sum(s["customers"] for s in body["segments"]) == body["customers"]
    assert any(s["mean_clv"] is not None for s in body["segments"])
    assert any(s["loyalty_index"] is not None for s in body["segments"])
    code, out = run("customers", "--db", demo_db)
    assert code == 0 and "Segments of" in out
    import retailpulse

    rp = retailpulse.open(demo_db)
    cid = rp.frame("transactions")["customer_id"][0]
    code, out = run("customer", cid, "--db", demo_db, "--json")
    assert code == 0, out
    view = json.loads(out)
    assert view["customer_id"] == cid and view["segment"] is not None
    for measure in (
        "repeat_score",
        "price_score",
        "recommend_score",
        "resistance_score",
        "clv_score",
    ):
        assert measure in view
    code, out = run("customer", "nobody-here", "--db", demo_db)
    assert code == 1 and "No customer 'nobody-here'" in out
