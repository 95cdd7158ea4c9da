import csv
import json
import warnings
import zipfile

import pytest

from breakthrough_nlp import readers
from breakthrough_nlp.readers import (
    ReadOptions,
    SkippedFilesWarning,
    detect_format,
    parse_heading_date,
    read_entries,
    scan_folder,
)


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
    # A Markdown heading is a heading whatever its length; a plain line must be short.
    ("## March 4, 2024 - I finally understood why I avoid Mum", "2024-03-04", False),
    ("2024-03-04 was the day I finally told my sister what I thought", None, False),
    ("[2024-03-02 09:00] Lunch with Sam went badly.", "2024-03-02", False),
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
    assert got[1].locator == "line 3"  # a multi-line record is located at its first line
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


def _sliced(text, entry):
    """The entry's text is the slice of the decoded file text that starts at extra["offset"]."""
    start = entry.extra["offset"]
    return text[start:start + len(entry.text)] == entry.text


def _write(path, content, mode="w"):
    path.parent.mkdir(parents=True, exist_ok=True)
    if mode == "wb":
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_folder_reads_every_file_by_its_own_format(tmp_path, fixtures):
    root = tmp_path / "vault"
    _write(root / "Daily" / "2024-03-02.md", "Rain all day.\n")
    _write(root / "P010_journal.md", "## 2024-03-03\nFirst.\n\n## 2024-03-04\nSecond.\n")
    _write(root / "a.jsonl", '{"text": "from jsonl"}\n{"text": "again"}\n')
    _write(root / "b.csv", "id,text\nb1,from csv\n")
    _write(root / "sub" / "c.tsv", "id\ttext\nc1\tfrom tsv\n")
    _write(root / "sub" / "jrnl.json", (fixtures / "jrnl_export.json").read_text(encoding="utf-8"))
    with zipfile.ZipFile(root / "sub" / "dayone.zip", "w") as zf:
        zf.write(fixtures / "dayone" / "Journal.json", "Journal.json")
    _write(root / ".obsidian" / "workspace.md", "app settings")
    _write(root / ".hidden.md", "not a note")
    _write(root / "Attachments" / "photo.png", b"\x89PNG\r\n\x1a\n\x00", "wb")
    _write(root / "Attachments" / "paper.pdf", b"%PDF-1.4\x00", "wb")
    _write(root / "Attachments" / "scan.png", b"\x89PNG\r\n\x1a\n\x00", "wb")
    assert detect_format(root) == "directory"
    skipped = []
    with pytest.warns(SkippedFilesWarning, match=r"skipped 3 files of no journal format \(2 \.png, 1 \.pdf\)"):
        got = list(read_entries(root, skipped=skipped))
    assert sorted(p.name for p in skipped) == ["paper.pdf", "photo.png", "scan.png"]
    assert [p.name for p in scan_folder(root)[1]] == ["paper.pdf", "photo.png", "scan.png"]
    names = [e.source.split("vault/")[1] for e in got]
    assert names == ["Daily/2024-03-02.md", "P010_journal.md", "P010_journal.md", "a.jsonl", "a.jsonl", "b.csv",
                     "sub/c.tsv", "sub/dayone.zip!Journal.json", "sub/dayone.zip!Journal.json",
                     "sub/dayone.zip!Journal.json", "sub/jrnl.json", "sub/jrnl.json", "sub/jrnl.json"]
    assert got[0].date == "2024-03-02" and got[0].locator == "file"
    assert [(e.date, e.text) for e in got[1:3]] == [("2024-03-03", "First."), ("2024-03-04", "Second.")]
    assert [e.text for e in got[3:7]] == ["from jsonl", "again", "from csv", "from tsv"]
    assert not any("settings" in (e.text or "") or "not a note" in (e.text or "") for e in got)
    # The same walk twice gives the same rows in the same order.
    with pytest.warns(SkippedFilesWarning):
        assert [(e.source, e.locator) for e in read_entries(root)] == [(e.source, e.locator) for e in got]


def test_explicit_folder_format_is_still_daily_notes(tmp_path):
    root = tmp_path / "notes"
    _write(root / "2024-03-02.md", "One.\n")
    _write(root / "journal.md", "## 2024-03-03\nWhole file is one note here.\n")
    _write(root / "x.jsonl", '{"text": "not a note"}\n')
    with pytest.warns(SkippedFilesWarning, match=r"skipped 1 file that are not \.md or \.txt notes \(1 \.jsonl\)"):
        got = entries(root, fmt="folder")
    assert [e.id for e in got] == ["2024-03-02.md", "journal.md"]
    assert got[1].text.startswith("## 2024-03-03")


def test_folder_with_no_journal_files_is_an_error_row(tmp_path):
    _write(tmp_path / "pics" / "a.png", b"\x89PNG\x00", "wb")
    with pytest.warns(SkippedFilesWarning):
        got = entries(tmp_path / "pics")
    assert len(got) == 1 and "no journal files found" in got[0].error


def test_daily_note_text_is_the_file_text_unstripped(tmp_path):
    note = _write(tmp_path / "d" / "2024-03-02.md", "---\ntags: [daily]\n---\n\n  Rain all day.  \n\n")
    got = entries(tmp_path / "d")
    start = len("---\ntags: [daily]\n---\n")  # after the front matter, and not stripped
    assert got[0].text == note.read_text(encoding="utf-8")[start:] == "\n  Rain all day.  \n\n"
    assert got[0].extra["offset"] == start
    assert entries(tmp_path / "d", fmt="folder")[0].text == got[0].text


def test_text_journal_entries_are_exact_slices_of_the_file(tmp_path):
    p = _write(tmp_path / "j.md", b"\xef\xbb\xbf# My journal\r\n\r\nIntro.\r\n\r\n## March 2, 2024\r\n\r\n"
               b"  Rain all day.  \r\nSecond line.\r\n\r\n**2024-03-03** \r\nTold Sam no.\r\n", "wb")
    text = p.read_bytes().decode("utf-8-sig")
    got = entries(p)
    assert [e.text for e in got] == ["# My journal\r\n\r\nIntro.", "Rain all day.  \r\nSecond line.", "Told Sam no."]
    assert [e.locator for e in got] == ["line 1", "line 5", "line 10"]
    assert all(_sliced(text, e) for e in got)


def test_heading_line_title_is_kept_as_entry_text(tmp_path):
    p = _write(tmp_path / "inline.md",
               "2024-03-02 09:00 Lunch with Sam went badly.\nI kept quiet again.\n\n"
               "2024-03-03 21:10 - It finally hit me today.\nEvery time I feel left out I pick a fight.\n\n"
               "## March 4, 2024 - I finally understood why I avoid Mum\nShe never listened.\n\n"
               "## 2024-03-05 \u2014 after therapy\n2024-03-05 was the day I finally told my sister what I thought\n")
    text = p.read_text(encoding="utf-8")
    got = entries(p)
    assert [(e.date, e.text) for e in got] == [
        ("2024-03-02", "Lunch with Sam went badly.\nI kept quiet again."),
        ("2024-03-03", "It finally hit me today.\nEvery time I feel left out I pick a fight."),
        ("2024-03-04", "I finally understood why I avoid Mum\nShe never listened."),
        ("2024-03-05", "after therapy\n2024-03-05 was the day I finally told my sister what I thought"),
    ]
    assert [e.locator for e in got] == ["line 1", "line 4", "line 7", "line 10"]
    assert all(_sliced(text, e) for e in got)


def test_jrnl_plain_text_export(tmp_path):
    p = _write(tmp_path / "jrnl.txt", "[2024-03-02 09:00] Lunch with Sam went badly.\nI kept quiet again.\n\n"
                                      "[2024-03-03 21:10] Realized something.\nEvery time I feel left out I pick a "
                                      "fight, and then I blame whoever is nearest for all of it.\n")
    got = entries(p)
    assert [(e.date, e.text.split("\n")[0]) for e in got] == [("2024-03-02", "Lunch with Sam went badly."),
                                                              ("2024-03-03", "Realized something.")]


def test_preamble_title_only_is_dropped_but_text_never_is(tmp_path):
    titled = _write(tmp_path / "titled.md", "# Journal \u2014 Marta\n\n## 2024-03-02\nRain.\n")
    assert [(e.date, e.text) for e in entries(titled)] == [("2024-03-02", "Rain.")]
    intro = _write(tmp_path / "intro.md", "# Journal\nKept since May.\n\n## 2024-03-02\nRain.\n")
    assert [e.text for e in entries(intro)] == ["# Journal\nKept since May.", "Rain."]
    only_title = _write(tmp_path / "list.md", "# Shopping list\n")
    assert [e.text for e in entries(only_title)] == ["# Shopping list"]


def test_csv_long_cells_are_read_and_the_limit_restored(tmp_path):
    long_text = "x" * 200_000
    p = _write(tmp_path / "long.csv", f'id,text\na,"{long_text}"\nb,after the long one\n')
    before = csv.field_size_limit()
    got = entries(p)
    assert [(e.id, e.error) for e in got] == [("a", None), ("b", None)]
    assert got[0].text == long_text and got[1].text == "after the long one"
    assert csv.field_size_limit() == before


def test_csv_error_row_says_the_rest_was_not_read(tmp_path, monkeypatch):
    real_reader = csv.reader

    class FailingReader:
        """A csv reader that fails on the record starting with "boom", as a real parse error would."""

        def __init__(self, *args, **kwargs):
            self._rows = real_reader(*args, **kwargs)

        @property
        def line_num(self):
            return self._rows.line_num

        def __iter__(self):
            return self

        def __next__(self):
            row = next(self._rows)
            if row and row[0] == "boom":
                raise csv.Error("made-up parse error")
            return row

    monkeypatch.setattr(readers.csv, "reader", FailingReader)
    p = _write(tmp_path / "x.csv", 'id,text\na,one\nb,"two\nlines"\nboom,x\nc,read after it\n')
    with pytest.warns(readers.InputWarning, match=r"x.csv: 1 record with a misplaced or unclosed quote was read from its line as written.*first at line 5"):
        got = entries(p)
    # The record that failed is its line as written; the rows after it are still read.
    assert [(e.locator, e.id, e.text) for e in got] == [
        ("line 2", "a", "one"), ("line 3", "b", "two\nlines"), ("line 5", "boom", "x"), ("line 6", "c", "read after it")]


def test_truncated_json_is_one_error_row(tmp_path, fixtures):
    full = (fixtures / "dayone" / "Journal.json").read_text(encoding="utf-8")
    p = _write(tmp_path / "Journal.json", json.dumps(json.loads(full), indent=2)[:300])
    with pytest.raises(ValueError, match="malformed JSON at line"):
        detect_format(p)
    got = entries(p)
    assert len(got) == 1 and got[0].locator == "file"
    assert "malformed JSON at line" in got[0].error and " column " in got[0].error
    lines = _write(tmp_path / "entries.json", '{"text": "one"}\n{"text": "two"}\n{"text": "thr\n')
    got = entries(lines)
    assert [e.text for e in got[:2]] == ["one", "two"] and "line 3" in got[2].error
    other = _write(tmp_path / "settings.json", json.dumps({"theme": "dark", "plugins": [1, 2]}, indent=2))
    got = entries(other)
    assert len(got) == 1 and "neither a jrnl nor a Day One export" in got[0].error


def test_json_error_messages_do_not_double_at(tmp_path):
    p = _write(tmp_path / "j.jsonl", '{"text": "fine"}\n{"text": "unterminated\n')
    err = entries(p)[1].error
    assert "at at" not in err and "malformed JSON at column 10: Unterminated string" in err
    z = tmp_path / "export.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("Journal.json", '{"entries": [{"text": "unterminated')
    err = entries(z)[0].error
    assert "at at" not in err and "malformed JSON at line 1 column" in err


def test_csv_quote_never_closed_does_not_swallow_the_rows_after_it(tmp_path):
    # Python's lenient csv parser read everything after an unclosed quote into one cell:
    # entry "b" silently carried the rows c and d in its text, and they were lost.
    for newline in ("\n", "\r\n", "\r"):
        text = newline.join(["id,text", "a,fine", 'b,"it started', "c,more", "d,the end", ""])
        with pytest.warns(readers.InputWarning, match="1 record with a misplaced or unclosed quote .*first at line 3"):
            got = entries(_write(tmp_path / "open.csv", text))
        assert [(e.id, e.locator, e.text) for e in got] == [
            ("a", "line 2", "fine"), ("b", "line 3", '"it started'), ("c", "line 4", "more"), ("d", "line 5", "the end")]


def test_csv_stray_quote_mid_file_and_unquoted_tsv_are_read_as_written(tmp_path):
    # A quote opened on line 3 closed at row 5's quote: rows 3-5 were one entry, and a cell dropped.
    p = _write(tmp_path / "mid.csv", 'id,text\n1,fine\n2,"opens a quote\n3,three\n4,"four, quoted"\n5,five\n')
    with pytest.warns(readers.InputWarning):
        got = entries(p)
    assert [(e.id, e.text) for e in got] == [
        ("1", "fine"), ("2", '"opens a quote'), ("3", "three"), ("4", "four, quoted"), ("5", "five")]
    # Google Sheets' TSV does not quote cells: a text that starts with a quote is text.
    p = _write(tmp_path / "sheet.tsv", 'id\ttext\n1\t"Stop," she said. I saw it.\n2\tok\n')
    with pytest.warns(readers.InputWarning):
        got = entries(p)
    assert [(e.id, e.text) for e in got] == [("1", '"Stop," she said. I saw it.'), ("2", "ok")]


def test_csv_well_formed_quotes_are_read_without_warnings(tmp_path):
    p = _write(tmp_path / "ok.csv", 'id,text\na,"two\nlines",\nb,"a, b"\nc,say ""hi""\nd,"last ""one"""\n')
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = entries(p)
    assert [(e.id, e.text, e.error) for e in got] == [
        ("a", "two\nlines", None), ("b", "a, b", None), ("c", 'say ""hi""', None), ("d", 'last "one"', None)]


def test_csv_extra_cells_are_an_error_row_not_a_cut_entry(tmp_path):
    # An unquoted comma in the text used to keep only the text before it, as an ok entry.
    p = _write(tmp_path / "c.csv", "id,date,text\n1,2024-03-01,I went out, then came home, and saw it.\n2,,Fine.\n")
    got = entries(p)
    assert [(e.id, e.text) for e in got] == [(None, None), ("2", "Fine.")]
    assert "c.csv line 2: 5 cells where the header has 3" in got[0].error
    # Trailing empty cells are not extra text.
    assert [e.text for e in entries(_write(tmp_path / "t.csv", "id,text\n1,ok,,\n"))] == ["ok"]


def test_csv_header_only_is_a_row_and_empty_rows_are_counted(tmp_path):
    got = entries(_write(tmp_path / "h.csv", "id,date,text\n"))
    assert len(got) == 1 and "no entries (only a header)" in got[0].error
    with pytest.warns(readers.InputWarning, match="skipped 2 empty rows"):
        got = entries(_write(tmp_path / "e.csv", "id,date,text\n1,,a\n,,\n , ,\n"))
    assert [e.text for e in got] == ["a"]


def test_csv_columns_match_loosely_by_several_names_and_flag_duplicates(tmp_path):
    p = _write(tmp_path / "caps.csv", "ID, Date ,Author,Text \n7,2024-03-02,p1,hello\n")
    assert [(e.id, e.date, e.author, e.text) for e in entries(p)] == [("7", "2024-03-02", "p1", "hello")]
    body = _write(tmp_path / "body.csv", "id,body\n1,from body\n")
    entry = _write(tmp_path / "entry.jsonl", '{"id": "2", "entry": "from entry"}\n')
    for f in (body, entry):
        assert [e.text for e in entries(f, text_column="text,entry,body")] == [f"from {f.stem}"]
    dup = _write(tmp_path / "dup.csv", "id,text,text\n1,real,notes\n")
    got = entries(dup)
    assert len(got) == 1 and "2 columns (numbers 2, 3) match the text column" in got[0].error
    with pytest.warns(readers.InputWarning, match="no 'when' column, so every date is empty"):
        assert [e.date for e in entries(body, text_column="body", date_column="when")] == [None]


def test_empty_cells_are_missing_values(tmp_path):
    # Excel writes an empty author cell: it must count as missing (for --author-from), not as the writer "".
    p = _write(tmp_path / "p.csv", "id,date,author,text\n,,,hello\n")
    assert [(e.id, e.date, e.author) for e in entries(p)] == [(None, None, None)]


def test_semicolon_and_sep_line_csv(tmp_path):
    p = _write(tmp_path / "eu.csv", "id;date;text\n1;04.03.2024;Hallo, Welt\n")
    assert [(e.id, e.date, e.text) for e in entries(p)] == [("1", "2024-03-04", "Hallo, Welt")]
    p = _write(tmp_path / "sep.csv", "sep=;\nid;text\n1;a, b\n")
    assert [(e.locator, e.text) for e in entries(p)] == [("line 3", "a, b")]


def test_dates_that_cannot_be_read_are_kept_and_warned_about(tmp_path):
    p = _write(tmp_path / "d.csv", "id,date,text\n1,03/04/2024,a\n2,13/04/2024,b\n3,2024-13-45,c\n")
    with pytest.warns(readers.InputWarning, match=r"2 dates could not be read .*first at line 3.*1 look day-first"):
        got = entries(p)
    assert [e.date for e in got] == ["2024-03-04", "13/04/2024", "2024-13-45"]
    assert [e.date for e in entries(p, dayfirst=True)[:2]] == ["2024-04-03", "2024-04-13"]


def test_encodings_other_than_utf8(tmp_path):
    rows = "id,text\n1,Went to the caf\u00e9 \u201cyes\u201d\n"
    cp = tmp_path / "cp.csv"
    cp.write_bytes(rows.encode("cp1252"))
    assert [e.text for e in entries(cp, encoding="cp1252")] == ["Went to the caf\u00e9 \u201cyes\u201d"]
    for codec in ("utf-16", "utf-32"):  # Excel's "Unicode Text" and Notepad's "Unicode" carry a BOM
        f = tmp_path / f"{codec}.txt"
        f.write_bytes(rows.replace(",", "\t").encode(codec))
        assert [e.text for e in entries(f)] == ["Went to the caf\u00e9 \u201cyes\u201d"]
        j = tmp_path / f"{codec}.jsonl"
        j.write_bytes('{"text": "caf\u00e9"}\n{"text": "two"}\n'.encode(codec))
        assert [e.text for e in entries(j)] == ["caf\u00e9", "two"]
    with pytest.raises(ValueError, match="unknown encoding 'klingon'"):
        ReadOptions(encoding="klingon")


def test_one_bad_byte_costs_one_entry_not_the_file(tmp_path):
    good = "".join(f"{i},entry number {i}\n" for i in range(1, 6))
    p = tmp_path / "b.csv"
    p.write_bytes(b"id,text\n" + good.encode() + b"6,caf\xe9 from Word\n7,after\n")
    got = entries(p)
    assert [e.text for e in got][:5] == [f"entry number {i}" for i in range(1, 6)]
    assert got[5].text is None and "line 7: byte 0xE9 in the text is not UTF-8" in got[5].error
    assert got[6].text == "after"
    md = tmp_path / "j.md"
    md.write_bytes(b"## 2024-03-01\nFine day.\n\n## 2024-03-02\nA caf\xe9.\n\n## 2024-03-03\nOk.\n")
    got = entries(md)
    assert [e.text for e in got] == ["Fine day.", None, "Ok."]
    assert "line 5: byte 0xE9" in got[1].error
    with pytest.warns(readers.InputWarning, match="1 byte that is not UTF-8 replaced"):
        got = entries(md, encoding_errors="replace")
    assert got[1].text == "A caf\ufffd."


def test_tab_separated_txt_is_read_as_a_table(tmp_path):
    p = _write(tmp_path / "export.txt", "id\tdate\ttext\n1\t2024-03-01\tWent out.\n2\t2024-03-02\tRain.\n")
    assert [(e.id, e.text) for e in entries(p)] == [("1", "Went out."), ("2", "Rain.")]
    # A journal whose first line merely has a tab is still a journal.
    j = _write(tmp_path / "journal.txt", "2024-03-01\tMonday\nWent out.\n")
    assert [e.text for e in entries(j)] == ["Monday\nWent out."]


def test_format_on_a_folder_applies_to_every_file_and_exclude_is_not_read(tmp_path):
    (tmp_path / "p1").mkdir()
    _write(tmp_path / "p1" / "a.dat.txt", "id\ttext\n1\tone\n")
    _write(tmp_path / "p1" / "b.txt", "id\ttext\n2\ttwo\n")
    out = _write(tmp_path / "p1" / "annotations.csv", "source,text\nx,old output\n")
    got = list(read_entries(tmp_path, "tsv", exclude=[out]))
    assert [e.text for e in got] == ["one", "two"]


def test_csv_dates_are_read_as_iso_dates(tmp_path):
    src = tmp_path / "d.csv"
    with src.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["date", "text"])
        for d in ["03/04/2024", "4 March 2024", "2024-03-04T10:00:00+02:00", "someday"]:
            w.writerow([d, "An entry."])
    assert [e.date for e in entries(src)] == ["2024-03-04", "2024-03-04", "2024-03-04T10:00:00+02:00", "someday"]
    assert entries(src, dayfirst=True)[0].date == "2024-04-03"


def test_yaml_front_matter_is_metadata_not_entry_text(tmp_path):
    vault = tmp_path / "vault"
    vault.mkdir()
    note = "---\ntags: [daily]\naliases:\n  - monday\n---\nIt hit me that I hide when I'm tired."
    (vault / "2024-03-04.md").write_text(note, encoding="utf-8")
    (vault / "rules.md").write_text("---\nNot metadata: prose between two rules.\n---\nMore.", encoding="utf-8")
    got = {e.source.rsplit("/", 1)[-1]: e for e in entries(vault)}
    daily = got["2024-03-04.md"]
    assert daily.text == "It hit me that I hide when I'm tired."
    assert note[daily.extra["offset"]:] == daily.text
    assert got["rules.md"].text.startswith("---\nNot metadata")


def test_a_journal_whose_name_holds_a_date_is_still_split_at_its_headings(tmp_path):
    _write(tmp_path / "d" / "diary-2024-03-04.md", "## 2024-03-02\nFirst.\n\n## 2024-03-03\nSecond.\n")
    _write(tmp_path / "d" / "2024-03-05.md", "A daily note.\n")
    got = entries(tmp_path / "d")
    assert [(e.date, e.text.strip()) for e in got] == [("2024-03-05", "A daily note."), ("2024-03-02", "First."),
                                                      ("2024-03-03", "Second.")]


def test_symlinked_folders_are_read_once(tmp_path):
    outside = _write(tmp_path / "outside" / "ext.md", "## 2024-03-02\nFrom a linked folder.\n").parent
    tree = tmp_path / "tree"
    (tree / "bob").mkdir(parents=True)
    (tree / "bob" / "extlink").symlink_to(outside, target_is_directory=True)
    (tree / "bob" / "loop").symlink_to(tree, target_is_directory=True)  # a link back up is not walked again
    got = entries(tree)
    assert [e.text for e in got] == ["From a linked folder."]


def test_a_file_with_no_entry_text_is_still_a_row(tmp_path):
    _write(tmp_path / "d" / "onlyheadings.md", "## 2024-03-02\n\n## 2024-03-03\n")
    _write(tmp_path / "d" / "fmonly.md", "---\ntitle: x\n---\n")
    got = entries(tmp_path / "d")
    assert len(got) == 2 and all("no entry text" in e.error for e in got)


@pytest.mark.parametrize("line", ["__2024-03-02__", "_March 2, 2024_", "*2024-03-02*"])
def test_underscore_and_italic_date_headings(line):
    assert parse_heading_date(line) == "2024-03-02"


def test_reaudit_csv_cases(tmp_path):
    # A column whose name holds a comma can still be named.
    p = _write(tmp_path / "comma.csv", '"How I felt, today",id\nfine,1\n')
    assert [e.text for e in entries(p, text_column="How I felt, today")] == ["fine"]
    # A one-column file whose header has a semicolon is not re-read as semicolon-separated.
    p = _write(tmp_path / "one.csv", "How I felt; what I learned\nTired; that rest matters\n")
    assert [e.text for e in entries(p, text_column="How I felt; what I learned")] == ["Tired; that rest matters"]
    # A semicolon file with a comma in one column name.
    p = _write(tmp_path / "eu.csv", "id;date, time;text\n1;x;Hallo\n")
    assert [e.text for e in entries(p)] == ["Hallo"]
    # A fully quoted export: a misquoted line keeps no quotes on its whole cells.
    p = _write(tmp_path / "q.csv", '"id","text"\n"1","say "hi" now"\n"2","ok"\n')
    with pytest.warns(readers.InputWarning):
        got = entries(p)
    assert [(e.id, e.text) for e in got] == [("1", 'say "hi" now'), ("2", "ok")]
    # Outside a fully quoted export, quotes around a line's cells are the writer's.
    p = _write(tmp_path / "aw.csv", 'text\n"Stop" and "go"\nnext\n')
    with pytest.warns(readers.InputWarning):
        assert [e.text for e in entries(p)] == ['"Stop" and "go"', "next"]
    # A quoted header in a semicolon file; a comma in a semicolon file's column name.
    p = _write(tmp_path / "qh.csv", '"id";"date";"text"\n"1";"2024-03-01";"Hallo"\n')
    assert [(e.id, e.text) for e in entries(p)] == [("1", "Hallo")]
    p = _write(tmp_path / "n11.csv", "id;How I felt, today\n1;good\n")
    assert [e.text for e in entries(p, text_column="How I felt, today")] == ["good"]


def test_well_formed_multi_line_cells_read_without_warnings_and_misquotes_inside_them_stay_one_cell(tmp_path):
    # Valid CSV with cells over several lines (lines inside them look like rows): no warning.
    rows = "".join(f'{i},"Dear diary,\nday {i}, at last, fine",2024-03-0{i % 9 + 1}\n' for i in range(200))
    p = _write(tmp_path / "ok.csv", "id,text,date\n" + rows)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = entries(p)
    assert len(got) == 200 and got[7].text == "Dear diary,\nday 7, at last, fine"
    # A quote out of place inside such a cell: the cell stays one entry (its later lines used to
    # become invented entries with made-up ids and dates).
    p = _write(tmp_path / "ml.csv", 'id,text\n1,"Dear diary,\nToday, I told him "no" and left."\n2,fine\n')
    with pytest.warns(readers.InputWarning, match="read as one cell"):
        got = entries(p)
    assert [(e.id, e.locator) for e in got] == [("1", "line 2"), ("2", "line 4")]
    assert got[0].text.startswith("Dear diary,\nToday, I told him")


def test_many_misquoted_rows_do_not_rescan_the_file(tmp_path, monkeypatch):
    # Each restart after a misquoted row used to rescan the text from its start for line ends and
    # copy the rest of it: reading grew with the square of the file (8,000 such rows took 36 s).
    real = readers._LINE_END
    scans = []

    class Counting:
        def finditer(self, text, *args):
            scans.append(len(text))
            return real.finditer(text, *args)

        def __getattr__(self, name):
            return getattr(real, name)

    monkeypatch.setattr(readers, "_LINE_END", Counting())
    n = 1000
    rows = "".join(f'{i},"Hello" she said and I finally understood {i}\n' for i in range(n))
    p = _write(tmp_path / "m.csv", "id,text\n" + rows)
    with pytest.warns(readers.InputWarning, match=f"{n} records with a misplaced"):
        got = entries(p)
    assert [e.id for e in got] == [str(i) for i in range(n)]
    assert len(scans) == 1


def test_utf16_bad_sequence_costs_its_entry_and_replace_works(tmp_path):
    good = "id,text\n1,caf\u00e9\n2,bad here\n3,after\n".encode("utf-16-le")
    bad = good.replace("bad".encode("utf-16-le"), b"\x00\xd8b\x00")  # a lone high surrogate
    p = tmp_path / "u.csv"
    p.write_bytes(b"\xff\xfe" + bad)
    got = entries(p)
    assert [e.text for e in got] == ["caf\u00e9", None, "after"] and "line 3" in got[1].error
    with pytest.warns(readers.InputWarning, match="replaced with U\\+FFFD"):
        got = entries(p, encoding_errors="replace")
    assert got[1].text.endswith(" here") and got[2].text == "after"


def test_invalid_date_headings_in_a_journal_are_warned_about(tmp_path):
    p = _write(tmp_path / "d.md", "## 12/04/2024\nFelt fine.\n\n## 13/04/2024\nArgued.\n\n## 2024-02-30\nTypo.\n")
    with pytest.warns(readers.InputWarning, match=r"2 lines written like a date heading .*line 4.*--dayfirst"):
        entries(p)


def test_other_runs_partial_folders_and_long_output_rows_are_not_journals(tmp_path):
    (tmp_path / "old.csv.partial").mkdir()
    (tmp_path / "old.csv.partial" / "settings.json").write_text("{}", encoding="utf-8")
    (tmp_path / "old.csv.partial" / "chunk-0000000.jsonl").write_text("{}\n", encoding="utf-8")
    row = {"source": "x", "locator": "line 1", "entry_index": 0, "status": "ok", "n_realizations": 0,
           "p_feelings": 0.1, "text": "x" * 100_000}
    (tmp_path / "earlier.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    _write(tmp_path / "journal.md", "## 2024-03-01\nRain.\n")
    with pytest.warns(SkippedFilesWarning):
        got = list(read_entries(tmp_path))
    assert [e.text for e in got] == ["Rain."]


def test_jsonl_warns_once_per_file_and_names_missing_fields(tmp_path):
    p = tmp_path / "j.jsonl"
    p.write_bytes(b'{"text": "caf\xe9"}\n{"text": "ok"}\n{"text": "na\xefve"}\n')
    with pytest.warns(readers.InputWarning) as caught:
        got = entries(p, encoding_errors="replace", date_column="when")
    messages = [str(w.message) for w in caught]
    assert len(got) == 3
    assert [m for m in messages if "replaced" in m] == [f"{p}: 2 bytes that are not UTF-8 replaced with U+FFFD"]
    assert f"{p}: no entry has a 'when' field, so every date is empty" in messages


def test_an_entry_with_a_bad_byte_keeps_its_id_and_date(tmp_path):
    p = tmp_path / "b.csv"
    p.write_bytes(b"id,date,text\n7,2024-03-01,caf\xe9\n")
    (entry,) = entries(p)
    assert (entry.id, entry.date, entry.text) == ("7", "2024-03-01", None) and "0xE9" in entry.error


def test_second_reaudit_reader_cases(tmp_path):
    # A line over 128 KiB inside a multi-line quoted cell crashed the whole run.
    long_line = "x" * 200_000
    p = _write(tmp_path / "long.csv", f'id,text\n1,"first line\n{long_line}"\n2,after\n')
    assert [len(e.text) for e in entries(p)] == [len("first line\n") + 200_000, 5]
    # A bad sequence in UTF-16 JSON Lines is named as such, on its line.
    j = tmp_path / "u.jsonl"
    j.write_bytes(b"\xff\xfe" + '{"text": "one"}\n{"text": "tw'.encode("utf-16-le") + b"\x00\xd8"
                  + 'o"}\n{"text": "three"}\n'.encode("utf-16-le"))
    got = entries(j)
    assert [e.text for e in got] == ["one", None, "three"]
    assert "line 2: byte 0x00 is not utf-16" in got[1].error
    # A prose line that starts with an invalid date is no heading and gets no heading warning.
    md = _write(tmp_path / "p.md", "## 2024-03-01\n13/04/2024 was the day we finally talked it all through at length.\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(entries(md)) == 1
    with pytest.raises(ValueError, match="unknown encoding 'rot13'"):
        ReadOptions(encoding="rot13")


def test_iso_dates_with_junk_or_impossible_times_are_not_read_and_tab_files_are_tables(tmp_path):
    p = _write(tmp_path / "d.csv", "id,date,text\n1,2024-03-04T09:15:00Z,a\n2,2024-03-04 extra,b\n"
                                   "3,2024-03-04T25:00,c\n4,31.04.2024,d\n")
    with pytest.warns(readers.InputWarning) as caught:
        got = entries(p)
    assert [e.date for e in got] == ["2024-03-04T09:15:00Z", "2024-03-04 extra", "2024-03-04T25:00", "31.04.2024"]
    message = " ".join(str(w.message) for w in caught)
    assert "3 dates could not be read" in message and "day-first" not in message  # 31.04. is day first anyway
    t = _write(tmp_path / "export.tab", "id\ttext\n1\tfrom a .tab file\n")
    assert [e.text for e in entries(t)] == ["from a .tab file"]


def test_folder_formats_on_a_file_and_daily_notes_with_impossible_dates(tmp_path):
    f = _write(tmp_path / "f.csv", "id,text\n1,x\n")
    for fmt in ("folder", "directory"):
        got = entries(f, fmt)
        assert len(got) == 1 and f"--format {fmt} reads a folder" in got[0].error
    (tmp_path / "vault").mkdir()
    _write(tmp_path / "vault" / "2024-02-30.md", "Wrote this on a day that does not exist.\n")
    with pytest.warns(readers.InputWarning, match="2024-02-30 is not a date"):
        got = entries(tmp_path / "vault")
    assert [e.text for e in got] == ["Wrote this on a day that does not exist."]
