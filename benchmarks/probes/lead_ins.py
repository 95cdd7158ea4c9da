"""Do gold spans keep a short lead-in that ends in a colon or a dash? Counted, not tuned.

    python benchmarks/probes/lead_ins.py [MODEL_DIR]

A probe, not part of ``run_all.sh``. The guide starts a span "at the first word of
the insight's clause" and says nothing of a lead-in such as "Here's what came out:"
or "so here's the thing i'm noticing —". Exact span F1 is low (model and second
annotator alike), and on dev the model's overlap matches that are not exact are
mostly longer than gold. This counts, for every gold span whose first sentence
has such a lead-in (at most 12 words before the first ``:``, `` — ``, `` – `` or
`` - `` of the sentence, the mark inside the span's sentence and before its end),
whether the span starts after the mark ("excluded") or at the sentence's start
("included"), by corpus batch group; and, with a model, the same for its
predicted spans on dev and test. A lead-in rule can only help where the gold
spans agree with one another.
Output of the run quoted in the model card: ``benchmarks/results/probes/lead_ins.txt``.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from breakthrough_nlp.corpus import load_splits  # noqa: E402
from breakthrough_nlp.training import blank_pipeline, make_docs  # noqa: E402
from short_notes import batch_of  # noqa: E402

MARK = re.compile(r":|\s[—–-]\s|—")
GROUPS = ((1, 9), (10, 19), (20, 25), (26, 29), (30, 35))


def lead_in(doc, start: int, end: int) -> str | None:
    """'excluded', 'included' or None (no lead-in) for a span of ``doc`` given by characters."""
    sent = doc.char_span(start, end, alignment_mode="expand")
    if sent is None:
        return None
    sent = sent[0].sent
    m = MARK.search(doc.text, sent.start_char, min(end, sent.end_char))
    if m is None or len(doc.text[sent.start_char:m.start()].split()) > 12:
        return None
    if start >= m.end():
        return "excluded"
    if start <= sent.start_char:
        return "included"
    return None  # starts inside the lead-in


def group_of(batch: int) -> str:
    return next(f"batches {a}–{b}" for a, b in GROUPS if a <= batch <= b)


def main() -> None:
    splits = load_splits(ROOT / "corpora" / "journal-breakthroughs")
    nlp = blank_pipeline()
    counts: dict[str, Counter] = {}
    for split, recs in splits.items():
        for rec, doc in zip(recs, make_docs(nlp, recs)):
            for s in rec.spans:
                kind = lead_in(doc, s["start"], s["end"])
                if kind:
                    for name in (f"gold, {split} {group_of(batch_of(rec))}", "gold, all"):
                        counts.setdefault(name, Counter())[kind] += 1
    if len(sys.argv) > 1:
        import breakthrough_nlp

        model = breakthrough_nlp.load(sys.argv[1])
        for split in ("dev", "test"):
            for doc in model.pipe([r.text for r in splits[split]]):
                for span in doc.spans["realizations"]:
                    kind = lead_in(doc, span.start_char, span.end_char)
                    if kind:
                        counts.setdefault(f"model on {split}", Counter())[kind] += 1
    print(f"{'spans with a lead-in':<28} {'included':>8} {'excluded':>8}")
    for name, c in sorted(counts.items()):
        n = c["included"] + c["excluded"]
        print(f"{name:<28} {c['included']:>8} {c['excluded']:>8}   included {c['included'] / n:.0%} of {n}")


if __name__ == "__main__":
    main()
