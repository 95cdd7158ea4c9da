"""The shipped model on text unlike its training data: the Diary of Samuel Pepys.

    python benchmarks/pepys.py [--json OUT.json] [--top 5] [--train-config JSON]

Every entry of the diary (../shared/data/pepys/diary.jsonl) goes through
``breakthrough_nlp.annotate``. Reports the share of entries given each label, the
share with at least one realization span, spans per 1,000 words, and the
highest-scoring spans (nearly all false positives by the guide: the diary is
17th-century narrative, far longer per entry than any training entry).
``--train-config '{"entry_context": true}'`` first retrains the pipeline with
those ``TrainConfig`` overrides and runs that model instead: how an option
behaves on text unlike the corpus. ``--sweep 0.6 0.7`` also reruns the pipeline
with those span sentence thresholds (instead of the tuned one) and reports, for each,
the Pepys shares of entries with a span and with a label next to span
precision/recall/F1 and entry macro-F1 on the corpus test split: what a higher
threshold buys on long real diaries and costs in domain. Entry labels move too: the
categorizer reads the marked spans as evidence.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PEPYS = ROOT.parent / "shared" / "data" / "pepys" / "diary.jsonl"

import breakthrough_nlp  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", default=None)
    ap.add_argument("--top", type=int, default=5)
    ap.add_argument("--train-config", default=None, help="TrainConfig overrides as JSON: retrain, then run")
    ap.add_argument("--sweep", type=float, nargs="*", default=[], help="span sentence thresholds to compare")
    args = ap.parse_args()
    entries = [json.loads(line) for line in PEPYS.open(encoding="utf-8")]
    model = None
    if args.train_config:
        from breakthrough_nlp.training import TrainConfig, train

        model = train(ROOT / "corpora" / "journal-breakthroughs", TrainConfig.from_json(args.train_config))
    df = breakthrough_nlp.annotate(entries, model)
    n, words = len(df), int(df["word_count"].sum())
    spans = [(s["score"], s["label"], s["text"]) for rs in df["realizations"] for s in rs]
    out = {
        "train_config": json.loads(args.train_config) if args.train_config else {},
        "entries": n,
        "words": words,
        "median_words_per_entry": float(df["word_count"].median()),
        "share_with_any_label": round(float((df["labels"].str.len() > 0).mean()), 4),
        **{f"share_{lab}": round(float(df["labels"].apply(lambda x, lab=lab: lab in x).mean()), 4)
           for lab in breakthrough_nlp.LABELS},
        "share_with_a_span": round(float((df["n_realizations"] > 0).mean()), 4),
        "spans": len(spans),
        "spans_per_1000_words": round(1000 * len(spans) / words, 3),
        "top_spans": [{"score": sc, "label": lab, "text": text[:200]} for sc, lab, text in sorted(spans, reverse=True)[:args.top]],
    }
    for k, v in out.items():
        if k != "top_spans":
            print(f"{k}: {v}")
    for s in out["top_spans"]:
        print(f"  {s['score']:.3f} {s['label']:<9} {s['text'][:120]!r}")
    if args.sweep:
        out["threshold_sweep"] = sweep(model, entries, df, args.sweep)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))
    return 0


def sweep(model, entries: list[dict], df, thresholds: list[float]) -> list[dict]:
    """At each sentence threshold: the diary's shares of entries with a span and with a label, and
    test-split span P/R/F1 and entry macro-F1. ``df`` is the diary annotated at the stored threshold."""
    from breakthrough_nlp.corpus import read_jsonl
    from breakthrough_nlp.evaluation import label_prf, span_prf

    nlp = model if model is not None else breakthrough_nlp.load()
    marker = nlp.get_pipe("breakthrough_realizations")
    test = read_jsonl(ROOT / "corpora" / "journal-breakthroughs" / "test.jsonl")
    rows = []
    for k, t in enumerate([marker.threshold] + list(thresholds)):
        marker.threshold = float(t)
        diary = df if k == 0 else breakthrough_nlp.annotate(entries, nlp)
        test_docs = list(nlp.pipe(rec.text for rec in test))
        r = span_prf(test, test_docs)["overlap"]
        row = {"threshold": round(float(t), 3),
               "pepys_share_with_a_span": round(float((diary["n_realizations"] > 0).mean()), 4),
               "pepys_spans": int(diary["n_realizations"].sum()),
               "pepys_share_with_any_label": round(float((diary["labels"].str.len() > 0).mean()), 4),
               "test_overlap_precision": r["precision"], "test_overlap_recall": r["recall"], "test_overlap_f1": r["f1"],
               "test_entry_macro_f1": label_prf(test, test_docs)["macro_f1"]}
        rows.append(row)
        print("threshold {threshold}: Pepys entries with a span {pepys_share_with_a_span:.1%} ({pepys_spans} spans), "
              "with a label {pepys_share_with_any_label:.1%}; test overlap P {test_overlap_precision:.3f} "
              "R {test_overlap_recall:.3f} F1 {test_overlap_f1:.3f}, entry macro-F1 {test_entry_macro_f1:.3f}".format(**row))
    return rows


if __name__ == "__main__":
    sys.exit(main())
