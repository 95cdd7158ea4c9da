"""Span and label quality on dev against the amount of training data.

    python benchmarks/learning_curve.py [--json OUT.json]

Trains the default config on 25%, 50%, 75% and 100% of the training writers
(a fixed random order of writers, so smaller sets are subsets of larger ones)
and reports dev span overlap/exact F1 and entry-label F1 at the tuned
thresholds. The slope says how much more hand-written data would buy.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from breakthrough_nlp.corpus import load_splits  # noqa: E402
from breakthrough_nlp.training import TrainConfig, fit_pipeline  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    splits = load_splits(ROOT / "corpora" / "journal-breakthroughs")
    writers = sorted({r.author for r in splits["train"]})
    random.Random(0).shuffle(writers)
    rows = []
    print(f"{'share':>6} {'writers':>8} {'entries':>8} {'span overlap F1':>16} {'span exact F1':>14}  label F1")
    for share in (0.25, 0.5, 0.75, 1.0):
        keep = set(writers[: round(len(writers) * share)])
        train = [r for r in splits["train"] if r.author in keep]
        meta = fit_pipeline(train, splits["dev"], TrainConfig()).meta["training"]
        row = {"share": share, "writers": len(keep), "entries": len(train),
               "dev_span_overlap_f1": meta["dev_span_overlap_f1_at_threshold"],
               "dev_span_exact_f1": meta["dev_span_exact_f1_at_threshold"],
               "dev_label_f1": meta["dev_label_f1_at_threshold"]}
        rows.append(row)
        print(f"{share:>6} {len(keep):>8} {len(train):>8} {row['dev_span_overlap_f1']:>16.3f} "
              f"{row['dev_span_exact_f1']:>14.3f}  {row['dev_label_f1']}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
