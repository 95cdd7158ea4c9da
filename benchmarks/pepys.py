"""The shipped model on text unlike its training data: the Diary of Samuel Pepys.

    python benchmarks/pepys.py [--json OUT.json] [--top 5] [--train-config JSON]

Every entry of the diary (../shared/data/pepys/diary.jsonl) goes through
``breakthrough_nlp.annotate``. Reports the share of entries given each label, the
share with at least one realization span, spans per 1,000 words, and the
highest-scoring spans (nearly all false positives by the guide: the diary is
17th-century narrative, far longer per entry than any training entry).
``--train-config '{"entry_context": true}'`` first retrains the pipeline with
those ``TrainConfig`` overrides and runs that model instead: how an option
behaves on text unlike the corpus.
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
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
