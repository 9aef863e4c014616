"""The importer's promises: nothing lost, nothing duplicated, every bad row explained."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest

from retailpulse.errors import InputError, MissingColumnError, UnknownKindError
from retailpulse.listen import importer as importer_mod
from retailpulse.workspace import Workspace

HEADER = "platform,external_id,kind,created_at,text,rating,author_id\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def quarantine_rows(report_file: str | None) -> list[dict[str, str]]:
    assert report_file is not None
    with open(report_file, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def messages_csv(n: int, start: int = 0, text: str = "hello") -> str:
    rows = [
        f"facebook,m{i},comment,2024-03-01T10:{i % 60:02d}:00+07:00,{text} {i},5,a{i % 7}\n"
        for i in range(start, start + n)
    ]
    return HEADER + "".join(rows)


def test_import_then_reimport_adds_nothing(rp: Workspace, tmp_path: Path) -> None:
    f = write(tmp_path / "m.csv", messages_csv(120))
    first = rp.import_file("messages", f)
    assert (first.imported, first.updated, first.unchanged, first.quarantined) == (120, 0, 0, 0)
    again = rp.import_file("messages", f)
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 120)
    assert rp.db.count("messages") == 120


def test_changed_row_updates(rp: Workspace, tmp_path: Path) -> None:
    rp.import_file("messages", write(tmp_path / "a.csv", messages_csv(10)))
    changed = messages_csv(10).replace("hello 3,5", "edited 3,4")
    report = rp.import_file("messages", write(tmp_path / "b.csv", changed))
    assert (report.imported, report.updated, report.unchanged) == (0, 1, 9)
    frame = rp.frame("messages").filter(pl.col("external_id") == "m3")
    assert frame.get_column("text").item() == "edited 3"
    assert frame.get_column("rating").item() == 4.0


def test_timestamps_with_zones_are_stored_in_utc(rp: Workspace, tmp_path: Path) -> None:
    text = HEADER + (
        "x,1,post,2024-03-01T10:00:00+07:00,a,,\n"
        "x,2,post,2024-03-01 03:00:00Z,b,,\n"
        "x,3,post,2024-03-01T03:00:00,c,,\n"
        "x,4,post,2024-02-29T22:00:00-05:00,d,,\n"
    )
    rp.import_file("messages", write(tmp_path / "tz.csv", text))
    times = rp.frame("messages").sort("external_id").get_column("created_at").to_list()
    assert len({t.isoformat() for t in times}) == 1
    assert times[0].isoformat() == "2024-03-01T03:00:00+00:00"


def test_killed_import_rerun_ends_with_each_row_once(
    rp: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = write(tmp_path / "m.csv", messages_csv(250))
    rp.settings = rp.settings.replace(batch_size=50)
    real = importer_mod.upsert_batch
    calls = {"n": 0}

    def dying(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt("killed")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(importer_mod, "upsert_batch", dying)
    with pytest.raises(KeyboardInterrupt):
        rp.import_file("messages", f)
    assert rp.db.count("messages") == 100
    monkeypatch.setattr(importer_mod, "upsert_batch", real)
    report = rp.import_file("messages", f)
    assert (report.imported, report.unchanged) == (150, 100)
    assert rp.db.count("messages") == 250
    ids = rp.frame("messages").get_column("external_id")
    assert ids.n_unique() == 250


def test_duplicate_ids_in_one_file_last_wins_and_is_reported(rp: Workspace, tmp_path: Path) -> None:
    text = HEADER + (
        "x,1,post,2024-03-01,first,,\nx,2,post,2024-03-01,other,,\nx,1,post,2024-03-02,second,,\n"
    )
    report = rp.import_file("messages", write(tmp_path / "d.csv", text))
    assert report.rows_read == 3
    assert (report.imported, report.quarantined, report.duplicates) == (2, 1, 1)
    assert report.balanced
    kept = rp.frame("messages").filter(pl.col("external_id") == "1")
    assert kept.get_column("text").item() == "second"
    rows = quarantine_rows(report.quarantine_file)
    assert (
        rows[0]["row"] == "1" and "row 3" in rows[0]["reason"] and "last wins" in rows[0]["reason"]
    )
    assert "repeated a key" in report.summary()
    again = rp.import_file("messages", write(tmp_path / "d.csv", text))
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 2)


def test_counts_always_add_up(rp: Workspace, tmp_path: Path) -> None:
    text = HEADER + (
        "x,1,post,2024-03-01,ok,5,\n"
        "x,2,post,not a date,bad date,,\n"
        "x,3,post,2024-03-01,bad rating,9,\n"
        "myspace,4,post,2024-03-01,bad platform,,\n"
        "x,5,post\n"
        "x,,post,2024-03-01,no id,,\n"
    )
    report = rp.import_file("messages", write(tmp_path / "c.csv", text))
    assert report.rows_read == 6
    assert report.imported == 1 and report.quarantined == 5
    assert report.balanced


def test_unparseable_dates_are_quarantined_with_row_field_reason(
    sqlite_rp: Workspace, tmp_path: Path
) -> None:
    text = HEADER + "x,1,post,31/31/2024,a,,\nx,2,post,2024-03-01,b,,\n"
    report = sqlite_rp.import_file("messages", write(tmp_path / "d.csv", text))
    rows = quarantine_rows(report.quarantine_file)
    assert rows == [
        {
            "row": "1",
            "field": "created_at",
            "reason": "'created_at' is not an ISO 8601 date-time (e.g. 2024-05-01T10:30:00+07:00)",
            "value": "31/31/2024",
            "record": rows[0]["record"],
        }
    ]
    assert '"text":"a"' in rows[0]["record"]
    assert f"{report.quarantine_file}" in report.summary()


def test_rating_and_nps_out_of_range(sqlite_rp: Workspace, tmp_path: Path) -> None:
    rating = HEADER + "review,1,review,2024-03-01,great,6,\nreview,2,review,2024-03-01,ok,4.5,\n"
    report = sqlite_rp.import_file("messages", write(tmp_path / "r.csv", rating))
    assert (report.imported, report.quarantined) == (1, 1)
    assert (
        "'rating' must be between 1 and 5" in quarantine_rows(report.quarantine_file)[0]["reason"]
    )
    surveys = (
        "response_id,customer_id,created_at,nps,csat\n"
        "s1,c1,2024-03-01,11,3\ns2,c1,2024-03-01,-1,3\ns3,c2,2024-03-01,9,6\ns4,c3,2024-03-01,10,5\n"
    )
    report = sqlite_rp.import_file("surveys", write(tmp_path / "s.csv", surveys))
    assert (report.imported, report.quarantined) == (1, 3)
    reasons = {r["reason"] for r in quarantine_rows(report.quarantine_file)}
    assert "'nps' must be between 0 and 10" in reasons
    assert "'csat' must be between 1 and 5" in reasons


def test_missing_required_column_names_column_and_file(
    sqlite_rp: Workspace, tmp_path: Path
) -> None:
    f = write(tmp_path / "nocreated.csv", "platform,external_id,text\nx,1,hi\n")
    with pytest.raises(MissingColumnError) as err:
        sqlite_rp.import_file("messages", f)
    assert "'created_at'" in err.value.message and "nocreated.csv" in err.value.message
    assert sqlite_rp.db.count("messages") == 0


def test_missing_column_suggests_a_mapping(sqlite_rp: Workspace, tmp_path: Path) -> None:
    f = write(tmp_path / "m.csv", "platform,external_id,created,text\nx,1,2024-01-01,hi\n")
    with pytest.raises(MissingColumnError, match="--map 'created=created_at'"):
        sqlite_rp.import_file("messages", f)
    report = sqlite_rp.import_file("messages", f, mapping={"created": "created_at"})
    assert report.imported == 1


def test_unknown_kind_lists_the_kinds(sqlite_rp: Workspace, tmp_path: Path) -> None:
    f = write(tmp_path / "m.csv", messages_csv(1))
    with pytest.raises(UnknownKindError, match="Use one of: messages, customers"):
        sqlite_rp.import_file("tweets", f)


def test_wrong_delimiter_is_explained(sqlite_rp: Workspace, tmp_path: Path) -> None:
    f = write(tmp_path / "semi.csv", messages_csv(3).replace(",", ";"))
    with pytest.raises(MissingColumnError, match="delimiter is probably ';'"):
        sqlite_rp.import_file("messages", f, delimiter=",")
    report = sqlite_rp.import_file("messages", f)  # detected
    assert report.imported == 3 and report.delimiter == ";"


def test_extra_columns_are_kept_in_raw(sqlite_rp: Workspace, tmp_path: Path) -> None:
    text = "platform,external_id,created_at,text,campaign_tag\nx,1,2024-01-01,hi,=SUM(A1)\n"
    sqlite_rp.import_file("messages", write(tmp_path / "e.csv", text))
    raw = sqlite_rp.db.read_frame("messages").get_column("raw").item()
    assert raw == '{"campaign_tag":"=SUM(A1)"}'


def test_text_over_100k_characters_is_kept_whole(rp: Workspace, tmp_path: Path) -> None:
    long_text = ("Pengiriman lama banget 😡 " * 8000)[:150_000]
    text = HEADER + f'x,1,post,2024-01-01,"{long_text}",,\n'
    report = rp.import_file("messages", write(tmp_path / "l.csv", text))
    assert report.imported == 1
    assert rp.frame("messages").get_column("text").item() == long_text


def test_nul_bytes_are_removed_and_reported(rp: Workspace, tmp_path: Path) -> None:
    text = HEADER + "x,1,post,2024-01-01,he\x00llo,,\n"
    report = rp.import_file("messages", write(tmp_path / "n.csv", text))
    assert report.imported == 1
    assert rp.frame("messages").get_column("text").item() == "hello"
    assert any("NUL" in w for w in report.warnings)


def test_invalid_utf8_lines_are_decoded_not_dropped(sqlite_rp: Workspace, tmp_path: Path) -> None:
    good = HEADER + "x,1,post,2024-01-01,toko bagus 👍,,\n"
    bad = "x,2,post,2024-01-01,caf\xe9 cr\xe8me,,\n".encode("latin-1")
    f = tmp_path / "mixed.csv"
    f.write_bytes(good.encode("utf-8") + bad)
    report = sqlite_rp.import_file("messages", f)
    assert report.imported == 2 and report.quarantined == 0
    texts = sqlite_rp.frame("messages").sort("external_id").get_column("text").to_list()
    assert texts == ["toko bagus 👍", "café crème"]
    assert any("mixed encodings" in w for w in report.warnings)


def test_mixed_utf8_and_gbk_lines(sqlite_rp: Workspace, tmp_path: Path) -> None:
    head = (HEADER + "x,1,post,2024-01-01,很好 good,,\n").encode("utf-8")
    gbk = "x,2,post,2024-01-01,快递太慢了，客服也不回复,,\n".encode("gb18030")
    f = tmp_path / "mixed_zh.csv"
    f.write_bytes(head + gbk)
    report = sqlite_rp.import_file("messages", f)
    texts = sqlite_rp.frame("messages").sort("external_id").get_column("text").to_list()
    assert texts == ["很好 good", "快递太慢了，客服也不回复"]
    assert report.warnings


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("utf-8-sig", "Kak, barangnya bagus bgt 😍"),
        ("gb18030", "这件衣服质量很好，下次还会再买"),
        ("big5", "這件衣服品質很好，下次還會再買，店員很親切"),
        ("utf-16", "Pelayanan ramah, mantul 👍"),
        ("latin-1", "Très bon service à Londres, merci"),
    ],
)
def test_encodings_are_detected(
    sqlite_rp: Workspace, tmp_path: Path, encoding: str, text: str
) -> None:
    body = HEADER + "".join(f'x,{i},post,2024-01-01,"{text} {i}",,\n' for i in range(20))
    f = tmp_path / f"{encoding}.csv"
    f.write_bytes(body.encode(encoding))
    report = sqlite_rp.import_file("messages", f)
    assert report.imported == 20 and report.quarantined == 0
    got = sqlite_rp.frame("messages").sort("id").get_column("text").to_list()
    assert got[0] == f"{text} 0"


def test_bom_does_not_leak_into_the_first_column(sqlite_rp: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "bom.csv"
    f.write_bytes(b"\xef\xbb\xbf" + messages_csv(2).encode())
    report = sqlite_rp.import_file("messages", f)
    assert report.imported == 2
    assert sqlite_rp.frame("messages").get_column("platform").to_list() == ["facebook"] * 2


def test_empty_file(sqlite_rp: Workspace, tmp_path: Path) -> None:
    f = write(tmp_path / "empty.csv", "")
    with pytest.raises(InputError, match="is empty"):
        sqlite_rp.import_file("messages", f)


def test_header_only_file_imports_nothing(sqlite_rp: Workspace, tmp_path: Path) -> None:
    report = sqlite_rp.import_file("messages", write(tmp_path / "h.csv", HEADER))
    assert report.rows_read == 0 and report.balanced


def test_file_that_does_not_exist(sqlite_rp: Workspace, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        sqlite_rp.import_file("messages", tmp_path / "nope.csv")


def test_jsonl_parquet_and_xlsx(sqlite_rp: Workspace, tmp_path: Path) -> None:
    import openpyxl

    rows = [
        {
            "customer_id": f"c{i}",
            "name": f"Budi {i}",
            "email": f"B{i}@Example.com ",
            "joined_at": "2023-05-01T08:00:00+07:00",
            "loyalty_member": i % 2 == 0,
            "tier": "gold",
        }
        for i in range(5)
    ]
    jsonl = tmp_path / "c.jsonl"
    jsonl.write_text(
        "\n".join(__import__("json").dumps(r) for r in rows) + "\n{broken\n", encoding="utf-8"
    )
    report = sqlite_rp.import_file("customers", jsonl)
    assert (report.imported, report.quarantined) == (5, 1)
    customers = sqlite_rp.frame("customers").sort("customer_id")
    assert customers.get_column("email").to_list()[0] == "b0@example.com"
    assert customers.get_column("email_hash").null_count() == 0

    pq = tmp_path / "p.parquet"
    pl.DataFrame(
        {
            "sku": ["A1", "B2"],
            "name": ["Batik shirt", "Tas"],
            "price": [199000.0, 85000.0],
            "aliases": ["kemeja batik|蜡染衬衫", None],
        }
    ).write_parquet(pq)
    assert sqlite_rp.import_file("products", pq).imported == 2

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["store_id", "name", "city", "country"])
    ws.append(["JKT01", "Grand Indonesia", "Jakarta", "ID"])
    ws.append(["TPE01", "信義店", "Taipei", "TW"])
    xlsx = tmp_path / "stores.xlsx"
    wb.save(xlsx)
    assert sqlite_rp.import_file("stores", xlsx).imported == 2
    names = sqlite_rp.frame("stores").sort("store_id").get_column("name").to_list()
    assert names == ["Grand Indonesia", "信義店"]


def test_transactions_allow_returns_but_not_bad_numbers(
    sqlite_rp: Workspace, tmp_path: Path
) -> None:
    text = (
        "order_id,customer_id,created_at,total,discount,channel\n"
        "o1,c1,2024-01-01,100.5,0,store\n"
        "o2,c1,2024-01-02,-20,0,online\n"
        "o3,c1,2024-01-03,abc,0,online\n"
        "o4,c1,2024-01-03,10,0,carrier pigeon\n"
    )
    report = sqlite_rp.import_file("transactions", write(tmp_path / "t.csv", text))
    assert (report.imported, report.quarantined) == (2, 2)
