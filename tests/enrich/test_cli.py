from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner

from retailpulse.cli import main


def test_enrich_file_csv_keeps_columns_and_adds_enrichment(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    pl.DataFrame({"id": ["1", "2"], "body": ["Love it!", "harga mahal, kecewa"]}).write_csv(src)
    out = tmp_path / "out.csv"
    res = CliRunner().invoke(
        main, ["enrich-file", str(src), "-o", str(out), "--text-column", "body"]
    )
    assert res.exit_code == 0, res.output
    df = pl.read_csv(out)
    assert df.columns[:2] == ["id", "body"]
    assert {"language", "sentiment", "aspects", "is_spam"} <= set(df.columns)
    assert df["sentiment"].to_list() == ["positive", "negative"]


def test_enrich_file_jsonl_and_parquet_with_tasks(tmp_path: Path) -> None:
    frame = pl.DataFrame({"text": ["order #A55555 where is it?", "bagus"]})
    for name in ("in.jsonl", "in.parquet"):
        src = tmp_path / name
        if name.endswith("jsonl"):
            frame.write_ndjson(src)
        else:
            frame.write_parquet(src)
        out = tmp_path / f"{name}.csv"
        res = CliRunner().invoke(
            main, ["enrich-file", str(src), "-o", str(out), "--tasks", "entities,language"]
        )
        assert res.exit_code == 0, res.output
        df = pl.read_csv(out, infer_schema=False)
        assert df["entities"].to_list() == ["order:A55555", ""]
        assert df["sentiment"].to_list() == [None, None]


def test_enrich_file_invalid_utf8_input(tmp_path: Path) -> None:
    src = tmp_path / "bad.csv"
    src.write_bytes(b"text\nbagus \xff sekali\nnul\x00here\n")
    out = tmp_path / "out.csv"
    res = CliRunner().invoke(main, ["enrich-file", str(src), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert pl.read_csv(out).height == 2


def test_enrich_file_missing_column_is_a_clear_error(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("body\nhello\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["enrich-file", str(src), "-o", str(tmp_path / "o.csv")])
    assert res.exit_code == 1
    assert "no 'text' column" in res.output and "--text-column" in res.output
    assert "Traceback" not in res.output


def test_enrich_file_unknown_suffix(tmp_path: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_text("hello", encoding="utf-8")
    res = CliRunner().invoke(main, ["enrich-file", str(src), "-o", str(tmp_path / "o.csv")])
    assert res.exit_code == 1
    assert ".csv, .jsonl or .parquet" in res.output


def test_enrich_file_with_a_model_from_another_version(tmp_path: Path) -> None:
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "model.json").write_text(json.dumps({"format": 99, "package_version": "7.0"}))
    (model_dir / "weights.npz").write_bytes(b"")
    src = tmp_path / "in.csv"
    src.write_text("text\nhello\n", encoding="utf-8")
    res = CliRunner().invoke(
        main,
        ["enrich-file", str(src), "-o", str(tmp_path / "o.csv"), "--model-dir", str(model_dir)],
    )
    assert res.exit_code == 1
    assert "retailpulse train" in res.output and "7.0" in res.output


def test_train_and_categories_add(tiny_data: Path, tmp_path: Path) -> None:
    model_dir = tmp_path / "model"
    res = CliRunner().invoke(
        main,
        ["train", "--data-dir", str(tiny_data), "-o", str(model_dir), "--bits", "12", "--json"],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert "sentiment/en macro_f1 (5-fold CV)" in doc["validation"]
    assert (model_dir / "weights.npz").exists()
    examples = tmp_path / "parking.txt"
    examples.write_text("parking full\nno parking space\nparkir penuh\n", encoding="utf-8")
    res = CliRunner().invoke(
        main,
        [
            "categories",
            "add",
            "parking",
            "--examples",
            str(examples),
            "--model-dir",
            str(model_dir),
        ],
    )
    assert res.exit_code == 0, res.output
    meta = json.loads((model_dir / "model.json").read_text())
    assert any(h["name"] == "category:parking" for h in meta["heads"])


def test_train_an_accurate_model_and_enrich_with_it(tiny_data: Path, tmp_path: Path) -> None:
    model_dir = tmp_path / "accurate"
    args = ["train", "--data-dir", str(tiny_data), "-o", str(model_dir), "--bits", "12"]
    res = CliRunner().invoke(main, [*args, "--tier", "accurate", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["version"].startswith("accurate-")
    assert json.loads((model_dir / "model.json").read_text())["format"] == 2
    # the figures are those of the model as written (int8), stored with it
    assert (
        json.loads((model_dir / "model.json").read_text())["meta"]["validation"]
        == (doc["validation"])
    )
    src = tmp_path / "in.csv"
    src.write_text("text\nI love this dress\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    enrich = ["enrich-file", str(src), "-o", str(out), "--model-dir", str(model_dir)]
    res = CliRunner().invoke(main, [*enrich, "--tier", "accurate"])
    assert res.exit_code == 0, res.output
    assert next(csv.DictReader(out.open(encoding="utf-8")))["sentiment"] == "positive"


def test_train_with_missing_data_dir_is_a_clear_error(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["train", "--data-dir", str(tmp_path / "none"), "--json"])
    assert res.exit_code == 1
    assert "--data-dir" in res.output


def test_enrich_command_over_the_store(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'rp.db'}"
    src = tmp_path / "messages.csv"
    pl.DataFrame(
        {
            "platform": ["x", "x"],
            "external_id": ["1", "2"],
            "created_at": ["2026-01-01T00:00:00", "2026-01-02T00:00:00"],
            "text": ["Love the new store!", "cheaper at Zalora tbh"],
        }
    ).write_csv(src)
    res = CliRunner().invoke(main, ["import", "messages", str(src), "--db", db])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(main, ["enrich", "--db", db, "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["enriched"] == 2 and doc["pending"] == 2
    res = CliRunner().invoke(main, ["enrich", "--db", db, "--json"])
    assert json.loads(res.output)["enriched"] == 0


def test_enrich_file_with_no_rows_writes_the_header(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,text\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    res = CliRunner().invoke(main, ["enrich-file", str(src), "-o", str(out)])
    assert res.exit_code == 0, res.output
    header = out.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:2] == ["id", "text"] and "sentiment" in header and "is_spam" in header


def test_enrich_file_with_the_accurate_tier(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,text\n1,I love this dress\n2,pengiriman lama banget\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    res = CliRunner().invoke(main, ["enrich-file", str(src), "-o", str(out), "--tier", "accurate"])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["sentiment"] for r in rows] == ["positive", "negative"]


def test_enrich_file_embeds_every_message_only_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from retailpulse.enrich import pipeline

    src = tmp_path / "in.csv"
    src.write_text('text\nI love this dress\n""\nhttps://shop.example/p/1\n', encoding="utf-8")
    counts: list[int] = []
    real = pipeline.embed  # type: ignore[attr-defined]

    def spy(texts: list[str | None], **kw: Any) -> Any:
        counts.append(len(texts))
        return real(texts, **kw)

    monkeypatch.setattr(pipeline, "embed", spy)
    args = ["enrich-file", str(src), "-o", str(tmp_path / "o.csv"), "--tier", "accurate"]
    assert CliRunner().invoke(main, args).exit_code == 0
    # the gate never embeds a message with nothing to judge
    assert sum(counts) <= 1
    counts.clear()
    res = CliRunner().invoke(main, [*args, "--embed-all"])
    assert res.exit_code == 0, res.output
    assert counts == [3]
    assert len(list(csv.DictReader((tmp_path / "o.csv").open(encoding="utf-8")))) == 3


def test_a_model_folder_of_the_other_tier_is_a_clear_error(tmp_path: Path) -> None:
    from retailpulse.enrich.pipeline import load_model

    fast = tmp_path / "fast"
    load_model().save(fast)
    src = tmp_path / "in.csv"
    src.write_text("text\nhello\n", encoding="utf-8")
    args = ["enrich-file", str(src), "-o", str(tmp_path / "o.csv"), "--tier", "accurate"]
    res = CliRunner().invoke(main, [*args, "--model-dir", str(fast)])
    assert res.exit_code == 1, res.output
    assert "--tier fast" in res.output and "retailpulse train --tier accurate" in res.output
    assert "Traceback" not in res.output


RINA = "Mbak Rina di toko Sudirman ramah banget!"
# the same message without the name: what the opinion tasks should read
NO_NAME = "Mbak di toko Sudirman ramah banget!"


def _messages(tmp_path: Path, *texts: str) -> Path:
    src = tmp_path / "in.csv"
    pl.DataFrame({"id": [str(i) for i in range(len(texts))], "text": list(texts)}).write_csv(src)
    return src


def _enrich_with(tmp_path: Path, src: Path, *options: str) -> Any:
    out = tmp_path / "out.csv"
    return CliRunner().invoke(main, ["enrich-file", str(src), "-o", str(out), *options])


def _rows(tmp_path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))


def test_enrich_file_with_a_staff_file_finds_and_masks_the_name(tmp_path: Path) -> None:
    staff = tmp_path / "staff.csv"
    staff.write_text("Staff ID,Name,Store ID\nE1,Rina,S1\n", encoding="utf-8")
    res = _enrich_with(tmp_path, _messages(tmp_path, RINA, NO_NAME), "--staff", str(staff))
    assert res.exit_code == 0, res.output
    assert res.stderr.count("Warning") == 0
    named, unnamed = _rows(tmp_path)
    assert named["entities"] == "staff:E1" and unnamed["entities"] == ""
    # the name is not an opinion: the message reads as it does without it
    assert named["sentiment"] == unnamed["sentiment"] == "positive"


def test_enrich_file_with_a_products_file_and_aliases(tmp_path: Path) -> None:
    products = tmp_path / "products.tsv"
    products.write_text(
        "SKU\tName\tAliases\tPrice\nP1\tKemeja Linen Putih\tkemeja linen|白衬衫\t199000\n"
        "P2\tCelana Chino\tchino\t249000\n",
        encoding="utf-8",
    )
    src = _messages(
        tmp_path,
        "kemeja linen nya adem banget",
        "我买的白衬衫质量很好",
        "chino nya kekecilan, lebih murah di Shopee",
        "pengiriman cepat",
    )
    res = _enrich_with(tmp_path, src, "--products", str(products), "--competitor", "Shopee")
    assert res.exit_code == 0, res.output
    assert [r["entities"] for r in _rows(tmp_path)] == [
        "product:P1",
        "product:P1",
        "competitor:Shopee;product:P2",
        "",
    ]


def test_enrich_file_skips_reference_rows_with_errors_and_names_them(tmp_path: Path) -> None:
    staff = tmp_path / "staff.csv"
    staff.write_text("staff_id,name\nE1,Rina\nE2,\n,Budi\nE4, \nE5,\n", encoding="utf-8")
    res = _enrich_with(tmp_path, _messages(tmp_path, RINA), "--staff", str(staff))
    assert res.exit_code == 0, res.output
    warning = res.stderr
    assert f"skipped 4 rows of {staff}" in warning
    assert "row 2: 'name' is required but empty" in warning
    assert "row 3: 'staff_id' is required but empty" in warning
    assert "and 1 more" in warning and "row 5" not in warning
    assert "Fix them" in warning
    # the good row is still used
    assert _rows(tmp_path)[0]["entities"] == "staff:E1"


def test_enrich_file_runs_without_a_reference_file_of_no_usable_row(tmp_path: Path) -> None:
    staff = tmp_path / "staff.csv"
    for content in ("staff_id,name\n", "staff_id,name\nE1,\n"):
        staff.write_text(content, encoding="utf-8")
        res = _enrich_with(tmp_path, _messages(tmp_path, RINA), "--staff", str(staff))
        assert res.exit_code == 0, res.output
        assert f"{staff} holds no usable row (each needs staff_id and name)" in res.stderr
        assert "runs without its staff" in res.stderr
        assert _rows(tmp_path)[0]["entities"] == ""


def test_enrich_file_with_a_reference_file_missing_a_column_writes_nothing(
    tmp_path: Path,
) -> None:
    staff = tmp_path / "staff.csv"
    staff.write_text("staff_id,nickname\nE1,Rina\n", encoding="utf-8")
    res = _enrich_with(tmp_path, _messages(tmp_path, RINA), "--staff", str(staff))
    assert res.exit_code == 1
    assert f"{staff} has no column 'name'" in res.output
    assert "Rename the columns in the file to 'name'." in res.output
    assert "--map" not in res.output  # (an option of `retailpulse import`, not of enrich-file)
    assert "Traceback" not in res.output
    assert not (tmp_path / "out.csv").exists()


def test_enrich_file_with_a_reference_file_that_does_not_exist(tmp_path: Path) -> None:
    none = tmp_path / "none.csv"
    res = _enrich_with(tmp_path, _messages(tmp_path, RINA), "--products", str(none))
    assert res.exit_code == 2
    assert "--products" in res.output and "does not exist" in res.output
    assert not (tmp_path / "out.csv").exists()


def test_enrich_file_that_fails_half_way_leaves_no_half_written_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import retailpulse.enrich.pipeline as pipeline
    from retailpulse.errors import ModelError

    real = pipeline.enrich_batch
    calls = {"n": 0}

    def fail_on_the_second_batch(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise ModelError("the model broke half-way. Run it again.")
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "enrich_batch", fail_on_the_second_batch)
    src = tmp_path / "in.csv"
    pl.DataFrame({"text": ["Love it!", "kecewa", "bagus"]}).write_csv(src)
    out = tmp_path / "out.csv"
    out.write_text("an earlier output\n", encoding="utf-8")
    args = ["enrich-file", str(src), "-o", str(out), "--batch-size", "1", "--workers", "1"]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 1 and "half-way" in res.output
    assert calls["n"] == 2
    assert out.read_text(encoding="utf-8") == "an earlier output\n"
    assert {f.name for f in tmp_path.iterdir()} == {"in.csv", "out.csv"}  # no .part left
    res = CliRunner().invoke(main, args[:-2])
    assert res.exit_code == 0, res.output
    assert pl.read_csv(out).height == 3


def test_enrich_file_keeps_the_finished_work_when_the_output_cannot_be_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(on Windows an output open in a spreadsheet program cannot be replaced)"""
    src = tmp_path / "in.csv"
    pl.DataFrame({"text": ["Love it!", "kecewa"]}).write_csv(src)
    out = tmp_path / "out.csv"
    out.write_text("open elsewhere\n", encoding="utf-8")

    def locked(self: Path, target: Any) -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "replace", locked)
    res = CliRunner().invoke(main, ["enrich-file", str(src), "-o", str(out)])
    assert res.exit_code == 1 and "Traceback" not in res.output
    kept = [f for f in tmp_path.iterdir() if f.name.endswith(".part")]
    assert len(kept) == 1 and str(kept[0]) in res.output and "Permission denied" in res.output
    assert pl.read_csv(kept[0])["sentiment"].to_list() == ["positive", "negative"]
    assert out.read_text(encoding="utf-8") == "open elsewhere\n"
