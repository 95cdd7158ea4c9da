"""Does padding the detector's missing context help sentences at an entry's edges?

    python benchmarks/probes/edge_padding_cv.py

A probe, not part of ``run_all.sh``. Writer-grouped 5-fold CV over the sentence
units of train + dev, as ``detector_cv.py``: a class-balanced logistic
regression (C=4) on the shipped detector features, with and without
``TrainConfig(unit_pad_context=True)``, which counts each context token that
falls outside the entry as an "entry starts/ends here" feature. Reports average
precision of "this sentence lies in a gold realization" on held-out writers,
over all sentences and over the sentences of entries of one to three sentences,
and the mean score given to negative sentences of one-sentence entries.
Output of the run quoted in the model card: ``benchmarks/results/probes/edge_padding_cv.txt``.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from detector_cv import sentence_units  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import average_precision_score  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402

from breakthrough_nlp.training import TrainConfig, make_detector  # noqa: E402


def main() -> int:
    warnings.simplefilter("ignore")
    records, t, writers = sentence_units()
    units, y = t.units, t.y_units
    n_in_entry = np.bincount(t.owners)[t.owners]
    short = n_in_entry <= 3
    single_neg = (n_in_entry == 1) & (y == 0)
    mats = {name: make_detector(TrainConfig(unit_pad_context=pad)).named_steps["features"].fit(units).transform(units)
            for name, pad in (("shipped features", False), ("with edge padding", True))}
    print(f"{len(units)} sentence units ({int(y.sum())} in a gold span) of {len(records)} train + dev entries; "
          f"{int(short.sum())} in entries of 1-3 sentences ({int(y[short].sum())} positive), "
          f"{int(single_neg.sum())} negative one-sentence entries")
    res: dict[str, dict[str, list[float]]] = {}
    for fit, held in GroupKFold(5).split(units, groups=writers):
        for name, X in mats.items():
            clf = LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000, solver="liblinear")
            p = clf.fit(X[fit], y[fit]).predict_proba(X[held])[:, 1]
            r = res.setdefault(name, {"all": [], "short": [], "single_neg": []})
            r["all"].append(average_precision_score(y[held], p))
            hs = short[held]
            r["short"].append(average_precision_score(y[held][hs], p[hs]))
            r["single_neg"].append(float(p[single_neg[held]].mean()))
    base = res["shipped features"]
    for name, r in res.items():
        parts = []
        for key, label in (("all", "AP all"), ("short", "AP 1-3-sentence entries")):
            d = np.asarray(r[key]) - np.asarray(base[key])
            parts.append(f"{label} {np.mean(r[key]):.4f} (diff {d.mean():+.4f} [{d.min():+.4f}, {d.max():+.4f}])")
        parts.append(f"mean score, negative one-sentence entries {np.mean(r['single_neg']):.3f}")
        print(f"{name:20s} " + "; ".join(parts))
    return 0


if __name__ == "__main__":
    # One BLAS/OpenMP thread, as in fit_pipeline: these fits bypass it, and their
    # results must not depend on the core count.
    with threadpool_limits(limits=1):
        sys.exit(main())
