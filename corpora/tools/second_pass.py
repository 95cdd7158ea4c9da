"""Second, independent labelling of a 10% sample, and agreement with the first pass.

    python corpora/tools/second_pass.py sample    # writes second_pass/blind.txt (ids and texts only,
                                                  # sampled entries no second reader has labelled yet)
    python corpora/tools/second_pass.py agree [labels_4.txt ...]   # reads second_pass/labels*.txt
                                                  # (or the files named), prints agreement
    python corpora/tools/second_pass.py disagree disagreements_2.md labels_4.txt labels_5.txt
                                                  # the entries they disagree on, for the adjudicator

The sample is every entry whose id hashes to 0 mod 10 (stable as the corpus grows).
The second reader sees only the annotation guide and ``blind.txt``, and writes::

    === id: w301-007 | labels: patterns
    --- span: patterns | exact words of the realization

Agreement: Cohen's kappa per label (entry level), and span agreement as F1 between
the two passes with exact and overlap matching (the evaluation's definitions).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "journal-breakthroughs"
OUT = CORPUS / "second_pass"
LABELS = ("feelings", "patterns", "values")


def _records() -> list[dict]:
    rows = []
    for split in ("train", "dev", "test"):
        with (CORPUS / f"{split}.jsonl").open(encoding="utf-8") as fh:
            rows += [json.loads(line) for line in fh]
    return rows


def in_sample(entry_id: str) -> bool:
    """Every entry whose id hashes to 0 mod 10, plus the ids in ``extra_ids.txt``.

    The extras topped the sample up to 10% after the last batch of entries was
    added (they were drawn by a second hash, see ``blind_3.txt``).
    """
    return int(hashlib.sha1(entry_id.encode()).hexdigest(), 16) % 10 == 0 or entry_id in _extra_ids()


def _extra_ids() -> frozenset[str]:
    path = OUT / "extra_ids.txt"
    return frozenset(path.read_text().split()) if path.exists() else frozenset()


def _labelled_ids() -> set[str]:
    """Ids that a second reader has already labelled (any ``labels*.txt``)."""
    ids: set[str] = set()
    for path in OUT.glob("labels*.txt"):
        ids |= {m.group(1) for m in map(HEADER.match, path.read_text(encoding="utf-8").splitlines()) if m}
    return ids


def sample() -> None:
    """Write the sampled entries that no second reader has labelled yet to ``blind.txt``."""
    OUT.mkdir(exist_ok=True)
    done = _labelled_ids()
    rows = [r for r in _records() if in_sample(r["id"]) and r["id"] not in done]
    with (OUT / "blind.txt").open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(f"=== id: {r['id']}\n{r['text']}\n\n")
    print(f"{len(rows)} entries written to {OUT / 'blind.txt'}")


HEADER = re.compile(r"^===\s*id:\s*(\S+)\s*\|\s*labels:\s*(.*)$")
SPAN = re.compile(r"^---\s*span:\s*([a-z]+)\s*\|\s*(.*)$")


def read_second(paths: list[Path], texts: dict[str, str]) -> tuple[dict[str, dict], list[str]]:
    out: dict[str, dict] = {}
    problems = []
    current = None
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = HEADER.match(line)
            if m:
                eid, labs = m.group(1), m.group(2).strip()
                if eid not in texts:
                    problems.append(f"{path}:{n}: unknown id {eid}")
                    current = None
                    continue
                labels = [] if labs in ("", "-") else [x.strip() for x in labs.split(",")]
                current = out.setdefault(eid, {"labels": labels, "spans": []})
                continue
            m = SPAN.match(line)
            if m and current is not None:
                label, quote = m.group(1), m.group(2).strip().rstrip(".,;:!?…").strip()
                text = texts[eid]
                start = text.find(quote)
                if start < 0:
                    problems.append(f"{path}:{n}: quote not found in {eid}: {quote[:60]!r}")
                    continue
                current["spans"].append({"start": start, "end": start + len(quote), "label": label})
    return out, problems


def kappa(a: list[int], b: list[int]) -> float:
    n = len(a)
    po = sum(x == y for x, y in zip(a, b)) / n
    pa, pb = sum(a) / n, sum(b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return (po - pe) / (1 - pe) if pe < 1 else 1.0


def agree(*files: str) -> dict:
    """Agreement over every ``labels*.txt``, or over the given label files only.

    Compare a pass with the first labels before adjudication changes them: once
    disagreements are settled, the corpus holds the decisions, not the first pass.
    """
    sys.path.insert(0, str(HERE.parents[1]))
    import spacy

    from breakthrough_nlp.evaluation import match_spans

    rows = {r["id"]: r for r in _records() if in_sample(r["id"])}
    paths = [OUT / f for f in files] if files else sorted(OUT.glob("labels*.txt"))
    second, problems = read_second(paths, {k: v["text"] for k, v in rows.items()})
    for p in problems:
        print("PROBLEM", p)
    ids = sorted(set(rows) & set(second))
    result: dict = {"entries": len(ids), "sampled": len(rows), "kappa": {}, "spans": {}}
    for lab in LABELS:
        a = [int(lab in rows[i]["labels"]) for i in ids]
        b = [int(lab in second[i]["labels"]) for i in ids]
        result["kappa"][lab] = round(kappa(a, b), 3)
        result.setdefault("raw_agreement", {})[lab] = round(sum(x == y for x, y in zip(a, b)) / len(ids), 3)
    anyb = [int(bool(rows[i]["labels"])) for i in ids], [int(bool(second[i]["labels"])) for i in ids]
    result["kappa"]["any_label"] = round(kappa(*anyb), 3)
    nlp = spacy.blank("en")
    ex = ov = lab_ok = n1 = n2 = 0
    for i in ids:
        doc = nlp.make_doc(rows[i]["text"])
        g1 = [(s["start"], s["end"]) for s in rows[i]["spans"]]
        g2 = [(s["start"], s["end"]) for s in second[i]["spans"]]
        matched, exact = match_spans(doc, g1, g2)
        n1 += len(g1)
        n2 += len(g2)
        ov += len(matched)
        ex += len(exact)
        lab_ok += sum(rows[i]["spans"][a]["label"] == second[i]["spans"][b]["label"] for a, b in matched)
    for name, k in (("exact", ex), ("overlap", ov)):
        p, r = k / max(n2, 1), k / max(n1, 1)
        result["spans"][name] = {"f1": round(2 * p * r / max(p + r, 1e-9), 3), "matched": k}
    result["spans"]["first_pass_spans"] = n1
    result["spans"]["second_pass_spans"] = n2
    result["spans"]["label_agreement_on_overlap"] = round(lab_ok / max(ov, 1), 3)
    print(json.dumps(result, indent=2))
    return result


def disagree(out: str, *files: str) -> int:
    """Write the entries where the given label files and the first pass differ, side by side.

    The adjudicator's input (``disagreements*.md``); run it before adjudication
    changes the first pass. Differences are in labels or in the (label, words) of spans.
    """
    rows = {r["id"]: r for r in _records() if in_sample(r["id"])}
    second, problems = read_second([OUT / f for f in files], {k: v["text"] for k, v in rows.items()})
    if problems:
        raise SystemExit("\n".join(f"PROBLEM {p}" for p in problems))

    def words(rec: dict, spans: list[dict]) -> list[tuple[str, str]]:
        return sorted((x["label"], rec["text"][x["start"]:x["end"]].rstrip(".,;:!?… ")) for x in spans)

    lines = [f"# First and second pass, side by side ({', '.join(files)}: entries where they disagree)", ""]
    n = 0
    for eid, sec in second.items():
        rec = rows[eid]
        if sorted(rec["labels"]) == sorted(sec["labels"]) and words(rec, rec["spans"]) == words(rec, sec["spans"]):
            continue
        n += 1
        lines += [f"## {eid}", "", "```", rec["text"], "```", ""]
        for name, labels, spans in (("first", rec["labels"], rec["spans"]), ("second", sec["labels"], sec["spans"])):
            lines.append(f"- {name} pass labels: {', '.join(labels) if labels else '-'}")
            lines += [f"  - span ({x['label']}): {rec['text'][x['start']:x['end']]!r}" for x in spans]
        lines.append("")
    (OUT / out).write_text("\n".join(lines), encoding="utf-8")
    print(f"{n} of {len(second)} entries disagree; written to {OUT / out}")
    return n


if __name__ == "__main__":
    {"sample": sample, "agree": agree, "disagree": disagree}[sys.argv[1]](*sys.argv[2:])
