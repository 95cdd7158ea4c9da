"""Join model regularization, writer-grouped 5-fold CV over the adjacent-sentence pairs of train + dev.

    python benchmarks/probes/join_cv.py

A probe, not part of ``run_all.sh``. Builds the join model's training pairs
from train + dev with cross-fitted detector scores (as training does), fits
the join model at several C on four folds of writers and reports average
precision and accuracy of "these two sentences are one realization" on the
fifth. C=0.1 was not adopted: its gain here did not carry to span F1 in the
full pipeline (``benchmarks/results/cross_validation_own_words_join.txt``).
Output of the run quoted in the model card: ``benchmarks/results/probes/join_cv.txt``.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sklearn.metrics import average_precision_score  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402

from breakthrough_nlp.corpus import load_splits  # noqa: E402
from breakthrough_nlp.training import (TrainConfig, _cross_fitted_scores, blank_pipeline, join_examples,  # noqa: E402
                                       make_docs, make_joiner, span_targets)

GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 4.0)


def main() -> int:
    warnings.simplefilter("ignore")
    splits = load_splits(ROOT / "corpora" / "journal-breakthroughs")
    records = splits["train"] + splits["dev"]
    cfg = TrainConfig()
    nlp = blank_pipeline()
    docs = make_docs(nlp, records)
    t = span_targets(nlp.get_pipe("breakthrough_realizations"), docs, records)
    X, y = join_examples(t, _cross_fitted_scores(records, t, cfg))
    index = {id(d): i for i, d in enumerate(docs)}
    writers = [records[index[id(pair[0].doc)]].author or records[index[id(pair[0].doc)]].id for pair in X]
    print(f"{len(X)} sentence pairs ({int(y.sum())} joined in gold) of {len(records)} train + dev entries; "
          f"shipped join_C={cfg.join_C}")
    res: dict[float, list[tuple[float, float]]] = {}
    for fit, held in GroupKFold(5).split(X, groups=writers):
        for C in GRID:
            model = make_joiner(TrainConfig(join_C=C)).fit([X[i] for i in fit], y[fit])
            p = model.predict_proba([X[i] for i in held])[:, 1]
            res.setdefault(C, []).append((average_precision_score(y[held], p), float(np.mean((p > 0.5) == y[held]))))
    base = np.asarray(res[cfg.join_C])
    for C, v in res.items():
        v = np.asarray(v)
        d = v[:, 0] - base[:, 0]
        print(f"join_C={C:<5} AP {v[:, 0].mean():.4f}  diff {d.mean():+.4f} [{d.min():+.4f}, {d.max():+.4f}]  "
              f"accuracy {v[:, 1].mean():.4f}")
    return 0


if __name__ == "__main__":
    # One BLAS/OpenMP thread, as in fit_pipeline: these fits bypass it, and their
    # results must not depend on the core count.
    with threadpool_limits(limits=1):
        sys.exit(main())
