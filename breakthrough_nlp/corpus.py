"""Read and validate corpora in the guide's JSON Lines format.

The validator reports every problem with its file and line, not only the first,
so a lab fixing its own labels sees the whole list at once.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from .labels import LABELS, SPAN_LABELS

SPLITS = ("train", "dev", "test")
CLOSING_PUNCT = ".,;:!?…"
DECOY_TYPES = ("trivial", "other_person", "negated", "hypothetical", "asked", "generic", "sarcasm",
               "quoted_advice", "mood_report", "goal_list", "doubted")
"""Kinds of hard negative (GUIDELINES.md, section 4)."""
FIELDS = ("id", "date", "author", "text", "labels", "spans", "decoys")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class Problem:
    """One problem in a corpus: file and line (for records given in memory, ``<what>`` and the
    0-based position), the message, and the entry's id when it has one."""

    file: str
    line: int
    message: str
    entry_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.file} item {self.line}" if self.file.startswith("<") else f"{self.file}:{self.line}"
        entry = f" (id {self.entry_id!r})" if self.entry_id else ""
        return f"{where}{entry}: {self.message}"


@dataclass
class Record:
    """One corpus entry: the guide's fields plus where it came from."""

    id: str
    text: str
    labels: list[str]
    spans: list[dict[str, Any]]
    date: str | None = None
    author: str | None = None
    decoys: list[dict[str, Any]] = field(default_factory=list)
    file: str = ""
    line: int = 0


class CorpusError(ValueError):
    """A corpus failed validation; ``.problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(str(p) for p in problems[:50])
        more = f"\n… and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the corpus:\n{shown}{more}")


def _check_entry(obj: Any, file: str, line: int, seen_ids: dict[str, str]) -> list[Problem]:
    p: list[Problem] = []

    eid = obj.get("id") if isinstance(obj, dict) else None

    def bad(msg: str) -> None:
        p.append(Problem(file, line, msg, eid if isinstance(eid, str) else None))

    if not isinstance(obj, dict):
        bad(f"expected a JSON object, got {type(obj).__name__}")
        return p
    if not isinstance(eid, str) or not eid:
        bad("missing or empty 'id'")
    elif eid in seen_ids:
        bad(f"duplicate id {eid!r} (first seen at {seen_ids[eid]})")
    else:
        seen_ids[eid] = f"{file}:{line}"
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        bad("missing or empty 'text'")
        text = ""
    date = obj.get("date")
    if date is not None:
        try:
            if not (isinstance(date, str) and _ISO_DATE.fullmatch(date)):
                raise ValueError
            dt.date.fromisoformat(date)
        except ValueError:
            bad(f"date {date!r} is not an ISO date (YYYY-MM-DD)")
    author = obj.get("author")
    if author is not None and not isinstance(author, str):
        bad(f"'author' must be a string or null, got {type(author).__name__}")
    _near_misses(obj, FIELDS, "", bad)
    for key in ("labels", "spans"):
        if key not in obj:  # a file keeping its gold under other names would evaluate as "nothing labelled"
            bad(f"no {key!r} field (an entry without any has \"{key}\": [])")
    labels = obj.get("labels", [])
    if not isinstance(labels, list):
        bad("'labels' must be a list")
        labels = []
    if not all(isinstance(lab, str) for lab in labels):
        bad("'labels' must be a list of strings")
        labels = [lab for lab in labels if isinstance(lab, str)]
    for lab in labels:
        if lab not in LABELS:
            bad(f"unknown label {lab!r} (known: {', '.join(LABELS)})")
    if len(set(labels)) != len(labels):
        bad("'labels' repeats a label")
    spans = _check_extents(obj, "spans", "span", text, bad)
    for k, s in spans:
        lab = s.get("label")
        if not isinstance(lab, str) or lab not in SPAN_LABELS:
            bad(f"span {k}: unknown span label {lab!r} (known: {', '.join(SPAN_LABELS)})")
        elif lab != "other" and lab not in labels:
            bad(f"span {k}: span label {lab!r} is not in the entry's labels {labels}")
    decoys = _check_extents(obj, "decoys", "decoy", text, bad)
    for k, d in decoys:
        kind = d.get("type")
        if not isinstance(kind, str) or kind not in DECOY_TYPES:
            bad(f"decoy {k}: unknown type {kind!r} (known: {', '.join(DECOY_TYPES)})")
    ordered = sorted(spans, key=lambda ks: ks[1]["start"])
    for (_, a), (_, b) in zip(ordered, ordered[1:]):
        if b["start"] < a["end"]:
            bad(f"overlapping spans {a['start']}-{a['end']} and {b['start']}-{b['end']}")
    for k, d in decoys:
        for _, s in spans:
            if min(d["end"], s["end"]) > max(d["start"], s["start"]):
                bad(f"decoy {k} ({d['start']}-{d['end']}) overlaps span {s['start']}-{s['end']}")
    return p


def _near_misses(obj: dict[str, Any], known: tuple[str, ...], where: str, bad: Callable[[str], None]) -> None:
    """Report keys that look like a misspelled known field (``lables``, ``typ``); other extra keys,
    such as a lab's own metadata, are allowed."""
    for key in obj:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
            if close:
                bad(f"{where}unknown field {key!r} (did you mean {close[0]!r}?)")


def _check_extents(obj: dict[str, Any], key: str, what: str, text: str,
                   bad: Callable[[str], None]) -> list[tuple[int, dict[str, Any]]]:
    """The well-formed items of ``obj[key]`` (spans or decoys), with their index; reports the rest."""
    items = obj.get(key, [])
    if items is None and key == "decoys":
        return []
    if not isinstance(items, list):
        bad(f"'{key}' must be a list")
        return []
    good = []
    fields = ("start", "end", "label" if what == "span" else "type")
    for k, s in enumerate(items):
        where = f"{what} {k}"
        if not isinstance(s, dict):
            bad(f"{where}: expected an object with {', '.join(fields[:2])} and {fields[2]}")
            continue
        _near_misses(s, fields, f"{where}: ", bad)
        start, end = s.get("start"), s.get("end")
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
            bad(f"{where}: start/end must be integers, got {start!r} and {end!r}")
            continue
        if end <= start:
            bad(f"{where}: end {end} is not after start {start}")
            continue
        if start < 0 or end > len(text):
            bad(f"{where}: offsets {start}-{end} outside the text (length {len(text)})")
            continue
        frag = text[start:end]
        if frag != frag.strip():
            bad(f"{where}: {what} has leading or trailing whitespace")
        for edge, inside in ((start, "starts"), (end, "ends")):
            if 0 < edge < len(text) and text[edge - 1].isalnum() and text[edge].isalnum():
                bad(f"{where}: {what} {inside} inside a word ({text[max(0, edge - 8):edge]!r}|"
                    f"{text[edge:edge + 8]!r}); are the offsets counted in characters?")
        good.append((k, s))
    return good


def as_records(items: Iterable[Record | dict[str, Any]], what: str = "records") -> list[Record]:
    """``items`` as :class:`Record` objects: records pass through, mappings in the guide's format are
    validated like a corpus file (a :class:`CorpusError` names each bad item by its position)."""
    out: list[Record] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for k, item in enumerate(items):
        if isinstance(item, Record):
            out.append(item)
            continue
        found = _check_entry(item, f"<{what}>", k, seen)
        if found:
            problems += found
            continue
        out.append(_record(item, f"<{what}>", k))
    if problems:
        raise CorpusError(problems)
    return out


def _record(obj: dict[str, Any], file: str, line: int) -> Record:
    return Record(
        id=obj["id"],
        text=obj["text"],
        labels=[lab for lab in LABELS if lab in obj.get("labels", [])],
        spans=sorted(obj.get("spans", []), key=lambda s: s["start"]),
        date=obj.get("date"),
        author=obj.get("author"),
        decoys=obj.get("decoys", []) or [],
        file=file,
        line=line,
    )


def read_jsonl(path: str | Path, *, validate: bool = True) -> list[Record]:
    """Read one corpus file. With ``validate``, raise :class:`CorpusError` listing every problem."""
    records, problems = _read(Path(path), {})
    if validate and problems:
        raise CorpusError(problems)
    return records


def _read(path: Path, seen_ids: dict[str, str]) -> tuple[list[Record], list[Problem]]:
    records: list[Record] = []
    problems: list[Problem] = []
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        return [], [Problem(name, 0, f"cannot read file: {e.strerror}")]
    if raw.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte order mark, as spreadsheets and Windows tools write
        raw = raw[3:]
    if not raw.strip():
        return [], [Problem(name, 0, "the file holds no entries")]
    for lineno, bline in enumerate(raw.split(b"\n"), 1):
        if not bline.strip():
            continue
        try:
            line = bline.decode("utf-8")
        except UnicodeDecodeError as e:
            problems.append(Problem(name, lineno, f"invalid UTF-8 at byte {e.start} of the line"))
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(Problem(name, lineno, f"malformed JSON: {e.msg} (column {e.colno})"))
            continue
        entry_problems = _check_entry(obj, name, lineno, seen_ids)
        problems += entry_problems
        if entry_problems:
            continue
        records.append(_record(obj, name, lineno))
    return records, problems


def validate(paths: str | Path | Iterable[str | Path]) -> list[Problem]:
    """Every problem in a corpus (a file, a directory of split files, or several files)."""
    files = _corpus_files(paths)
    seen: dict[str, str] = {}
    problems: list[Problem] = []
    authors: dict[str, str] = {}
    for f in files:
        records, probs = _read(f, seen)
        problems += probs
        split = f.stem
        for r in records:
            if r.author is None or split not in SPLITS:
                continue
            first = authors.setdefault(r.author, split)
            if first != split:
                problems.append(Problem(str(f), r.line, f"author {r.author!r} also appears in the {first} split"))
    return problems


def _corpus_files(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(p.glob("*.jsonl"))
            if not found:
                raise FileNotFoundError(f"no .jsonl files in {p}")
            files += found
        elif p.exists():
            files.append(p)
        else:
            raise FileNotFoundError(f"no such corpus file or directory: {p}")
    return files


def load_splits(corpus_dir: str | Path) -> dict[str, list[Record]]:
    """Read ``train.jsonl``, ``dev.jsonl`` and ``test.jsonl`` from a corpus directory."""
    corpus_dir = Path(corpus_dir)
    missing = [s for s in ("train", "dev") if not (corpus_dir / f"{s}.jsonl").exists()]
    if missing:
        raise FileNotFoundError(
            f"{corpus_dir} needs {', '.join(s + '.jsonl' for s in missing)} (and optionally test.jsonl)"
        )
    problems = validate([corpus_dir / f"{s}.jsonl" for s in SPLITS if (corpus_dir / f"{s}.jsonl").exists()])
    if problems:
        raise CorpusError(problems)
    return {s: read_jsonl(corpus_dir / f"{s}.jsonl") for s in SPLITS if (corpus_dir / f"{s}.jsonl").exists()}
