"""Read journals as people keep them, one :class:`Entry` per journal entry.

Every reader is a generator of entries that remember where they came from
(``source`` file and ``locator``: a line, a row or an index). A problem with one
entry (malformed JSON, a missing text field, invalid UTF-8) becomes an entry with
``error`` set, so the batch run writes a row for it and goes on; a problem with
a whole file (empty, binary, unreadable) becomes one such entry for the file.

Formats: JSON Lines, CSV/TSV, plain-text or Markdown journals split at date
headings, folders of daily notes named by date (Obsidian, Logseq), the jrnl
JSON export, and the Day One JSON export (``.zip`` or ``Journal.json``). A
folder given as input is walked and every file in it read by its own format;
files of no journal format are skipped with a :class:`SkippedFilesWarning`.

Entry texts are exact slices of the decoded file text (``extra["offset"]`` is
where the slice starts), so character offsets into an entry map back to the file.
"""

from __future__ import annotations

import bisect
import codecs
import contextlib
import csv
import datetime as dt
import io
import json
import os
import re
import sys
import warnings
import zipfile
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# "folder" is a folder of daily notes (one entry per .md/.txt file); "directory",
# what auto-detection picks for a folder, reads every file by its own format.
FORMATS = ("auto", "jsonl", "csv", "tsv", "text", "folder", "jrnl", "dayone", "directory")
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".org"}
JOURNAL_SUFFIXES = TEXT_SUFFIXES | {".jsonl", ".ndjson", ".csv", ".tsv", ".tab", ".zip", ".json", ""}


class SkippedFilesWarning(UserWarning):
    """Files in an input folder that are of no journal format (images, PDFs, ...) and were not read."""


class InputWarning(UserWarning):
    """An input was read, but part of it may not be what you meant: a named column that is not
    there, bytes replaced with U+FFFD, dates left as written, empty rows skipped."""


@dataclass
class Entry:
    """One journal entry and where it came from."""

    text: str | None
    id: str | None = None
    date: str | None = None
    author: str | None = None
    source: str = ""
    locator: str = ""
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


COLUMN_DEFAULTS = {"text": "text", "id": "id", "date": "date", "author": "author"}


@dataclass
class ReadOptions:
    """How inputs are read.

    A ``*_column`` names a CSV column or JSON field; several comma-separated
    names (``"text,entry,body"``) are tried in order, for studies whose exports
    differ, and a name also matches a header that differs only in case or
    surrounding spaces (``" Text "``). ``encoding`` is for files without a
    byte-order mark (with one, the mark decides: UTF-8, UTF-16 or UTF-32).
    """

    text_column: str = "text"
    id_column: str = "id"
    date_column: str = "date"
    author_column: str = "author"
    dayfirst: bool = False
    encoding_errors: str = "strict"  # or "replace"
    encoding: str = "utf-8"

    def __post_init__(self) -> None:
        if self.encoding_errors not in ("strict", "replace"):
            raise ValueError(f"encoding_errors must be 'strict' or 'replace', got {self.encoding_errors!r}")
        try:
            b"a".decode(self.encoding)  # a text encoding, not a text-to-text codec such as rot13
        except (LookupError, TypeError, AttributeError):
            raise ValueError(
                f"unknown encoding {self.encoding!r} (for example utf-8, cp1252, latin-1, utf-16)") from None
        for name in COLUMN_DEFAULTS:
            if not column_names(getattr(self, f"{name}_column")):
                raise ValueError(f"{name}_column names no column")


def column_names(spec: str) -> list[str]:
    """The names a column option tries, in order: ``"text, entry"`` -> ``["text", "entry"]``; the
    whole option first, so that a column whose name holds a comma can still be named."""
    parts = [n.strip() for n in str(spec).split(",") if n.strip()]
    return [str(spec).strip()] + parts if len(parts) > 1 else parts


def _pick(keys: Collection[str], spec: str) -> list[str]:
    """The keys of a header or object that a column option names: exact matches of its first
    name that has any, else matches ignoring case and surrounding spaces. More than one is a
    duplicated column."""
    for name in column_names(spec):
        exact = [k for k in keys if k == name]
        if exact:
            return exact
        loose = [k for k in keys if isinstance(k, str) and k.strip().casefold() == name.casefold()]
        if loose:
            return loose
    return []


# ----------------------------------------------------------------- decoding
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xef\xbb\xbf", "utf-8-sig"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_ENCODING_HINT = "name the file's encoding with --encoding (Excel on Windows: cp1252), or use --encoding-errors replace"
# Bytes that did not decode, kept as lone surrogates (U+DC00 + byte, like errors="surrogateescape", but for
# every codec: UTF-16/32 too) until the entry holding them is known.
_ESCAPED_BYTE = re.compile("[\udc00-\udcff]")


def _escape_bytes(e: UnicodeError) -> tuple[str, int]:
    assert isinstance(e, UnicodeDecodeError)
    return "".join(chr(0xDC00 + b) for b in e.object[e.start:e.end]), e.end


codecs.register_error("breakthrough_nlp.escape", _escape_bytes)
_LINE_END = re.compile(r"\r\n|\r|\n")  # line breaks as the csv module counts them


def _line_starts(text: str) -> list[int]:
    """The offset at which each line of ``text`` starts (line ``k`` at index ``k - 1``)."""
    return [0] + [m.end() for m in _LINE_END.finditer(text)]


def _encoding_of(data: bytes, opts: ReadOptions) -> str:
    """The byte-order mark's encoding if there is one, else the one the user named."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return "utf-8-sig" if codecs.lookup(opts.encoding).name == "utf-8" else opts.encoding


def _file_encoding(path: Path, opts: ReadOptions) -> str:
    with path.open("rb") as fh:
        return _encoding_of(fh.read(4), opts)


def _wide(encoding: str) -> bool:
    """UTF-16/32: NUL bytes are normal and lines cannot be split as bytes."""
    return codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))


def _decode(data: bytes, source: str, opts: ReadOptions, where: str = "",
            lenient: bool = False, replaced: list[int] | None = None) -> tuple[str | None, str | None]:
    """Decode by the BOM or ``opts.encoding``; on failure return an error naming the byte offset.

    ``lenient``: keep undecodable bytes as escapes (lone surrogates) so the reader can make an
    error row of the one entry that holds them instead of losing the whole file. ``replaced``:
    with ``encoding_errors="replace"``, count the replaced bytes there instead of warning (a
    reader decoding line by line warns once for the file).
    """
    encoding = _encoding_of(data, opts)
    try:
        return data.decode(encoding), None
    except UnicodeDecodeError as e:
        loc = f" {where}" if where else ""
        if opts.encoding_errors == "replace":
            n = len(_ESCAPED_BYTE.findall(data.decode(encoding, errors="breakthrough_nlp.escape")))
            if replaced is not None:
                replaced.append(n)
            else:
                _warn_replaced(f"{source}{loc}", n, encoding)
            return data.decode(encoding, errors="replace"), None
        if lenient:
            return data.decode(encoding, errors="breakthrough_nlp.escape"), None
        return None, f"invalid {_label(encoding)} in {source}{loc} at byte offset {e.start} ({_ENCODING_HINT})"


def _warn_replaced(where: str, n: int, encoding: str) -> None:
    warnings.warn(f"{where}: {n} byte{'s' if n != 1 else ''} that {'is' if n == 1 else 'are'} not "
                  f"{_label(encoding)} replaced with U+FFFD", InputWarning, stacklevel=3)


def _label(encoding: str) -> str:
    name = codecs.lookup(encoding).name
    return "UTF-8" if name.startswith("utf-8") else name


def _bad_byte_problem(escaped: str, encoding: str, where: str = "") -> str:
    """``byte 0xE9 [in the text] is not UTF-8; <hint>`` for a byte kept as an escape by ``_decode``."""
    return f"byte 0x{ord(escaped) - 0xDC00:02X}{where} is not {_label(encoding)}; {_ENCODING_HINT}"


def _without_escapes(value: str | None) -> str | None:
    return None if value is None or _ESCAPED_BYTE.search(value) else value


def _bad_byte(entry: Entry, path: Path, opts: ReadOptions, line_of: Any = None) -> Entry:
    """``entry``, or an error entry when a field holds a byte that did not decode (see ``_decode``);
    the error keeps the id, date and author that decoded."""
    for name in ("text", "id", "date", "author"):
        value = getattr(entry, name)
        m = _ESCAPED_BYTE.search(value) if value else None
        if m:
            where = line_of(m.start()) if (line_of and name == "text") else entry.locator
            problem = _bad_byte_problem(m.group(), _file_encoding(path, opts), f" in the {name}")
            return Entry(text=None, id=_without_escapes(entry.id), date=_without_escapes(entry.date),
                         author=_without_escapes(entry.author), source=entry.source, locator=entry.locator,
                         error=f"{entry.source} {where}: {problem}")
    return entry


def _file_problem(path: Path, data: bytes, opts: ReadOptions | None = None) -> str | None:
    if not data.strip():
        return f"{path}: empty file"
    if b"\x00" in data[:8192] and not _wide(_encoding_of(data, opts or ReadOptions())):
        return f"{path}: binary file (contains NUL bytes), not a journal (UTF-16 text needs --encoding utf-16)"
    return None


def _read_text(path: Path, opts: ReadOptions, lenient: bool = False) -> tuple[str | None, str | None]:
    """A whole file's text, or the reason it has none (empty, binary, undecodable)."""
    data = path.read_bytes()
    problem = _file_problem(path, data, opts)
    if problem:
        return None, problem
    return _decode(data, str(path), opts, lenient=lenient)


def _str_or_none(value: Any) -> str | None:
    """A cell or field as a string; missing, NaN and empty cells (as spreadsheets write them) are None."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from CSV/pandas
        return None
    text = str(value)
    return text if text.strip() else None


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?![0-9])")
_DAY_FIRST_LOOK = re.compile(r"\s*(\d{1,2})[/-](\d{1,2})[/-]\d{2,4}\b")  # 04.03.2024 is day first anyway
# What may follow an ISO date in a date cell: a time, seconds, fraction and zone ("2024-03-04T09:15:00Z").
_ISO_TIME = re.compile(r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\s*")


def _normalize_date(value: str | None, dayfirst: bool) -> tuple[str | None, bool]:
    """``(date, read)``: an ISO date or datetime as given; a date written otherwise (``03/04/2024``,
    ``04.03.2024``, ``4 March 2024``, read with ``--dayfirst`` as the user says) as an ISO date;
    anything else unchanged, with ``read`` False."""
    if value is None:
        return None, True
    text = value.strip()
    m = _ISO_DATE.match(text)
    if m:
        t = _ISO_TIME.fullmatch(text, m.end())
        try:
            dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if t and t.group(1):
                dt.time(int(t.group(1)), int(t.group(2)), int(t.group(3) or 0))
        except ValueError:
            return value, False
        return value, t is not None
    heading = _parse_heading(text, dayfirst)
    if heading is not None and heading[1] is None:  # the whole value is a date (and maybe a time)
        return heading[0], True
    return value, False


def is_iso_date(text: str) -> bool:
    """Whether ``text`` is an ISO date, maybe with a time and zone, that exists (the readers and
    timelines agree on what a date is)."""
    return _ISO_DATE.match(text.strip()) is not None and _normalize_date(text, False)[1]


class _DateTally:
    """A file's dates that could not be read, for one warning at the end of the file (no values shown)."""

    def __init__(self, source: str, dayfirst: bool) -> None:
        self.source, self.dayfirst = source, dayfirst
        self.unread: list[str] = []
        self.day_first_look = 0

    def add(self, raw: str | None, read: bool, locator: str) -> None:
        if read or raw is None:
            return
        self.unread.append(locator)
        m = _DAY_FIRST_LOOK.match(raw)
        if m and not self.dayfirst and int(m.group(1)) > 12 and int(m.group(2)) <= 12:
            self.day_first_look += 1

    def warn(self) -> None:
        if not self.unread:
            return
        n = len(self.unread)
        hint = (f"; {self.day_first_look} look day-first (13/04/2024): if the file writes dates day first, "
                "rerun with --dayfirst, or other dates in it were read month first") if self.day_first_look else ""
        verb = "is" if n == 1 else "are"
        warnings.warn(f"{self.source}: {n} date{'s' if n != 1 else ''} could not be read and {verb} kept as written "
                      f"(first at {self.unread[0]}){hint}", InputWarning, stacklevel=2)


def _make_entry(fields: dict[str, Any], source: str, locator: str, opts: ReadOptions,
                dates: _DateTally | None = None) -> Entry:
    """An entry from the values of its text, id, date and author columns (missing: None)."""
    text = fields.get("text")
    raw_date = _str_or_none(fields.get("date"))
    date, read = _normalize_date(raw_date, opts.dayfirst)
    if dates is not None:
        dates.add(raw_date, read, locator)
    entry = Entry(text=text if isinstance(text, str) else None, id=_str_or_none(fields.get("id")), date=date,
                  author=_str_or_none(fields.get("author")), source=source, locator=locator)
    names = " or ".join(repr(n) for n in column_names(opts.text_column))
    if text is None:
        entry.error = f"{source} {locator}: no {names} field"
    elif not isinstance(text, str):
        entry.error = f"{source} {locator}: {names} is {type(text).__name__}, not a string"
    return entry


def _entry_from_mapping(obj: dict[str, Any], source: str, locator: str, opts: ReadOptions,
                        dates: _DateTally | None = None) -> Entry:
    fields: dict[str, Any] = {}
    for name in COLUMN_DEFAULTS:
        keys = _pick(obj.keys(), getattr(opts, f"{name}_column"))
        if len(keys) > 1:
            return Entry(text=None, source=source, locator=locator,
                         error=f"{source} {locator}: fields {', '.join(map(repr, keys))} all match the {name} "
                               "field; keep one")
        if keys:
            fields[name] = obj[keys[0]]
    return _make_entry(fields, source, locator, opts, dates)


def _json_problem(e: json.JSONDecodeError, line: bool = True) -> str:
    """``malformed JSON at line L column C: <reason>``.

    The decoder's own messages end in "at" ("Unterminated string starting at")
    because they expect a position after them; drop that so the text reads once.
    """
    reason = re.sub(r"\s+(?:starting\s+)?at$", "", e.msg)
    where = f"line {e.lineno} column {e.colno}" if line else f"column {e.colno}"
    return f"malformed JSON at {where}: {reason}"


# -------------------------------------------------------------------- readers
def _jsonl_lines(path: Path, data: bytes, opts: ReadOptions,
                 replaced: list[int]) -> Iterator[tuple[int, str | None, str | None]]:
    """``(line number, decoded line or None, error)`` for each non-blank line of a JSON Lines file.

    Lines are decoded one by one, so a bad byte costs only its line; UTF-16/32, whose lines
    cannot be split as bytes, is decoded whole and a line with a bad sequence named after.
    """
    encoding = _encoding_of(data, opts)
    if _wide(encoding):
        whole, err = _decode(data, str(path), opts, lenient=True, replaced=replaced)
        if whole is None:
            yield 0, None, err
            return
        for lineno, line in enumerate(whole.split("\n"), 1):
            m = _ESCAPED_BYTE.search(line)
            if m:
                yield lineno, None, f"{path} line {lineno}: {_bad_byte_problem(m.group(), encoding)}"
            elif line.strip():
                yield lineno, line, None
        return
    offset = 0
    for lineno, raw in enumerate(data.split(b"\n"), 1):
        line_offset = offset
        offset += len(raw) + 1
        if not raw.strip():
            continue
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
            line_offset += 3
        text, err = _decode(raw, str(path), opts, f"line {lineno}", replaced=replaced)
        if text is None and err:
            # Name the byte offset in the file, not only in the line.
            m = re.search(r"byte offset (\d+)", err)
            if m:
                err = err.replace(m.group(0), f"byte offset {line_offset + int(m.group(1))}")
        yield lineno, text, err


def read_jsonl(path: Path, opts: ReadOptions) -> Iterator[Entry]:
    data = path.read_bytes()
    problem = _file_problem(path, data, opts)
    if problem:
        yield Entry(text=None, source=str(path), locator="file", error=problem)
        return
    dates = _DateTally(str(path), opts.dayfirst)
    replaced: list[int] = []
    named = {name: getattr(opts, f"{name}_column") for name in COLUMN_DEFAULTS if name != "text"
             and getattr(opts, f"{name}_column") != COLUMN_DEFAULTS[name]}  # fields the user named
    found: set[str] = set()
    for lineno, text, err in _jsonl_lines(path, data, opts, replaced):
        where = f"line {lineno}" if lineno else "file"
        if text is None:
            yield Entry(text=None, source=str(path), locator=where, error=err)
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as e:
            yield Entry(text=None, source=str(path), locator=where,
                        error=f"{path} line {lineno}: {_json_problem(e, line=False)}")
            continue
        if not isinstance(obj, dict):
            yield Entry(text=None, source=str(path), locator=where,
                        error=f"{path} line {lineno}: expected a JSON object, got {type(obj).__name__}")
            continue
        found.update(name for name, spec in named.items() if _pick(obj.keys(), spec))
        yield _entry_from_mapping(obj, str(path), where, opts, dates)
    dates.warn()
    if sum(replaced):
        _warn_replaced(str(path), sum(replaced), _encoding_of(data, opts))
    for name in sorted(set(named) - found):
        warnings.warn(f"{path}: no entry has a {named[name]!r} field, so every {name} is empty",
                      InputWarning, stacklevel=2)


_csv_limit: int | None = None


def _csv_max_field() -> int:
    """The largest field size the csv module accepts here (a C long: 2**63-1, or 2**31-1 on Windows)."""
    global _csv_limit
    if _csv_limit is None:
        limit = sys.maxsize
        while True:
            try:
                old = csv.field_size_limit(limit)
            except OverflowError:
                limit //= 2
                continue
            csv.field_size_limit(old)
            break
        _csv_limit = limit
    return _csv_limit


@contextlib.contextmanager
def _no_field_limit() -> Iterator[None]:
    """Lift the csv module's 131,072-character field limit (journal entries can be longer) for one
    parse, and restore it after, so that other users of the module are unaffected."""
    old = csv.field_size_limit(_csv_max_field())
    try:
        yield
    finally:
        csv.field_size_limit(old)


def read_csv(path: Path, opts: ReadOptions, delimiter: str = ",") -> Iterator[Entry]:
    """One entry per record, located at the record's first line.

    Strict about what would otherwise change an entry without a word. A quote
    that is misplaced or never closed (a text that starts with a quote, in an
    export that does not quote cells) makes the record's first line be read
    as written, with a warning, and reading goes on from the next line, so the
    rows it would have swallowed are read too; a quote out of place inside a
    cell that runs over several lines keeps that cell whole (read leniently).
    A record with more cells than the header (an unquoted comma in the text),
    a byte that is not in the file's encoding, or two columns that both match
    one option make error rows. Excel's ``sep=;`` line is honoured, and a
    semicolon, tab or pipe is the delimiter when it, and not the comma, finds
    the text column in the header (:func:`_sniff`). Fields may be longer than
    the csv module's limit (:func:`_no_field_limit`).
    """
    text, err = _read_text(path, opts, lenient=True)
    if text is None:
        yield Entry(text=None, source=str(path), locator="file", error=err)
        return
    source = str(path)
    first = re.match(r"[^\r\n]*", text.lstrip("\r\n")).group()  # type: ignore[union-attr]
    skip = 0
    sep = re.fullmatch(r"sep=(.)\s*", first)
    if sep:  # Excel's first line naming the delimiter
        delimiter, skip = sep.group(1), 1
    elif delimiter == ",":
        delimiter = _sniff(first, opts.text_column)
    lines = _Lines(text, delimiter)
    base = 0  # the line before the text the current reader reads
    rows = lines.reader(0)
    start = 1  # first line of the record being read: its locator, also when it fails to parse

    def next_record() -> list[str]:
        """The next non-blank record (setting ``start``); StopIteration at the end."""
        nonlocal start
        while True:
            start = base + rows.line_num + 1
            with _no_field_limit():
                record = next(rows)
            if record:
                return record

    header: list[str] = []
    try:
        for _ in range(skip + 1):
            header = next_record()
    except StopIteration:
        header = []
    except csv.Error as e:
        yield Entry(text=None, source=source, locator=f"line {start}",
                    error=f"{source} line {start}: the header does not parse ({_csv_problem(e)})")
        return
    columns: dict[str, int] = {}
    for name in COLUMN_DEFAULTS:
        spec = getattr(opts, f"{name}_column")
        found = _pick(header, spec)
        if len(found) > 1:
            where = ", ".join(str(i + 1) for i, h in enumerate(header) if h in found)
            yield Entry(text=None, source=source, locator="header",
                        error=f"{source}: {len(found)} columns (numbers {where}) match the {name} column "
                              f"{spec!r}; rename or remove all but one")
            return
        if found:
            columns[name] = header.index(found[0])
        elif name == "text":
            yield Entry(text=None, source=source, locator="header",
                        error=f"{source}: no {' or '.join(map(repr, column_names(spec)))} column (columns: {header}); "
                              "name it with --text-column (several names: --text-column text,entry)")
            return
        elif spec != COLUMN_DEFAULTS[name]:
            warnings.warn(f"{source}: no {spec!r} column, so every {name} is empty (columns: {header})",
                          InputWarning, stacklevel=2)
    dates = _DateTally(source, opts.dayfirst)
    n_records = n_empty = 0
    literal: list[str] = []  # locators of records read as written after a quote problem
    loose: list[str] = []  # multi-line cells read leniently around a misplaced quote
    while True:
        misquoted = False
        try:
            record = next_record()
            # A record over several lines with text beyond the header's columns: a quote swallowed lines.
            misquoted = base + rows.line_num > start and any(c.strip() for c in record[len(header):])
        except StopIteration:
            break
        except csv.Error as e:
            # A quote out of place inside a cell that runs over several lines: the cell read leniently,
            # as one, rather than its later lines taken for rows. Else (a swallow, a quote never closed,
            # a one-line record) the record's line as written.
            whole = None if "unexpected end of data" in str(e) else lines.lenient_record(start, len(header))
            if whole is None:
                misquoted = True
            else:
                record, end = whole
                base, rows = end, lines.reader(end)
                loose.append(f"line {start}")
        n_records += 1
        if misquoted:  # read the record's first line as written, then go on from the line after it
            record = lines.as_written(start)
            base, rows = start, lines.reader(start)
            literal.append(f"line {start}")
        if any(c.strip() for c in record[len(header):]):
            problem = (f"{len(record)} cells where the header has {len(header)}: is a {delimiter!r} in the "
                       "text not inside quotes? Quote the cell")
            yield Entry(text=None, source=source, locator=f"line {start}", error=f"{source} line {start}: {problem}")
            continue
        if not any(c.strip() for c in record):
            n_empty += 1  # a spreadsheet's empty row (",,,"): no entry
            continue
        # Missing trailing cells are None.
        fields = {name: record[i] if i < len(record) else None for name, i in columns.items()}
        yield _bad_byte(_make_entry(fields, source, f"line {start}", opts, dates), path, opts)
    dates.warn()
    if literal:
        n = len(literal)
        warnings.warn(f"{source}: {n} record{'s' if n != 1 else ''} with a misplaced or unclosed quote "
                      f"{'was' if n == 1 else 'were'} read from its line as written, a quote in it kept as a character "
                      f"(first at {literal[0]})",
                      InputWarning, stacklevel=2)
    if loose:
        n = len(loose)
        warnings.warn(f"{source}: {n} cell{'s' if n != 1 else ''} running over several lines with a quote out of "
                      f"place {'was' if n == 1 else 'were'} read as one cell; a quote next to the misplaced one may be "
                      f"dropped (first at {loose[0]})", InputWarning, stacklevel=2)
    if n_empty:
        warnings.warn(f"{source}: skipped {n_empty} empty row{'s' if n_empty != 1 else ''} (every cell empty)",
                      InputWarning, stacklevel=2)
    if n_records == n_empty:  # a header and nothing else: still a row, so the file is not lost
        yield Entry(text=None, source=source, locator="file", error=f"{source}: no entries (only a header)")


class _Lines:
    """A text's physical lines, as the csv module counts them, for restarting a reader at any line
    without copying or rescanning the text (a file with many misquoted rows restarts many times)."""

    def __init__(self, text: str, delimiter: str) -> None:
        self.text = text
        self.delimiter = delimiter
        self.starts = _line_starts(text)
        self.buffer = io.StringIO(text, newline="")
        # A fully quoted export (a header of quoted cells): its lines read as written lose the outer quotes.
        first = self.line(1) if text else ""
        self.quoted = bool(first) and all(_quoted_whole(c) for c in first.split(delimiter))

    def reader(self, after_line: int, strict: bool = True) -> Any:
        """A csv reader from the line after ``after_line`` (0: from the start)."""
        self.buffer.seek(self.starts[min(after_line, len(self.starts) - 1)])
        return csv.reader(self.buffer, delimiter=self.delimiter, strict=strict)

    def line(self, number: int) -> str:
        """Physical line ``number`` (1-based) without its line break."""
        start = self.starts[min(number - 1, len(self.starts) - 1)]
        m = _LINE_END.search(self.text, start)
        return self.text[start:m.start() if m else len(self.text)]

    def as_written(self, number: int) -> list[str]:
        """The cells of one line with quotes as ordinary characters (in a fully quoted export, without
        the quotes around each whole cell)."""
        cells = self.line(number).split(self.delimiter)
        if self.quoted and all(_quoted_whole(c) for c in cells if c):
            return [c[1:-1].replace('""', '"') if c else c for c in cells]
        return cells

    def lenient_record(self, number: int, n_columns: int) -> tuple[list[str], int] | None:
        """The record starting at line ``number`` read leniently, and its last line, when it runs over
        several lines and has no text beyond the header's columns; else None."""
        rows = self.reader(number - 1, strict=False)
        try:
            with _no_field_limit():
                record = next(rows, None)
        except csv.Error:
            return None
        end = number - 1 + rows.line_num
        if record is None or end <= number or any(c.strip() for c in record[n_columns:]):
            return None
        return record, end


def _quoted_whole(cell: str) -> bool:
    return len(cell) >= 2 and cell[0] == cell[-1] == '"'


def _parse_line(line: str, delimiter: str) -> list[str]:
    with _no_field_limit():
        return next(csv.reader([line], delimiter=delimiter), [])


def _sniff(first: str, spec: str) -> str:
    """The delimiter of a file whose first line is ``first``: comma, unless a semicolon (European
    Excel), tab or pipe finds an earlier of the text column's names (``--text-column``) in it."""
    names = column_names(spec)
    best: tuple[int, str] | None = None
    for d in ",;\t|":
        cells = [c.strip().casefold() for c in _parse_line(first, d)]
        rank = next((i for i, name in enumerate(names) if name.casefold() in cells), None)
        if rank is not None and (best is None or rank < best[0]):
            best = (rank, d)
    return best[1] if best else ","


def _csv_problem(e: csv.Error) -> str:
    """The csv module's message, said in a spreadsheet user's words."""
    msg = str(e)
    if "unexpected end of data" in msg:
        return "a quoted cell opened here is never closed"
    if "expected after" in msg:
        return "a closing quote is followed by more text in the same cell"
    return msg


_MONTHS = {m.lower(): i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"], 1)}
_MONTHS.update({k[:3]: v for k, v in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_END = r"(?![^\W_])"  # the date ends: no letter or digit follows (an underscore may: "__2024-03-02__")
_HEADING_PATTERNS = [
    ("iso", re.compile(_WEEKDAY + r"(\d{4})[-_/.](\d{1,2})[-_/.](\d{1,2})(?:" + _END + r"|(?=T\d))", re.I)),
    ("mdy", re.compile(_WEEKDAY + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _END, re.I)),
    ("dmy", re.compile(_WEEKDAY + r"(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(\d{4})" + _END, re.I)),
    ("num", re.compile(_WEEKDAY + r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})" + _END, re.I)),
    ("dot", re.compile(_WEEKDAY + r"(\d{1,2})\.(\d{1,2})\.(\d{4})" + _END, re.I)),  # 04.03.2024: always day first
]
# A Markdown heading ("## ...") that starts with a date is a heading whatever its length.
_MD_HEADING = re.compile(r"\s*#+[ \t]+")
# Other lines may start with emphasis, a wiki link or jrnl's "[2024-03-02 09:00]".
_WEAK_PREFIX = re.compile(r"\s*(?:#{1,6}[ \t]*|\*\*|__|\*(?=\w)|_(?=\w)|=+[ \t]*|\[\[|(?P<bracket>\[))?[ \t]*")
_TIME = re.compile(r"(?:[ \t]*(?:T(?=\d)|at[ \t]+|,[ \t]*)?\d{1,2}:\d{2}(?::\d{2})?(?:[ \t]*[ap]\.?m\b\.?)?)?", re.I)
_CLOSE_BRACKET = re.compile(r"[ \t]*\]")
_TITLE_SEPARATORS = set("*_#=])}:;,.|-\u2013\u2014")
_MD_TITLE = re.compile(r"#+[ \t]+[^\r\n]*")
# Lines that are not Markdown headings must be short to count as date headings,
# so that a body sentence starting with a date does not split an entry.
_MAX_HEADING_CHARS = 60
_MAX_TITLE_WORDS = 6


def _heading_date(kind: str, m: re.Match[str], dayfirst: bool) -> str | None:
    try:
        if kind == "iso":
            y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        elif kind == "mdy":
            mo, d, y = _MONTHS[_month(m.group(1))], int(m.group(2)), int(m.group(3))
        elif kind == "dmy":
            d, mo, y = int(m.group(1)), _MONTHS[_month(m.group(2))], int(m.group(3))
        elif kind == "dot":
            d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        else:
            a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
            y = y + 2000 if y < 100 else y
            mo, d = (b, a) if dayfirst else (a, b)
        return dt.date(y, mo, d).isoformat()
    except (ValueError, KeyError):
        return None


def _parse_heading(line: str, dayfirst: bool = False,
                   not_dates: list[str] | None = None) -> tuple[str, int | None] | None:
    """``(ISO date, index of the title in line or None)`` for a date-heading line, else None.

    The title is what the writer put after the date, a time and separators
    (``2024-03-02 09:00 Lunch with Sam`` -> ``Lunch with Sam``); it is entry text,
    not markup, so the caller keeps it. A short line or Markdown heading that is
    written like a date but is none (``## 13/04/2024`` read month first,
    ``2024-02-30``) is appended to ``not_dates``.
    """
    prefix = _MD_HEADING.match(line)
    strong = prefix is not None
    bracket = False
    if prefix is None:
        prefix = _WEAK_PREFIX.match(line)
        bracket = prefix is not None and prefix.group("bracket") is not None
    pos = prefix.end() if prefix else 0
    for kind, pat in _HEADING_PATTERNS:
        m = pat.match(line, pos)
        if m:
            break
    else:
        return None
    date = _heading_date(kind, m, dayfirst)
    if date is None:
        heading_like = strong or (len(line[pos:].strip()) <= _MAX_HEADING_CHARS
                                  and len(line[m.end():].split()) <= _MAX_TITLE_WORDS)
        if not_dates is not None and heading_like:
            not_dates.append(m.group().strip())
        return None
    time = _TIME.match(line, m.end())  # optional: matches the empty string at worst
    end = time.end() if time else m.end()
    if bracket:
        close = _CLOSE_BRACKET.match(line, end)
        if close:  # jrnl's plain-text export: "[2024-03-02 09:00] Title"
            strong, end = True, close.end()
    while end < len(line) and (line[end].isspace() or line[end] in _TITLE_SEPARATORS):
        end += 1
    title = line[end:].rstrip()
    if not strong and (len(line[pos:].strip()) > _MAX_HEADING_CHARS or len(title.split()) > _MAX_TITLE_WORDS):
        return None
    return date, (end if title else None)


def parse_heading_date(line: str, dayfirst: bool = False) -> str | None:
    """The ISO date of a date-heading line (``## March 2, 2024``, ``2024-03-02``, ``3/4/24``), else None.

    A heading is a line that starts with a date: a Markdown heading of any
    length, or a short plain line; prose that merely mentions a date, or a long
    sentence that starts with one, is not a heading.
    """
    heading = _parse_heading(line.rstrip("\r\n"), dayfirst)
    return heading[0] if heading else None


def _month(token: str) -> str:
    t = token.lower().rstrip(".")
    if t in _MONTHS:
        return t
    return t[:3]


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Slice bounds without surrounding whitespace: trimming by bounds keeps offsets valid."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_FRONT_MATTER = re.compile(r"(?:\ufeff)?---[ \t]*\r?\n(?:.*?\r?\n)??---[ \t]*(?:\r?\n|$)", re.S)


_YAML_LINE = re.compile(r"[ \t]+\S|[ \t]*- |[\w-]+:(?:[ \t]|$)")


def _front_matter_end(text: str) -> int:
    """Where the text starts after YAML front matter (``---`` … ``---`` at the top, as Obsidian and
    Jekyll write note metadata: tags, aliases), or 0. Metadata is not the writer's words."""
    m = _FRONT_MATTER.match(text[:8192])
    if not m:
        return 0
    # Only YAML keys and their values, so that prose between two horizontal rules is never taken.
    body = m.group().splitlines()[1:-1]
    yaml_like = all(not line.strip() or _YAML_LINE.match(line) for line in body)
    return m.end() if yaml_like else 0


def read_text_journal(path: Path, opts: ReadOptions) -> Iterator[Entry]:
    """Split a text/Markdown journal at date headings; text before the first is its own entry.

    Each entry's text is an exact slice of the file's decoded text (from the
    heading's title, or the line after the heading, to the next heading, without
    surrounding whitespace) so that offsets into it map back to the file;
    ``extra["offset"]`` is where it starts. A preamble that is only a Markdown
    title (``# Journal``) above dated entries is the document's title, not an
    entry, and is left out.
    """
    text, err = _read_text(path, opts, lenient=True)
    if text is None:
        yield Entry(text=None, source=str(path), locator="file", error=err)
        return
    line_starts: list[int] = []

    def line_of(offset: int) -> int:
        """The 1-based line of a character offset (line starts found once, when a bad byte first needs them)."""
        if not line_starts:
            line_starts.extend(_line_starts(text))
        return bisect.bisect_right(line_starts, offset)

    sections: list[tuple[str | None, int, int, int]] = []  # date, heading line, start, end
    not_dates: list[str] = []  # heading-like lines whose date is none (no values are ever shown)
    bad_lines: list[int] = []
    date: str | None = None
    heading_line, start = 1, _front_matter_end(text)
    for lineno, m in enumerate(_LINE.finditer(text), 1):
        if m.start() < start:  # inside the front matter
            continue
        if m.start() == m.end():
            break
        heading = _parse_heading(m.group().rstrip("\r\n"), opts.dayfirst, not_dates)
        if heading is None:
            if len(not_dates) > len(bad_lines):
                bad_lines.append(lineno)
            continue
        sections.append((date, heading_line, start, m.start()))
        date, title = heading
        heading_line, start = lineno, (m.start() + title if title is not None else m.end())
    sections.append((date, heading_line, start, len(text)))
    if bad_lines:
        n = len(bad_lines)
        looks = (_DAY_FIRST_LOOK.match(d) for d in not_dates)
        day_first = (" (day first? rerun with --dayfirst)"
                     if not opts.dayfirst and any(m and int(m.group(1)) > 12 for m in looks) else "")
        warnings.warn(f"{path}: {n} line{'s' if n != 1 else ''} written like a date heading but not a valid date "
                      f"(first at line {bad_lines[0]}){day_first}: each stays in the entry before it",
                      InputWarning, stacklevel=2)
    bounds = [_trim(text, s, e) for _, _, s, e in sections]
    if len(sections) > 1 and any(s < e for s, e in bounds[1:]):
        s, e = bounds[0]
        if _MD_TITLE.fullmatch(text, s, e):
            bounds[0] = (s, s)
    index = 0
    for (date, line, _, _), (s, e) in zip(sections, bounds):
        if s == e:
            continue
        index += 1
        entry = Entry(text=text[s:e], date=date, source=str(path), locator=f"line {line}",
                      id=f"{path.stem}#{index}", extra={"offset": s})
        yield _bad_byte(entry, path, opts, lambda i, s=s: f"line {line_of(s + i)}")
    if index == 0:  # only headings, a title or front matter: still a row, so the file is not lost
        yield Entry(text=None, source=str(path), locator="file",
                    error=f"{path}: no entry text (only date headings, a title or front matter)")


_NAME_DATE = re.compile(r"(\d{4})[-_.](\d{2})[-_.](\d{2})")


def _name_date(path: Path, whole: bool = False) -> str | None:
    """The date a daily note's file name carries (``2024-03-02.md``, Logseq's ``2024_03_02.md``), else None.

    ``whole``: only when the name is nothing but the date, as daily-note apps name them; an
    export such as ``journal-2024-03-04.md`` is a whole journal, not a note.
    """
    m = _NAME_DATE.fullmatch(path.stem) if whole else _NAME_DATE.search(path.stem)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def _walk(root: Path, exclude: Collection[str | os.PathLike[str]] = ()) -> tuple[list[Path], list[Entry]]:
    """Every file under ``root`` in a deterministic order, and an error entry per unreadable folder.

    Hidden files and folders (``.obsidian/``, ``.trash/``, ``.git/``) are an
    app's settings or deleted notes, not the journal, and are not read; nor
    is anything in ``exclude`` (a run's own output, written into the folder).
    """
    excluded = {os.path.realpath(p) for p in exclude}
    files: list[Path] = []
    problems: list[Entry] = []

    def onerror(e: OSError) -> None:
        problems.append(Entry(text=None, source=str(e.filename), locator="folder",
                              error=f"{e.filename}: cannot read folder ({e.strerror})"))

    seen: set[str] = set()  # real paths of the folders walked: a link back up is not followed twice
    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen:
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames[:] = [d for d in dirnames
                       if not d.startswith(".") and os.path.realpath(os.path.join(dirpath, d)) not in excluded
                       and not _is_run_folder(Path(dirpath, d))]
        files.extend(Path(dirpath, f) for f in filenames
                     if not f.startswith(".") and os.path.realpath(os.path.join(dirpath, f)) not in excluded)
    files.sort(key=lambda f: f.relative_to(root).parts)
    return files, problems


def scan_folder(path: str | Path) -> tuple[list[Path], list[Path]]:
    """The files of a folder input that are read, and those skipped as of no journal format.

    Decided by file name alone, before anything is read, so a caller can list
    the skipped files (attachments, PDFs, app files) up front.
    """
    files, _ = _walk(Path(path))
    return ([f for f in files if f.suffix.lower() in JOURNAL_SUFFIXES],
            [f for f in files if f.suffix.lower() not in JOURNAL_SUFFIXES])


def _report_skipped(root: Path, files: list[Path], why: str, skipped: list[Path] | None) -> None:
    """Make skipped files visible: one warning per folder counting them by extension (names only, no contents)."""
    if skipped is not None:
        skipped.extend(files)
    if not files:
        return
    by_ext = Counter(f.suffix.lower() or "no extension" for f in files)
    kinds = ", ".join(f"{n} {ext}" for ext, n in sorted(by_ext.items(), key=lambda kv: (-kv[1], kv[0])))
    warnings.warn(f"{root}: skipped {len(files)} file{'s' if len(files) != 1 else ''} {why} ({kinds})",
                  SkippedFilesWarning, stacklevel=3)


def _daily_note(f: Path, root: Path, opts: ReadOptions) -> Entry:
    """A whole note as one entry dated by its file name; the text is the file's, unstripped, so offsets index it."""
    date = _name_date(f)
    try:
        text, err = _read_text(f, opts)
    except OSError as e:
        text, err = None, f"{f}: cannot read ({e.strerror})"
    if text is None:  # err says why
        return Entry(text=None, date=date, source=str(f), locator="file", error=err)
    start = _front_matter_end(text)
    return Entry(text=text[start:], id=str(f.relative_to(root)), date=date, source=str(f), locator="file",
                 extra={"offset": start})


def read_folder(path: Path, opts: ReadOptions, skipped: list[Path] | None = None,
                exclude: Collection[str | os.PathLike[str]] = ()) -> Iterator[Entry]:
    """Daily notes (``--format folder``): every .md/.txt file under ``path`` is one entry dated by its name.

    Other files are skipped with a :class:`SkippedFilesWarning` (and added to
    ``skipped``); auto-detection reads a folder with :func:`read_directory` instead.
    """
    files, problems = _walk(path, exclude)
    yield from problems
    notes = [f for f in files if f.suffix.lower() in TEXT_SUFFIXES]
    _report_skipped(path, [f for f in files if f.suffix.lower() not in TEXT_SUFFIXES],
                    "that are not .md or .txt notes", skipped)
    if not notes:
        yield Entry(text=None, source=str(path), locator="folder",
                    error=f"{path}: no .md or .txt files found")
        return
    for f in notes:
        yield _daily_note(f, path, opts)


def read_directory(path: Path, opts: ReadOptions, skipped: list[Path] | None = None, fmt: str = "auto",
                   exclude: Collection[str | os.PathLike[str]] = ()) -> Iterator[Entry]:
    """Every journal file under ``path``, recursively in path order, each read by its own format.

    A folder holds whatever people keep: daily notes, exports, whole journals.
    A .md/.txt whose name carries a date is a daily note (one entry dated by
    the name); one without is a journal split at its date headings; anything
    else is read as if given directly. A file format (``fmt``: ``tsv``, ...)
    reads every journal file in the folder that way instead. Files of no
    journal format are skipped with a :class:`SkippedFilesWarning` (and added
    to ``skipped``), not made error rows: vaults are full of attachments.
    """
    files, problems = _walk(path, exclude)
    yield from problems
    journals = [f for f in files if f.suffix.lower() in JOURNAL_SUFFIXES]
    others = [f for f in files if f.suffix.lower() not in JOURNAL_SUFFIXES]
    _report_skipped(path, others, "of no journal format", skipped)
    ours = [f for f in journals if is_output_table(f)]
    journals = [f for f in journals if f not in ours]
    _report_skipped(path, ours, "written by breakthrough-nlp as output", skipped)
    if not journals:
        note = f" ({len(others)} other files skipped)" if others else ""
        yield Entry(text=None, source=str(path), locator="folder", error=f"{path}: no journal files found{note}")
        return
    for f in journals:
        if fmt == "auto" and f.suffix.lower() in TEXT_SUFFIXES and _name_date(f, whole=True):
            yield _daily_note(f, path, opts)
            continue
        if fmt == "auto" and f.suffix.lower() in TEXT_SUFFIXES and _NAME_DATE.fullmatch(f.stem):
            warnings.warn(f"{f}: named like a daily note, but {f.stem} is not a date; read as a journal "
                          "split at its date headings", InputWarning, stacklevel=2)
        yield from _read_file(f, fmt, opts)


_OUTPUT_MARKS = {"entry_index", "status", "n_realizations", "p_feelings"}


def _is_run_folder(path: Path) -> bool:
    """An interrupted annotate run's ``OUT.partial/`` folder (its settings and chunks are not journals)."""
    return path.name.endswith(".partial") and (path / "settings.json").is_file()


def is_output_table(path: Path) -> bool:
    """Whether a .csv/.jsonl is a table this library wrote (an earlier run's output left in the folder)."""
    if path.suffix.lower() not in (".csv", ".jsonl", ".ndjson"):
        return False
    try:
        with path.open("rb") as fh:  # the whole first line: an output row holding an entry's text can be long
            first = fh.readline(1 << 26).decode("utf-8", errors="replace").lstrip("\ufeff").strip()
    except OSError:
        return False
    if path.suffix.lower() == ".csv":
        return _OUTPUT_MARKS <= set(first.split(","))
    try:
        obj = json.loads(first)
    except ValueError:
        return False
    return isinstance(obj, dict) and _OUTPUT_MARKS <= set(obj)


def read_jrnl(path: Path, opts: ReadOptions, obj: Any = None) -> Iterator[Entry]:
    """jrnl's ``--export json``: ``{"tags": {...}, "entries": [{"date", "time", "title", "body", ...}]}``.

    The entry text is the title and the body joined by a line break, as jrnl
    shows it.
    """
    if obj is None:
        obj, err = _load_json(path, opts)
        if err:
            yield Entry(text=None, source=str(path), locator="file", error=err)
            return
    entries = obj.get("entries") if isinstance(obj, dict) else None
    if not isinstance(entries, list):
        yield Entry(text=None, source=str(path), locator="file", error=f"{path}: no 'entries' list (not a jrnl export)")
        return
    for i, e in enumerate(entries):
        loc = f"entries[{i}]"
        if not isinstance(e, dict):
            yield Entry(text=None, source=str(path), locator=loc, error=f"{path} {loc}: not an object")
            continue
        title, body = e.get("title"), e.get("body")
        if not isinstance(title, str) and not isinstance(body, str):
            yield Entry(text=None, source=str(path), locator=loc, error=f"{path} {loc}: no title or body")
            continue
        text = "\n".join(p for p in (title, body) if isinstance(p, str) and p.strip()).strip()
        yield Entry(text=text, id=f"{i}", date=_str_or_none(e.get("date")), source=str(path), locator=loc,
                    extra={"time": e.get("time"), "tags": e.get("tags")})


def _dayone_entries(obj: Any, source: str) -> Iterator[Entry]:
    entries = obj.get("entries") if isinstance(obj, dict) else None
    if not isinstance(entries, list):
        yield Entry(text=None, source=source, locator="file", error=f"{source}: no 'entries' list (not a Day One export)")
        return
    for i, e in enumerate(entries):
        loc = f"entries[{i}]"
        if not isinstance(e, dict):
            yield Entry(text=None, source=source, locator=loc, error=f"{source} {loc}: not an object")
            continue
        text = e.get("text")
        date = _dayone_local_date(e.get("creationDate"), e.get("timeZone"))
        if not isinstance(text, str):
            yield Entry(text=None, id=e.get("uuid"), date=date, source=source, locator=loc,
                        error=f"{source} {loc}: no 'text' field")
            continue
        yield Entry(text=text, id=e.get("uuid"), date=date, source=source, locator=loc,
                    extra={"timeZone": e.get("timeZone"), "tags": e.get("tags")})


def _dayone_local_date(created: Any, tz: Any) -> str | None:
    """Day One stores UTC (``2017-12-25T03:04:32Z``) and the writer's time zone; use the local day."""
    if not isinstance(created, str):
        return None
    try:
        stamp = dt.datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        return created[:10] or None
    if isinstance(tz, str) and stamp.tzinfo is not None:
        try:
            from zoneinfo import ZoneInfo

            stamp = stamp.astimezone(ZoneInfo(tz))
        except (KeyError, ValueError, OSError, ImportError):
            pass
    return stamp.date().isoformat()


def read_dayone(path: Path, opts: ReadOptions) -> Iterator[Entry]:
    """Day One's JSON export: the ``.zip`` (every ``*.json`` journal inside) or one ``Journal.json``."""
    if path.suffix.lower() == ".zip":
        try:
            zf = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            yield Entry(text=None, source=str(path), locator="file", error=f"{path}: not a valid zip file")
            return
        with zf:
            names = sorted(n for n in zf.namelist() if n.lower().endswith(".json") and not n.startswith("__MACOSX"))
            if not names:
                yield Entry(text=None, source=str(path), locator="file", error=f"{path}: no journal .json inside")
                return
            for name in names:
                source = f"{path}!{name}"
                text, err = _decode(zf.read(name), source, opts)
                if text is None:
                    yield Entry(text=None, source=source, locator="file", error=err)
                    continue
                try:
                    obj = json.loads(text)
                except json.JSONDecodeError as e:
                    yield Entry(text=None, source=source, locator="file",
                                error=f"{source}: {_json_problem(e)}")
                    continue
                yield from _dayone_entries(obj, source)
        return
    obj, err = _load_json(path, opts)
    if err:
        yield Entry(text=None, source=str(path), locator="file", error=err)
        return
    yield from _dayone_entries(obj, str(path))


def _load_json(path: Path, opts: ReadOptions) -> tuple[Any, str | None]:
    text, err = _read_text(path, opts)
    if text is None:
        return None, err
    try:
        return json.loads(text), None
    except json.JSONDecodeError as e:
        return None, f"{path}: {_json_problem(e)}"


def _first_line_is_object(data: bytes) -> bool:
    """Whether the first non-empty line parses on its own as a JSON object: the mark of JSON Lines."""
    start = re.match(rb"(?:\xef\xbb\xbf)?\s*", data).end()  # type: ignore[union-attr]
    end = data.find(b"\n", start)
    line = data[start:] if end < 0 else data[start:end]
    try:
        return isinstance(json.loads(line.decode("utf-8", errors="replace")), dict)
    except ValueError:
        return False


def _detect_json(path: Path, opts: ReadOptions) -> str:
    """A ``.json`` file: jrnl or Day One export by its structure, or JSON Lines saved as ``.json``.

    A document that does not parse (a half-written ``Journal.json``) is one
    error for the file, not one per line as JSON Lines would make it.
    """
    data = path.read_bytes()
    if _file_problem(path, data):
        return "jsonl"  # the reader reports the empty or binary file
    text, err = _decode(data, str(path), opts)
    if text is None:
        if _first_line_is_object(data):
            return "jsonl"
        raise ValueError(err)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        if _first_line_is_object(data):
            return "jsonl"
        raise ValueError(f"{path}: {_json_problem(e)}") from None
    entries = obj.get("entries") if isinstance(obj, dict) else None
    if isinstance(entries, list) and entries and isinstance(entries[0], dict):
        if "creationDate" in entries[0] or "uuid" in entries[0]:
            return "dayone"
        if "body" in entries[0] or "title" in entries[0]:
            return "jrnl"
    if isinstance(obj, dict) and "metadata" in obj:
        return "dayone"
    if isinstance(obj, dict) and "tags" in obj:
        return "jrnl"
    if _first_line_is_object(data):
        return "jsonl"  # one object on one line: a one-entry JSON Lines file
    raise ValueError(f"{path}: a JSON {type(obj).__name__} that is neither a jrnl nor a Day One export; "
                     "convert it to JSON Lines (one entry object per line)")


def _tab_table(path: Path, opts: ReadOptions) -> bool:
    """Whether a .txt is a spreadsheet saved as tab-separated text (Excel's "Text (Tab delimited)" and
    "Unicode Text"): its first line is tab-separated cells, one of them the text column."""
    with path.open("rb") as fh:
        head = fh.read(65536)
    encoding = _encoding_of(head, opts)
    first = head.decode(encoding, errors="replace").lstrip("\ufeff\r\n").split("\n", 1)[0].rstrip("\r")
    return "\t" in first and bool(_pick(first.split("\t"), opts.text_column))


def detect_format(path: Path, opts: ReadOptions | None = None) -> str:
    """Guess a file's format from its name and, for ``.json``, its structure.

    Raises ValueError, with the reason, when a file is of no journal format or
    is a ``.json`` document that cannot be read at all.
    """
    if path.is_dir():
        return "directory"
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    if suffix in (".tsv", ".tab"):
        return "tsv"
    if suffix == ".zip":
        return "dayone"
    if suffix == ".json":
        return _detect_json(path, opts or ReadOptions())
    if suffix in TEXT_SUFFIXES or not suffix:
        return "tsv" if suffix in (".txt", "") and _tab_table(path, opts or ReadOptions()) else "text"
    raise ValueError(f"{path}: cannot tell the format from the extension {suffix!r}; pass --format")


def _read_file(path: Path, fmt: str, opts: ReadOptions) -> Iterator[Entry]:
    """The entries of one file in format ``fmt`` (``auto``: detected), a row for any problem."""
    try:
        if fmt == "auto":
            try:
                fmt = detect_format(path, opts)
            except ValueError as e:
                yield Entry(text=None, source=str(path), locator="file", error=str(e))
                return
        if fmt == "jsonl":
            yield from read_jsonl(path, opts)
        elif fmt == "csv":
            yield from read_csv(path, opts, ",")
        elif fmt == "tsv":
            yield from read_csv(path, opts, "\t")
        elif fmt == "text":
            yield from read_text_journal(path, opts)
        elif fmt == "jrnl":
            yield from read_jrnl(path, opts)
        elif fmt == "dayone":
            yield from read_dayone(path, opts)
    except OSError as e:
        yield Entry(text=None, source=str(path), locator="file", error=f"{path}: cannot read ({e.strerror})")


def read_entries(path: str | os.PathLike[str], fmt: str = "auto", opts: ReadOptions | None = None,
                 skipped: list[Path] | None = None,
                 exclude: Collection[str | os.PathLike[str]] = ()) -> Iterator[Entry]:
    """All entries of one input (file or folder), in order.

    A folder is walked and each file read by its own format, or every one by
    ``fmt`` when it names a file format (``--format folder`` instead reads it
    as daily notes). Files of no journal format in a folder are not rows; they
    are warned about (:class:`SkippedFilesWarning`) and, if ``skipped`` is
    given, appended to it. Paths in ``exclude`` are not read.
    """
    path = Path(path)
    opts = opts or ReadOptions()
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if not path.exists():
        yield Entry(text=None, source=str(path), locator="file", error=f"{path}: no such file or folder")
        return
    if fmt in ("folder", "directory") and not path.is_dir():
        yield Entry(text=None, source=str(path), locator="file",
                    error=f"{path}: --format {fmt} reads a folder, and this is a file")
        return
    try:
        if fmt == "folder":
            yield from read_folder(path, opts, skipped, exclude)
        elif fmt == "directory" or path.is_dir():
            yield from read_directory(path, opts, skipped, "auto" if fmt == "directory" else fmt, exclude)
        else:
            yield from _read_file(path, fmt, opts)
    except OSError as e:
        yield Entry(text=None, source=str(path), locator="file", error=f"{path}: cannot read ({e.strerror})")
