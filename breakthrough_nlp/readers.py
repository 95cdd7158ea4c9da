"""Read journals as people keep them, one :class:`Entry` per journal entry.

Every reader is a generator of entries that remember where they came from
(``source`` file and ``locator``: a line, a row or an index). A problem with one
entry (malformed JSON, a missing text field, invalid UTF-8) becomes an entry with
``error`` set, so the batch run writes a row for it and goes on; a problem with
a whole file (empty, binary, unreadable) becomes one such entry for the file.

Formats: JSON Lines, CSV/TSV, plain-text or Markdown journals split at date
headings, folders of daily notes named by date (Obsidian, Logseq), the jrnl
JSON export, and the Day One JSON export (``.zip`` or ``Journal.json``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMATS = ("auto", "jsonl", "csv", "tsv", "text", "folder", "jrnl", "dayone")
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".org"}


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


@dataclass
class ReadOptions:
    text_column: str = "text"
    id_column: str = "id"
    date_column: str = "date"
    author_column: str = "author"
    dayfirst: bool = False
    encoding_errors: str = "strict"  # or "replace"


# ----------------------------------------------------------------- decoding
def _decode(data: bytes, source: str, opts: ReadOptions, where: str = "") -> tuple[str | None, str | None]:
    """Decode UTF-8 (dropping a BOM); on failure return an error naming the byte offset."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as e:
        if opts.encoding_errors == "replace":
            return data.decode("utf-8", errors="replace"), None
        loc = f" {where}" if where else ""
        return None, (f"invalid UTF-8 in {source}{loc} at byte offset {e.start} "
                      "(use --encoding-errors replace to decode with U+FFFD)")


def _file_problem(path: Path, data: bytes) -> str | None:
    if not data.strip():
        return f"{path}: empty file"
    if b"\x00" in data[:8192]:
        return f"{path}: binary file (contains NUL bytes), not a journal"
    return None


def _read_text(path: Path, opts: ReadOptions) -> tuple[str | None, str | None]:
    """A whole file's text, or the reason it has none (empty, binary, invalid UTF-8)."""
    data = path.read_bytes()
    problem = _file_problem(path, data)
    if problem:
        return None, problem
    return _decode(data, str(path), opts)


def _str_or_none(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from CSV/pandas
        return None
    return str(value)


def _entry_from_mapping(obj: dict[str, Any], source: str, locator: str, opts: ReadOptions) -> Entry:
    text = obj.get(opts.text_column)
    entry = Entry(
        text=text if isinstance(text, str) else None,
        id=_str_or_none(obj.get(opts.id_column)),
        date=_str_or_none(obj.get(opts.date_column)),
        author=_str_or_none(obj.get(opts.author_column)),
        source=source,
        locator=locator,
    )
    if text is None:
        entry.error = f"{source} {locator}: no '{opts.text_column}' field"
    elif not isinstance(text, str):
        entry.error = f"{source} {locator}: '{opts.text_column}' is {type(text).__name__}, not a string"
    return entry


# -------------------------------------------------------------------- readers
def read_jsonl(path: Path, opts: ReadOptions) -> Iterator[Entry]:
    data = path.read_bytes()
    problem = _file_problem(path, data)
    if problem:
        yield Entry(text=None, source=str(path), locator="file", error=problem)
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
        text, err = _decode(raw, str(path), opts, f"line {lineno}")
        if err:
            # Name the byte offset in the file, not only in the line.
            m = re.search(r"byte offset (\d+)", err)
            if m:
                err = err.replace(m.group(0), f"byte offset {line_offset + int(m.group(1))}")
            yield Entry(text=None, source=str(path), locator=f"line {lineno}", error=err)
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as e:
            yield Entry(text=None, source=str(path), locator=f"line {lineno}",
                        error=f"{path} line {lineno}: malformed JSON ({e.msg} at column {e.colno})")
            continue
        if not isinstance(obj, dict):
            yield Entry(text=None, source=str(path), locator=f"line {lineno}",
                        error=f"{path} line {lineno}: expected a JSON object, got {type(obj).__name__}")
            continue
        yield _entry_from_mapping(obj, str(path), f"line {lineno}", opts)


def read_csv(path: Path, opts: ReadOptions, delimiter: str = ",") -> Iterator[Entry]:
    text, err = _read_text(path, opts)
    if err:
        yield Entry(text=None, source=str(path), locator="file", error=err)
        return
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    if reader.fieldnames is None or opts.text_column not in reader.fieldnames:
        yield Entry(text=None, source=str(path), locator="header",
                    error=f"{path}: no '{opts.text_column}' column (columns: {reader.fieldnames}); "
                          "name it with --text-column")
        return
    row_no = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            yield Entry(text=None, source=str(path), locator=f"line {reader.line_num}",
                        error=f"{path} line {reader.line_num}: {e}")
            break
        row_no += 1
        yield _entry_from_mapping(row, str(path), f"line {reader.line_num}", opts)


_MONTHS = {m.lower(): i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"], 1)}
_MONTHS.update({k[:3]: v for k, v in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_HEADING_PATTERNS = [
    ("iso", re.compile(r"^" + _WEEKDAY + r"(\d{4})[-_/.](\d{1,2})[-_/.](\d{1,2})\b", re.I)),
    ("mdy", re.compile(r"^" + _WEEKDAY + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", re.I)),
    ("dmy", re.compile(r"^" + _WEEKDAY + r"(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(\d{4})\b", re.I)),
    ("num", re.compile(r"^" + _WEEKDAY + r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})\b", re.I)),
]
_HEADING_PREFIX = re.compile(r"^\s*(?:#{1,6}\s*|\*\*|__|=+\s*|\[\[)?")


def parse_heading_date(line: str, dayfirst: bool = False) -> str | None:
    """The ISO date of a date-heading line (``## March 2, 2024``, ``2024-03-02``, ``3/4/24``), else None.

    A heading is a short line that starts with a date; prose that merely
    mentions a date mid-sentence is not a heading.
    """
    stripped = _HEADING_PREFIX.sub("", line.strip()).strip()
    if not stripped or len(stripped) > 60:
        return None
    for kind, pat in _HEADING_PATTERNS:
        m = pat.match(stripped)
        if not m:
            continue
        rest = stripped[m.end():].strip(" *_:#]-–—")
        if len(rest.split()) > 6:
            return None
        try:
            if kind == "iso":
                y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
            elif kind == "mdy":
                mo, d, y = _MONTHS[_month(m.group(1))], int(m.group(2)), int(m.group(3))
            elif kind == "dmy":
                d, mo, y = int(m.group(1)), _MONTHS[_month(m.group(2))], int(m.group(3))
            else:
                a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
                y = y + 2000 if y < 100 else y
                mo, d = (b, a) if dayfirst else (a, b)
            return dt.date(y, mo, d).isoformat()
        except (ValueError, KeyError):
            return None
    return None


def _month(token: str) -> str:
    t = token.lower().rstrip(".")
    if t in _MONTHS:
        return t
    return t[:3]


def read_text_journal(path: Path, opts: ReadOptions) -> Iterator[Entry]:
    """Split a text/Markdown journal at date headings; text before the first is its own entry."""
    text, err = _read_text(path, opts)
    if err:
        yield Entry(text=None, source=str(path), locator="file", error=err)
        return
    lines = text.splitlines(keepends=True)
    current: list[str] = []
    current_date: str | None = None
    current_line = 1
    index = 0

    def emit() -> Iterator[Entry]:
        nonlocal index
        body = "".join(current).strip()
        if body:
            index += 1
            yield Entry(text=body, date=current_date, source=str(path), locator=f"line {current_line}",
                        id=f"{path.stem}#{index}")

    for lineno, line in enumerate(lines, 1):
        date = parse_heading_date(line, opts.dayfirst)
        if date is not None:
            yield from emit()
            current, current_date, current_line = [], date, lineno
        else:
            current.append(line)
    yield from emit()


_NAME_DATE = re.compile(r"(\d{4})[-_.](\d{2})[-_.](\d{2})")


def read_folder(path: Path, opts: ReadOptions) -> Iterator[Entry]:
    """Daily notes: every .md/.txt file under ``path``, dated by its file name, in path order."""
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
    if not files:
        yield Entry(text=None, source=str(path), locator="folder",
                    error=f"{path}: no .md or .txt files found")
        return
    for f in files:
        m = _NAME_DATE.search(f.stem)
        date = None
        if m:
            try:
                date = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
            except ValueError:
                date = None
        data = f.read_bytes()
        problem = _file_problem(f, data)
        if problem:
            yield Entry(text=None, date=date, source=str(f), locator="file", error=problem)
            continue
        text, err = _decode(data, str(f), opts)
        if err:
            yield Entry(text=None, date=date, source=str(f), locator="file", error=err)
            continue
        yield Entry(text=text.strip(), id=str(f.relative_to(path)), date=date, source=str(f), locator="file")


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
                if err:
                    yield Entry(text=None, source=source, locator="file", error=err)
                    continue
                try:
                    obj = json.loads(text)
                except json.JSONDecodeError as e:
                    yield Entry(text=None, source=source, locator="file",
                                error=f"{source}: malformed JSON ({e.msg} at line {e.lineno})")
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
    if err:
        return None, err
    try:
        return json.loads(text), None
    except json.JSONDecodeError as e:
        return None, f"{path}: malformed JSON ({e.msg} at line {e.lineno}, column {e.colno})"


def detect_format(path: Path) -> str:
    """Guess a file's format from its name and, for ``.json``, its structure."""
    if path.is_dir():
        return "folder"
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    if suffix == ".tsv":
        return "tsv"
    if suffix == ".zip":
        return "dayone"
    if suffix == ".json":
        try:
            head = path.read_bytes()
            obj = json.loads(head.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return "jsonl"
        entries = obj.get("entries") if isinstance(obj, dict) else None
        if isinstance(entries, list) and entries and isinstance(entries[0], dict):
            if "creationDate" in entries[0] or "uuid" in entries[0]:
                return "dayone"
            if "body" in entries[0] or "title" in entries[0]:
                return "jrnl"
        if isinstance(obj, dict) and "metadata" in obj:
            return "dayone"
        return "jrnl" if isinstance(obj, dict) and "tags" in obj else "jsonl"
    if suffix in TEXT_SUFFIXES or not suffix:
        return "text"
    raise ValueError(f"{path}: cannot tell the format from the extension {suffix!r}; pass --format")


def read_entries(path: str | Path, fmt: str = "auto", opts: ReadOptions | None = None) -> Iterator[Entry]:
    """All entries of one input (file or folder), in order."""
    path = Path(path)
    opts = opts or ReadOptions()
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if not path.exists():
        yield Entry(text=None, source=str(path), locator="file", error=f"{path}: no such file or folder")
        return
    if fmt == "auto":
        try:
            fmt = detect_format(path)
        except ValueError as e:
            yield Entry(text=None, source=str(path), locator="file", error=str(e))
            return
    try:
        if fmt == "jsonl":
            yield from read_jsonl(path, opts)
        elif fmt == "csv":
            yield from read_csv(path, opts, ",")
        elif fmt == "tsv":
            yield from read_csv(path, opts, "\t")
        elif fmt == "text":
            yield from read_text_journal(path, opts)
        elif fmt == "folder":
            yield from read_folder(path, opts)
        elif fmt == "jrnl":
            yield from read_jrnl(path, opts)
        elif fmt == "dayone":
            yield from read_dayone(path, opts)
    except OSError as e:
        yield Entry(text=None, source=str(path), locator="file", error=f"{path}: cannot read ({e.strerror})")
