"""Feature and regularisation choices, measured on the dev split (never on test).

    python benchmarks/feature_selection.py [--json OUT.json]

For the span detector (sentence units): ROC AUC, average precision and the best
F1 over thresholds, for word n-gram ranges, the preceding/following context
windows and C. For the entry categorizer: macro-F1 at dev-tuned thresholds for
n-gram ranges, lexicon weight and C (words only), then the whole pipeline with and
without the marker's sentence evidence as categorizer features. For span decoding
(whole pipeline, thresholds tuned on dev as in training): growing insights into
neighbouring sentences or not, and detector sample weighting. The defaults in
``TrainConfig`` are the winners of this table (ties go to the simpler setting).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score

ROOT = Path(__file__).resolve().parents[1]

from breakthrough_nlp.corpus import load_splits  # noqa: E402
from breakthrough_nlp.labels import LABELS  # noqa: E402
from breakthrough_nlp.training import (  # noqa: E402
    TrainConfig, _unit_weights, best_threshold, blank_pipeline, label_matrix, make_categorizer_model, make_detector,
    make_docs, span_targets)

DETECTOR_GRID = {
    "default: 1-2 grams, prev 6, next 6, C=4": dict(),
    "+ shape features (length, position)": dict(unit_shape_features=True),
    "unigrams only": dict(unit_ngram_range=(1, 1)),
    "no context words (prev 0, next 0)": dict(unit_context_window=0, unit_next_window=0),
    "prev 6, next 0": dict(unit_next_window=0),
    "prev 12, next 12": dict(unit_context_window=12, unit_next_window=12),
    "C=2": dict(unit_C=2.0),
    "C=8": dict(unit_C=8.0),
    "calibration: ensemble of 5 fold models": dict(calibration_ensemble=True),
    "sample weights: each gold span weighs 1": dict(unit_weighting="span"),
}
CATEGORIZER_GRID = {
    "default: 1-2 grams, lexicon 0.5, C=16, 2^18": dict(),
    "unigrams only": dict(doc_ngram_range=(1, 1)),
    "no lexicon": dict(doc_lexicon_weight=0.0),
    "lexicon 1.0": dict(doc_lexicon_weight=1.0),
    "C=1": dict(doc_C=1.0),
    "C=4": dict(doc_C=4.0),
    "2^16 hashed features": dict(doc_n_features=2**16),
    "+ shape features (length)": dict(doc_shape_features=True),
    "calibration: ensemble of 5 fold models": dict(calibration_ensemble=True),
}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    splits = load_splits(ROOT / "corpora" / "journal-breakthroughs")
    nlp = blank_pipeline()
    marker = nlp.get_pipe("breakthrough_realizations")
    tr, dv = make_docs(nlp, splits["train"]), make_docs(nlp, splits["dev"])
    t, d = span_targets(marker, tr, splits["train"]), span_targets(marker, dv, splits["dev"])  # leave context on
    grid = np.round(np.arange(0.05, 0.96, 0.025), 3)
    out: dict = {"detector": {}, "categorizer": {}}
    print(f"span detector on dev sentence units ({len(d.units)} units, {int(d.y_units.sum())} positive)")
    for name, kw in DETECTOR_GRID.items():
        cfg = TrainConfig(**kw)
        p = make_detector(cfg).fit(t.units, t.y_units, **_unit_weights(t, cfg)).predict_proba(d.units)[:, 1]
        best = max(f1_score(d.y_units, p >= th) for th in grid)
        out["detector"][name] = {"auc": round(roc_auc_score(d.y_units, p), 4),
                                 "ap": round(average_precision_score(d.y_units, p), 4), "best_f1": round(best, 4)}
        r = out["detector"][name]
        print(f"  {name:<40} AUC {r['auc']:.3f}  AP {r['ap']:.3f}  best F1 {r['best_f1']:.3f}", flush=True)
    Y, Yd = label_matrix(splits["train"]), label_matrix(splits["dev"])
    print("entry categorizer on dev (macro-F1 at tuned thresholds)")
    for name, kw in CATEGORIZER_GRID.items():
        model = make_categorizer_model(TrainConfig(**kw)).fit(tr, Y)
        P = np.column_stack([p[:, 1] for p in model.predict_proba(dv)])
        f1s = [best_threshold(Yd[:, j], P[:, j], tuple(grid))[1] for j in range(len(LABELS))]
        out["categorizer"][name] = {"macro_f1": round(float(np.mean(f1s)), 4),
                                    **{lab: round(f, 4) for lab, f in zip(LABELS, f1s)}}
        print(f"  {name:<40} macro-F1 {np.mean(f1s):.3f}  " + "  ".join(f"{lab} {f:.3f}" for lab, f in zip(LABELS, f1s)),
              flush=True)
    print("whole pipeline on dev: entry labels with and without the marker's evidence (SpanEvidence)")
    from breakthrough_nlp.evaluation import evaluate
    from breakthrough_nlp.training import fit_pipeline

    for name, kw in {"with span evidence (default)": {}, "without span evidence": dict(doc_span_evidence=False)}.items():
        res = evaluate(fit_pipeline(splits["train"], splits["dev"], TrainConfig(**kw)), splits["dev"])
        out["categorizer"][f"pipeline, {name}"] = {"macro_f1": res["labels"]["macro_f1"],
                                                     **{lab: res["labels"][lab]["f1"] for lab in LABELS}}
        print(f"  {name:<40} macro-F1 {res['labels']['macro_f1']:.3f}  "
              + "  ".join(f"{lab} {res['labels'][lab]['f1']:.3f}" for lab in LABELS), flush=True)
    print("span decoding, whole pipeline on dev (thresholds tuned by each config on train + dev)")
    out["decoding"] = {}
    for name, kw in {"default: reranker, grow into up to 3 neighbours": {},
                     "without the reranker (entry context)": dict(entry_context=False),
                     "join accepted neighbours only": dict(max_extend=0),
                     "grow into 1 neighbour": dict(max_extend=1),
                     "sample weights: each gold span weighs 1": dict(unit_weighting="span")}.items():
        res = evaluate(fit_pipeline(splits["train"], splits["dev"], TrainConfig(**kw)), splits["dev"])
        sp = res["spans"]
        fps = sum(v["marked"] for v in sp["hard_negative_fp_rate"].values())
        out["decoding"][name] = {"overlap_f1": sp["overlap"]["f1"], "exact_f1": sp["exact"]["f1"],
                                 "label_accuracy": sp["label_accuracy"], "hard_negatives_marked": fps,
                                 "entry_macro_f1": res["labels"]["macro_f1"]}
        r = out["decoding"][name]
        print(f"  {name:<40} overlap F1 {r['overlap_f1']:.3f}  exact F1 {r['exact_f1']:.3f}  "
              f"label acc. {r['label_accuracy']:.3f}  hard negatives marked {fps}  entry macro-F1 "
              f"{r['entry_macro_f1']:.3f}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    # One BLAS/OpenMP thread, as in fit_pipeline: these fits bypass it, and their
    # results must not depend on the core count.
    with threadpool_limits(limits=1):
        sys.exit(main())
