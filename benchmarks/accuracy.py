"""Accuracy of the shipped model against baselines on the corpus test split.

    python benchmarks/accuracy.py [--model DIR] [--json OUT.json]

Entry labels: per-label P/R/F1 and macro-F1. Spans: exact and overlap F1, label
accuracy on matches, and each hard-negative type's false-positive rate. Systems:
the shipped model, its learned scorer alone (context rules off), a cue-word
baseline, and TF-IDF + logistic regression (whole entry for labels, single
sentences for spans). 95% confidence intervals come from 1,000 bootstrap
resamples of test entries; differences are paired (same resample for both).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import breakthrough_nlp  # noqa: E402
from baselines import CueWordBaseline, TfidfEntryBaseline, TfidfSentenceBaseline  # noqa: E402
from breakthrough_nlp.corpus import load_splits  # noqa: E402
from breakthrough_nlp.evaluation import label_prf, span_prf  # noqa: E402
from breakthrough_nlp.labels import LABELS  # noqa: E402

N_BOOT = 1000


def _per_entry(records, docs):
    """Per-entry counts so bootstrap resamples can be summed quickly."""
    lab = np.zeros((len(records), len(LABELS), 3))  # tp, fp, fn
    spans = np.zeros((len(records), 2, 3))  # exact / overlap x tp, fp, fn
    for i, (r, d) in enumerate(zip(records, docs)):
        for j, label in enumerate(LABELS):
            g, p = label in r.labels, label in d._.breakthroughs
            lab[i, j] = [g and p, p and not g, g and not p]
        res = span_prf([r], [d])
        for k, kind in enumerate(("exact", "overlap")):
            spans[i, k] = [res[kind]["tp"], res[kind]["fp"], res[kind]["fn"]]
    return lab, spans


def _f1(c):
    tp, fp, fn = c[..., 0], c[..., 1], c[..., 2]
    return np.where(2 * tp + fp + fn > 0, 2 * tp / np.maximum(2 * tp + fp + fn, 1e-9), 0.0)


def _metrics(lab, spans, idx):
    lab_f1 = _f1(lab[idx].sum(axis=0))
    return {"macro_f1": float(lab_f1.mean()), "span_exact_f1": float(_f1(spans[idx, 0].sum(axis=0))),
            "span_overlap_f1": float(_f1(spans[idx, 1].sum(axis=0)))}


def bootstrap(per_system: dict, n: int, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    samples = [rng.integers(0, n, n) for _ in range(N_BOOT)]
    out = {}
    for name, (lab, spans) in per_system.items():
        draws = [_metrics(lab, spans, idx) for idx in samples]
        out[name] = {k: [round(float(np.percentile([d[k] for d in draws], q)), 4) for q in (2.5, 97.5)]
                     for k in draws[0]}
    model = per_system["shipped model"]
    for name, (lab, spans) in per_system.items():
        if name == "shipped model":
            continue
        diffs = [{k: _metrics(*model, idx)[k] - _metrics(lab, spans, idx)[k] for k in ("macro_f1", "span_exact_f1",
                                                                                        "span_overlap_f1")}
                 for idx in samples]
        out[f"shipped model - {name}"] = {
            k: [round(float(np.percentile([d[k] for d in diffs], q)), 4) for q in (2.5, 97.5)] for k in diffs[0]}
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("--corpus", default=str(ROOT / "corpora" / "journal-breakthroughs"))
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    splits = load_splits(args.corpus)
    test = splits["test"]
    texts = [r.text for r in test]
    nlp = breakthrough_nlp.load(args.model)
    # The learned scorer alone: retrained with the context layer off (no ConText features, no rejections).
    from breakthrough_nlp.training import TrainConfig, fit_pipeline

    scorer_alone = fit_pipeline(splits["train"], splits["dev"], TrainConfig(use_context_rules=False))
    t0 = time.perf_counter()
    systems = {
        "shipped model": nlp,
        "learned scorer alone (retrained, no context layer)": scorer_alone,
        "shipped model, context layer off at inference": breakthrough_nlp.load(args.model, config={
            "components.breakthrough_realizations.use_context_rules": False}),
        "cue-word baseline": CueWordBaseline(),
        "TF-IDF + LR (entry labels)": TfidfEntryBaseline(splits["train"], splits["dev"]),
        "TF-IDF + LR (sentence spans)": TfidfSentenceBaseline(splits["train"], splits["dev"]),
    }
    results, per_system = {}, {}
    for name, system in systems.items():
        docs = list(system.pipe(texts))
        results[name] = {"labels": label_prf(test, docs), "spans": span_prf(test, docs)}
        per_system[name] = _per_entry(test, docs)
    results["bootstrap_95ci"] = bootstrap(per_system, len(test))
    results["test_entries"] = len(test)
    results["seconds"] = round(time.perf_counter() - t0, 1)
    print(f"{'system':<42}{'macro-F1':>9}{'exact':>8}{'overlap':>9}{'lab.acc':>8}")
    for name in systems:
        r = results[name]
        acc = r["spans"]["label_accuracy"]
        print(f"{name:<42}{r['labels']['macro_f1']:>9.3f}{r['spans']['exact']['f1']:>8.3f}"
              f"{r['spans']['overlap']['f1']:>9.3f}{'n/a' if acc is None else format(acc, '.3f'):>8}")
    print(json.dumps(results["bootstrap_95ci"], indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    # One BLAS/OpenMP thread, as in fit_pipeline: these fits bypass it, and their
    # results must not depend on the core count.
    with threadpool_limits(limits=1):
        sys.exit(main())
