"""Where span errors come from: detection, joining or boundaries.

Decodes a split with the trained model and with oracles that replace one stage
by the gold answer, so the loss each stage causes is visible:

* ``model``: the shipped pipeline;
* ``oracle detection``: sentences overlapping a gold span are accepted, the rest
  rejected (the detector's scores are kept, moved just across the threshold
  where gold disagrees, because the join model reads them); joiner, boundary
  and labeler as trained;
* ``oracle detection + joining``: each gold span's run of sentences is one group;
  only the boundary model chooses;
* and a breakdown of gold spans (exact / overlap / partial / missed).

Usage: python benchmarks/span_errors.py [MODEL] [--split dev] [--json OUT.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import breakthrough_nlp  # noqa: E402
from breakthrough_nlp.corpus import read_jsonl  # noqa: E402
from breakthrough_nlp.evaluation import match_spans, span_prf, strip_closing  # noqa: E402
from breakthrough_nlp.features import CONTEXT_KEY  # noqa: E402
from breakthrough_nlp.training import make_docs, span_targets  # noqa: E402


def breakdown(records, docs) -> Counter:
    c: Counter = Counter()
    for rec, doc in zip(records, docs):
        gold = [(s["start"], s["end"]) for s in rec.spans]
        pred = [(s.start_char, s.end_char) for s in doc.spans["realizations"]]
        matched, exact = match_spans(doc, gold, pred)
        mg = {i for i, _ in matched}
        mp = {j for _, j in matched}
        ex = {i for i, _ in exact}
        for i, g in enumerate(gold):
            touched = any(p[0] < g[1] and g[0] < p[1] for p in pred)
            c["gold " + ("exact" if i in ex else "overlap" if i in mg else "partial" if touched else "missed")] += 1
        for j, p in enumerate(pred):
            touched = any(g[0] < p[1] and p[0] < g[1] for g in gold)
            c["pred " + ("matched" if j in mp else "partial" if touched else "no gold")] += 1
        for i, j in matched:
            gs, ge = strip_closing(doc.text, *gold[i])
            ps, pe = strip_closing(doc.text, *pred[j])
            if (gs, ge) != (ps, pe):
                c["extent: pred " + ("longer" if ps <= gs and pe >= ge else "shorter" if ps >= gs and pe <= ge else "shifted")] += 1
    return c


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model", nargs="?", default=None)
    ap.add_argument("--split", default="dev")
    ap.add_argument("--corpus", default=str(ROOT / "corpora" / "journal-breakthroughs"))
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    nlp = breakthrough_nlp.load(args.model, trusted=True) if args.model else breakthrough_nlp.load()
    marker = nlp.get_pipe("breakthrough_realizations")
    records = read_jsonl(Path(args.corpus) / f"{args.split}.jsonl")
    docs = make_docs(nlp, records)
    units, owners, scores, mods = marker.score_units(docs)
    out: dict = {"split": args.split}

    marker.decode(docs, units, owners, scores, mods, marker.threshold)
    out["model"] = span_prf(records, docs)
    out["model breakdown"] = dict(breakdown(records, docs))

    t = span_targets(marker, docs, records)
    thr = marker.threshold
    y = np.where(t.y_units == 1, np.maximum(scores, thr), np.minimum(scores, thr - 1e-6))
    marker.decode(docs, units, owners, y, mods, thr)
    out["oracle detection"] = span_prf(records, docs)
    out["oracle detection breakdown"] = dict(breakdown(records, docs))
    # Context layer off + oracle detection: how much the rules cost on true insights.
    use = marker.use_context_rules
    marker.use_context_rules = False
    marker.decode(docs, units, owners, y, mods, thr)
    out["oracle detection, no context rules"] = span_prf(records, docs)
    marker.use_context_rules = use

    # Oracle groups: the boundary model picks within each gold span's run.
    spans = marker._choose_boundaries([run for run, _ in t.groups])
    hit = sum(strip_closing(s.doc.text, s.start_char, s.end_char) == g for s, (_, g) in zip(spans, t.groups))
    out["oracle detection + joining: exact share of gold runs"] = round(hit / max(len(t.groups), 1), 4)
    n_gold = sum(len(r.spans) for r in records)
    out["gold spans"] = n_gold
    out["gold spans inside one sentence unit / several / not aligned"] = dict(Counter(
        "one" if len(run) == 1 else "several" for run, _ in t.groups))
    for doc in docs:
        doc.user_data.pop(CONTEXT_KEY, None)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))
    for k, v in out.items():
        if isinstance(v, dict) and "overlap" in v:
            v = {m: {x: v[m][x] for x in ("precision", "recall", "f1")} for m in ("exact", "overlap")}
        print(f"{k}: {json.dumps(v)}")


if __name__ == "__main__":
    main()
