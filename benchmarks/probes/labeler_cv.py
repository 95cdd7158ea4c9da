"""Span labeler variants, writer-grouped 5-fold CV over the gold spans of train + dev.

    python benchmarks/probes/labeler_cv.py

A probe, not part of ``run_all.sh``: it chose the labeler of this release (the
span's words plus the entry's words at weight 0.5, C=16, no class balancing).
Each variant is fitted on the gold spans of four folds of writers and scored by
accuracy on the fifth fold's gold spans (the decoder's spans are not involved).
Output of the run quoted in the model card: ``benchmarks/results/probes/labeler_cv.txt``.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sklearn.metrics import accuracy_score  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402

from breakthrough_nlp.corpus import load_splits  # noqa: E402
from breakthrough_nlp.training import TrainConfig, blank_pipeline, make_docs, make_labeler  # noqa: E402

VARIANTS = [  # name, entry weight, C, class balancing
    ("span words (previous labeler)", 0.0, 4.0, True),
    ("span words", 0.0, 16.0, True),
    ("span words", 0.0, 64.0, True),
    ("span words, unbalanced", 0.0, 16.0, False),
    ("span words, unbalanced", 0.0, 64.0, False),
    ("span + entry words x0.3", 0.3, 16.0, True),
    ("span + entry words x0.5", 0.5, 16.0, True),
    ("span + entry words x0.5", 0.5, 32.0, True),
    ("span + entry words x1.0", 1.0, 16.0, True),
    ("span + entry words x1.0", 1.0, 64.0, True),
    ("span + entry words x0.5, unbalanced (shipped)", 0.5, 16.0, False),
]


def make(entry: float, C: float, balanced: bool) -> Pipeline:
    return make_labeler(TrainConfig(label_entry_weight=entry, label_C=C, label_balanced=balanced))


def main() -> int:
    warnings.simplefilter("ignore")
    splits = load_splits(ROOT / "corpora" / "journal-breakthroughs")
    records = splits["train"] + splits["dev"]
    nlp = blank_pipeline()
    spans, labels, writers = [], [], []
    for doc, rec in zip(make_docs(nlp, records), records):
        for s in rec.spans:
            span = doc.char_span(s["start"], s["end"], alignment_mode="expand")
            if span is not None and len(span):
                spans.append(span)
                labels.append(s["label"])
                writers.append(rec.author or rec.id)
    y = np.asarray(labels)
    folds = list(GroupKFold(5).split(spans, groups=writers))
    print(f"{len(spans)} gold spans of {len(records)} train + dev entries, 5 writer folds")
    for name, entry, C, balanced in VARIANTS:
        accs = []
        for fit, held in folds:
            model = make(entry, C, balanced).fit([spans[i] for i in fit], y[fit])
            accs.append(accuracy_score(y[held], model.predict([spans[i] for i in held])))
        print(f"{name:48s} C={C:<5} accuracy {np.mean(accs):.3f}  folds {np.round(accs, 3).tolist()}", flush=True)
    return 0


if __name__ == "__main__":
    # One BLAS/OpenMP thread, as in fit_pipeline: these fits bypass it, and their
    # results must not depend on the core count.
    with threadpool_limits(limits=1):
        sys.exit(main())
