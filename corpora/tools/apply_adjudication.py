"""Apply ``second_pass/adjudication*.md`` (one file per adjudication round) to the corpus drafts.

Each adjudicated entry lists its final labels and spans (quotes of the entry
text). This rewrites the matching draft entry's header labels and ``--- span:``
lines, keeps its decoys, and is idempotent: entries that already agree are left
untouched. Entry ids are ``author-NNN`` = the Nth entry of that author in draft
order (the same rule ``build_corpus.py`` uses).

Run ``python corpora/tools/apply_adjudication.py [--dry-run]`` and then
``python corpora/tools/build_corpus.py``.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "journal-breakthroughs"
sys.path.insert(0, str(HERE))

from drafts import ANNOT_RE, HEADER_RE, LABELS  # noqa: E402


def read_adjudication(path: Path) -> dict[str, dict]:
    """Return {entry id: {"decision", "labels", "spans": [(label, quote)]}}."""
    out: dict[str, dict] = {}
    cur: dict | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^## (w\d+-\d{3})\s*$", line)
        if m:
            cur = out[m.group(1)] = {"decision": None, "labels": [], "spans": []}
            continue
        if cur is None:
            continue
        if line.startswith("decision:"):
            cur["decision"] = line.split(":", 1)[1].strip()
        elif line.startswith("labels:"):
            raw = line.split(":", 1)[1].strip()
            cur["labels"] = [] if raw in ("", "-", "none") else [x.strip() for x in raw.split(",")]
        elif line.startswith("- span:"):
            lab, quote = line[len("- span:") :].split("|", 1)
            cur["spans"].append((lab.strip(), quote.strip()))
    for eid, rec in out.items():
        bad = [lab for lab in rec["labels"] if lab not in LABELS]
        if bad or rec["decision"] not in ("first", "second", "neither"):
            raise SystemExit(f"{path}: entry {eid}: bad decision or labels {rec}")
    return out


def read_all() -> dict[str, dict]:
    """Every adjudication round (``second_pass/adjudication*.md``), merged by entry id."""
    decisions: dict[str, dict] = {}
    for path in sorted((CORPUS / "second_pass").glob("adjudication*.md")):
        round_ = read_adjudication(path)
        twice = sorted(set(round_) & set(decisions))
        if twice:
            raise SystemExit(f"{path}: entries already adjudicated in an earlier round: {', '.join(twice)}")
        decisions.update(round_)
    return decisions


def apply(dry_run: bool = False) -> int:
    decisions = read_all()
    seen: Counter[str] = Counter()
    found: set[str] = set()
    changed = 0
    for path in sorted((CORPUS / "drafts").glob("batch*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n")
        out: list[str] = []
        i = 0
        while i < len(lines):
            m = HEADER_RE.match(lines[i])
            if not m:
                out.append(lines[i])
                i += 1
                continue
            j = i + 1
            while j < len(lines) and not HEADER_RE.match(lines[j]):
                j += 1
            block = lines[i:j]
            fields = dict(
                (k.strip().lower(), v.strip()) for k, v in (p.split(":", 1) for p in m.group(1).split("|"))
            )
            seen[fields["author"]] += 1
            eid = f"{fields['author']}-{seen[fields['author']]:03d}"
            rec = decisions.get(eid)
            if rec is None:
                out.extend(block)
                i = j
                continue
            found.add(eid)
            new_block = rewrite(block, fields, rec)
            if new_block != block:
                changed += 1
                print(f"{path.name}:{i + 1}: {eid} ({rec['decision']}) updated")
            out.extend(new_block)
            i = j
        if not dry_run:
            path.write_text("\n".join(out), encoding="utf-8")
    missing = sorted(set(decisions) - found)
    if missing:
        print("not found in drafts:", ", ".join(missing))
        return 1
    print(f"{len(decisions)} adjudicated entries, {changed} draft entries changed")
    return 0


def rewrite(block: list[str], fields: dict[str, str], rec: dict) -> list[str]:
    header = block[0]
    labels = [lab for lab in LABELS if lab in rec["labels"]]
    new_labels = ", ".join(labels) if labels else "-"
    old_labels = fields.get("labels", "-")
    old_set = [x.strip() for x in old_labels.split(",")] if old_labels not in ("", "-", "none") else []
    if sorted(old_set) != sorted(labels):
        header = re.sub(r"labels:\s*[^|]*", f"labels: {new_labels}", header)
    body = block[1:]
    # The text part ends where annotations begin; keep trailing blank lines layout.
    first_annot = next((k for k, ln in enumerate(body) if ln.startswith("---")), len(body))
    text_part = body[:first_annot]
    annots = body[first_annot:]
    old_spans = []
    old_span_lines = []
    other = []
    for ln in annots:
        am = ANNOT_RE.match(ln)
        if am and am.group(1) == "span":
            old_spans.append((am.group(2), am.group(3), am.group(4).strip()))
            old_span_lines.append(ln)
        else:
            other.append(ln)
    text = "\n".join(text_part)
    new_span_lines = []
    for lab, quote in rec["spans"]:
        q = quote.rstrip(".,;:!?… ")
        n = text.count(q)
        if n == 0:
            raise SystemExit(f"{fields['author']}: quote not in entry text: {quote!r}")
        occ = None
        if n > 1:
            prev = [o for (_, o, oq) in old_spans if oq.rstrip('.,;:!?… ') == q]
            occ = prev[0] if prev else "1"
        new_span_lines.append(f"--- span: {lab} | " + (f"@{occ} " if occ else "") + q)
    if _norm(old_span_lines) == _norm(new_span_lines):
        if header == block[0]:
            return block
        new_span_lines = old_span_lines
    trailing = []
    while other and not other[-1].strip():
        trailing.insert(0, other.pop())
    return [header] + text_part + new_span_lines + other + trailing


def _norm(lines: list[str]) -> list[tuple[str, str]]:
    out = []
    for ln in lines:
        m = ANNOT_RE.match(ln)
        out.append((m.group(2), (m.group(3) or "1"), m.group(4).strip().rstrip(".,;:!?… ")))
    return sorted(out)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dry-run", action="store_true")
    sys.exit(apply(ap.parse_args().dry_run))
