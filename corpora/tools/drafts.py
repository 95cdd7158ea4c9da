"""Parse hand-written corpus drafts into the guide's JSON Lines format.

Writers draft entries in a plain-text format that needs no JSON escaping, so
they can write multi-paragraph entries naturally. Spans and decoys are given as
exact quotes of the entry text; offsets are computed here, never by hand.

Draft format::

    === author: w101 | date: 2024-03-02 | labels: patterns, feelings
    The entry text, as many lines and paragraphs as it needs.

    --- span: patterns | exact words of the realization
    --- decoy: negated | exact words of a hard-negative clause

``date: -`` and ``labels: -`` mean none. A quote that occurs more than once
may be prefixed with ``@N`` (1-based occurrence): ``--- span: values | @2 I want``.

Run ``python corpora/tools/drafts.py FILE...`` to check drafts and print counts;
add ``--out OUT.jsonl`` to write the converted entries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections import Counter
from pathlib import Path

LABELS = ("feelings", "patterns", "values")
SPAN_LABELS = LABELS + ("other",)
DECOY_TYPES = (
    "trivial",  # cue word in a trivial noticing: "realized I left my keys"
    "other_person",  # someone else's insight
    "negated",  # "I still don't get why"
    "hypothetical",  # wished / planned / hoped insight
    "asked",  # a question: "is this a breakthrough?"
    "generic",  # generic remark: "therapy helps people see"
    "sarcasm",
    "quoted_advice",  # advice or insight quoted from someone else
    "mood_report",  # strong emotion words, no new access to a feeling
    "goal_list",  # plans, chores, goals with no insight
    "doubted",  # insight immediately doubted
)
CLOSING_PUNCT = ".,;:!?…"
CUE_RE = re.compile(
    r"\b(realiz|realis|understand|understood|notic|it hit me|hit me|see now|i see\b|"
    r"saw that|see that|dawn|figured|figure out|recogni|learn|aware|occurred to me|"
    r"click|epiphany|light ?bulb|light went|struck me|get it now|got it now|insight|"
    r"truth is|turns out|discover)",
    re.IGNORECASE,
)

HEADER_RE = re.compile(r"^===\s*(.*)$")
ANNOT_RE = re.compile(r"^---\s*(span|decoy)\s*:\s*([a-z_]+)\s*\|\s*(?:@(\d+)\s+)?(.*)$")


class DraftError(Exception):
    pass


def _find(text: str, quote: str, occurrence: int | None) -> tuple[int, list[str]]:
    problems = []
    starts = [m.start() for m in re.finditer(re.escape(quote), text)]
    if not starts:
        raise DraftError(f"quote not found in text: {quote!r}")
    if occurrence is None:
        if len(starts) > 1:
            problems.append(f"quote occurs {len(starts)} times, using the first (add @N): {quote!r}")
        return starts[0], problems
    if occurrence > len(starts):
        raise DraftError(f"@{occurrence} but quote occurs {len(starts)} times: {quote!r}")
    return starts[occurrence - 1], problems


def parse_file(path: Path) -> tuple[list[dict], list[str]]:
    """Return (entries, problems); each problem names the file and line."""
    entries: list[dict] = []
    problems: list[str] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[tuple[int, str, list[tuple[int, str]]]] = []
    for i, line in enumerate(lines, 1):
        m = HEADER_RE.match(line)
        if m:
            blocks.append((i, m.group(1), []))
        elif blocks:
            blocks[-1][2].append((i, line))
        elif line.strip():
            problems.append(f"{path}:{i}: text before the first === header")
    for lineno, header, body in blocks:
        where = f"{path}:{lineno}"
        fields = {}
        for part in header.split("|"):
            if ":" not in part:
                problems.append(f"{where}: bad header part {part!r}")
                continue
            k, v = part.split(":", 1)
            fields[k.strip().lower()] = v.strip()
        author = fields.get("author")
        if not author:
            problems.append(f"{where}: header has no author")
            continue
        date = fields.get("date", "-")
        date = None if date in ("", "-", "none", "null") else date
        if date is not None:
            try:
                dt.date.fromisoformat(date)
            except ValueError:
                problems.append(f"{where}: date {date!r} is not YYYY-MM-DD")
                date = None
        raw_labels = fields.get("labels", "-")
        labels = [] if raw_labels in ("", "-", "none") else [x.strip() for x in raw_labels.split(",") if x.strip()]
        for lab in labels:
            if lab not in LABELS:
                problems.append(f"{where}: unknown label {lab!r}")
        labels = [lab for lab in LABELS if lab in labels]
        text_lines: list[str] = []
        annots: list[tuple[int, str, str, int | None, str]] = []
        for ln, line in body:
            if line.startswith("---"):
                m = ANNOT_RE.match(line)
                if not m:
                    problems.append(f"{path}:{ln}: cannot read annotation line {line!r}")
                    continue
                occ = int(m.group(3)) if m.group(3) else None
                annots.append((ln, m.group(1), m.group(2), occ, m.group(4).strip()))
            elif annots:
                if line.strip():
                    problems.append(f"{path}:{ln}: text after annotations (start a new === entry?)")
            else:
                text_lines.append(line)
        text = "\n".join(text_lines).strip()
        if not text:
            problems.append(f"{where}: empty entry")
            continue
        spans, decoys = [], []
        for ln, kind, lab, occ, quote in annots:
            q = quote.strip().strip('"').strip() if quote.startswith('"') and quote.endswith('"') and quote.count('"') == 2 else quote
            while q and q[-1] in CLOSING_PUNCT:
                q = q[:-1].rstrip()
            if not q:
                problems.append(f"{path}:{ln}: empty quote")
                continue
            try:
                start, warn = _find(text, q, occ)
            except DraftError as e:
                problems.append(f"{path}:{ln}: {e}")
                continue
            problems.extend(f"{path}:{ln}: {w}" for w in warn)
            item = {"start": start, "end": start + len(q)}
            if kind == "span":
                if lab not in SPAN_LABELS:
                    problems.append(f"{path}:{ln}: unknown span label {lab!r}")
                    continue
                if lab != "other" and lab not in labels:
                    problems.append(f"{path}:{ln}: span label {lab!r} not in entry labels {labels}")
                item["label"] = lab
                spans.append(item)
            else:
                if lab not in DECOY_TYPES:
                    problems.append(f"{path}:{ln}: unknown decoy type {lab!r} (use one of {', '.join(DECOY_TYPES)})")
                    continue
                item["type"] = lab
                decoys.append(item)
        spans.sort(key=lambda s: s["start"])
        for a, b in zip(spans, spans[1:]):
            if b["start"] < a["end"]:
                problems.append(f"{where}: overlapping spans {text[a['start']:a['end']]!r} / {text[b['start']:b['end']]!r}")
        for d in decoys:
            for s in spans:
                if d["start"] < s["end"] and s["start"] < d["end"]:
                    problems.append(f"{where}: decoy overlaps a span: {text[d['start']:d['end']]!r}")
        entries.append(
            {
                "id": None,
                "date": date,
                "author": author,
                "text": text,
                "labels": labels,
                "spans": spans,
                "decoys": decoys,
                "source": f"{path.name}:{lineno}",
            }
        )
    return entries, problems


def summarize(entries: list[dict]) -> str:
    n = len(entries)
    if not n:
        return "no entries"
    authors = Counter(e["author"] for e in entries)
    dated = Counter(e["author"] for e in entries if e["date"])
    label_counts = Counter(lab for e in entries for lab in e["labels"])
    unlabelled = sum(1 for e in entries if not e["labels"])
    labelled = n - unlabelled
    multi = sum(1 for e in entries if len(e["labels"]) >= 2)
    spans = [(e["text"][s["start"]:s["end"]], s["label"]) for e in entries for s in e["spans"]]
    cueless = sum(1 for t, _ in spans if not CUE_RE.search(t))
    decoys = Counter(d["type"] for e in entries for d in e["decoys"])
    neg_entries = sum(1 for e in entries if e["decoys"])
    words = [len(e["text"].split()) for e in entries]
    out = [
        f"entries: {n}   authors: {len(authors)}   authors with >=10 dated entries: "
        f"{sum(1 for a, c in dated.items() if c >= 10)}",
        f"unlabelled: {unlabelled} ({unlabelled / n:.0%})   labelled: {labelled}   two or more labels: "
        f"{multi} ({multi / max(labelled, 1):.0%} of labelled)",
        "labels: " + ", ".join(f"{lab}={label_counts[lab]}" for lab in LABELS),
        f"spans: {len(spans)} ({', '.join(f'{k}={v}' for k, v in Counter(l for _, l in spans).items())})"
        f"   without cue word: {cueless} ({cueless / max(len(spans), 1):.0%})",
        f"entries with decoys: {neg_entries}   decoys: "
        + ", ".join(f"{t}={decoys[t]}" for t in DECOY_TYPES),
        f"words per entry: min {min(words)}, median {sorted(words)[n // 2]}, max {max(words)}",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    all_entries, all_problems = [], []
    for f in args.files:
        entries, problems = parse_file(f)
        all_entries += entries
        all_problems += problems
    for p in all_problems:
        print("PROBLEM", p)
    print(summarize(all_entries))
    if args.out:
        with args.out.open("w", encoding="utf-8") as fh:
            for e in all_entries:
                fh.write(json.dumps(e, ensure_ascii=False) + "\n")
    return 1 if all_problems else 0


if __name__ == "__main__":
    sys.exit(main())
