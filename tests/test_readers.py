import json
import zipfile

import pytest

from breakthrough_nlp.readers import ReadOptions, detect_format, parse_heading_date, read_entries


def entries(path, fmt="auto", **kw):
    return list(read_entries(path, fmt, ReadOptions(**kw)))


@pytest.mark.parametrize("line,expected,dayfirst", [
    ("2024-03-02", "2024-03-02", False),
    ("## March 2, 2024", "2024-03-02", False),
    ("Monday 4 March 2024", "2024-03-04", False),
    ("3/4/24", "2024-03-04", False),
    ("3/4/24", "2024-04-03", True),
    ("# Tue, Sept 3rd, 2024", "2024-09-03", False),
    ("We met on March 2, 2024 at the old cafe by the river and talked for hours", None, False),
    ("2024-02-30", None, False),
])
def test_date_headings(line, expected, dayfirst):
    assert parse_heading_date(line, dayfirst) == expected


def test_markdown_journal_split_at_headings(fixtures):
    got = entries(fixtures / "journal.md")
    assert [e.date for e in got] == [None, "2024-03-02", "2024-03-03", "2024-03-04"]
    assert got[2].text.startswith("Told Sam no")
    assert got[3].locator == "line 10"
    assert all(e.error is None for e in got)


def test_daily_notes_folder_recursive_with_dates_from_names(fixtures):
    got = entries(fixtures / "daily")
    assert [e.date for e in got] == ["2024-03-02", "2024-03-03", "2024-03-04"]
    assert got[1].text.startswith("Back at work")
    assert got[2].error and "empty file" in got[2].error


def test_jrnl_export(fixtures):
    assert detect_format(fixtures / "jrnl_export.json") == "jrnl"
    got = entries(fixtures / "jrnl_export.json")
    assert len(got) == 3
    assert got[1].date == "2023-10-05"
    assert got[1].text.startswith("Called @mom.\nEvery time she asks")
    assert got[2].text == "Quiet Sunday."


def test_dayone_json_and_zip(fixtures, tmp_path):
    src = fixtures / "dayone" / "Journal.json"
    assert detect_format(src) == "dayone"
    got = entries(src)
    assert len(got) == 3
    # 04:30 UTC on the 15th is still the 14th in New York.
    assert got[0].date == "2024-01-14"
    assert got[1].date == "2024-01-16"
    assert got[2].error and "no 'text' field" in got[2].error
    z = tmp_path / "export.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(src, "Journal.json")
    zipped = entries(z)
    assert [e.text for e in zipped] == [e.text for e in got]
    assert zipped[0].source.endswith("export.zip!Journal.json")


def test_csv_and_tsv(fixtures):
    got = entries(fixtures / "entries.csv")
    assert [e.id for e in got] == ["c1", "c2", "c3"]
    assert got[1].text == "Every time I skip breakfast\nI snap at someone by noon."
    assert got[1].locator == "line 4"
    assert got[2].text == ""
    tsv = entries(fixtures / "entries.tsv")
    assert tsv[0].author == "zoe" and tsv[0].text == "A tab-separated entry."


def test_csv_column_names_are_configurable(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("body,who\nhello there,me\n", encoding="utf-8")
    assert entries(p)[0].error and "--text-column" in entries(p)[0].error
    got = entries(p, text_column="body", author_column="who")
    assert got[0].text == "hello there" and got[0].author == "me"


def test_jsonl_errors_name_the_line_and_keep_going(tmp_path):
    p = tmp_path / "j.jsonl"
    p.write_bytes(
        b'{"text": "fine"}\n'
        b'{"text": "broken\n'
        b'{"id": "no-text"}\n'
        b'{"text": "caf\xe9 au lait"}\n'
        b'[1, 2]\n'
        b'{"text": "also fine"}\n'
    )
    got = entries(p)
    assert len(got) == 6
    assert got[0].error is None and got[5].error is None
    assert "line 2" in got[1].error and "malformed JSON" in got[1].error
    assert "no 'text' field" in got[2].error
    assert "invalid UTF-8" in got[3].error and "byte offset" in got[3].error
    offset = int(got[3].error.split("byte offset ")[1].split()[0])
    assert p.read_bytes()[offset] == 0xE9
    assert "expected a JSON object" in got[4].error
    replaced = entries(p, encoding_errors="replace")
    assert replaced[3].error is None and "\ufffd" in replaced[3].text


def test_bom_crlf_empty_and_binary_files(tmp_path):
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b'\xef\xbb\xbf{"text": "with a BOM"}\r\n{"text": "crlf line"}\r\n')
    got = entries(bom)
    assert [e.text for e in got] == ["with a BOM", "crlf line"]
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert "empty file" in entries(empty)[0].error
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert "binary file" in entries(binary)[0].error


def test_missing_input_and_unknown_format(tmp_path):
    assert "no such file" in entries(tmp_path / "nope.jsonl")[0].error
    with pytest.raises(ValueError, match="unknown format"):
        entries(tmp_path, fmt="docx")
