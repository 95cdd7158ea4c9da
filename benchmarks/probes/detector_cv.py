"""Sentence-detector feature blocks, writer-grouped 5-fold CV over the sentences of train + dev.

    python benchmarks/probes/detector_cv.py

A probe, not part of ``run_all.sh``. Scores each sentence unit with a
class-balanced logistic regression (C=4, uncalibrated: calibration does not
change a ranking) and reports average precision of "this sentence lies in a
gold realization" on held-out writers, for the shipped detector features and
for the same features plus a second block of the sentence's own n-grams,
normalized apart from the context words (``TrainConfig.unit_own_ngrams``), or
plus a scikit-learn TF-IDF block of the sentence text. The own-words block
was not adopted: its gain here did not carry to span F1 in the full pipeline
(``benchmarks/results/cross_validation_own_words_join.txt``).
Output of the run quoted in the model card: ``benchmarks/results/probes/detector_cv.txt``.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import average_precision_score  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402

from breakthrough_nlp.corpus import load_splits  # noqa: E402
from breakthrough_nlp.training import TrainConfig, blank_pipeline, make_detector, make_docs, span_targets  # noqa: E402


def sentence_units():
    """The sentence units of train + dev, their targets and each unit's writer (shared by the detector probes)."""
    splits = load_splits(ROOT / "corpora" / "journal-breakthroughs")
    records = splits["train"] + splits["dev"]
    nlp = blank_pipeline()
    t = span_targets(nlp.get_pipe("breakthrough_realizations"), make_docs(nlp, records), records)
    writers = [records[o].author or records[o].id for o in t.owners]
    return records, t, writers


def main() -> int:
    warnings.simplefilter("ignore")
    records, t, writers = sentence_units()
    units, y = t.units, t.y_units
    shipped = make_detector(TrainConfig(unit_own_ngrams=None)).named_steps["features"].fit(units).transform(units)
    # The detector's own-words block as TrainConfig(unit_own_ngrams=...) builds it.
    blocks = {f"own {lo}-{hi}-grams": make_detector(TrainConfig(unit_own_ngrams=(lo, hi))).named_steps["features"]
              .transformer_list[1][1].fit(units).transform(units) for lo, hi in ((1, 2), (1, 3))}
    text = [u.text for u in units]
    print(f"{len(units)} sentence units ({int(y.sum())} in a gold span) of {len(records)} train + dev entries")
    res: dict[str, list[float]] = {}
    for fit, held in GroupKFold(5).split(units, groups=writers):
        tfidf = TfidfVectorizer(ngram_range=(1, 3), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b|[^\w\s]")
        tf_fit, tf_held = tfidf.fit_transform([text[i] for i in fit]), tfidf.transform([text[i] for i in held])
        mats = {"shipped features": (shipped[fit], shipped[held])}
        for name, block in blocks.items():
            mats[f"shipped + {name}"] = (sp.hstack([shipped[fit], block[fit]]).tocsr(),
                                         sp.hstack([shipped[held], block[held]]).tocsr())
        mats["shipped + TF-IDF 1-3-grams"] = (sp.hstack([shipped[fit], tf_fit]).tocsr(),
                                              sp.hstack([shipped[held], tf_held]).tocsr())
        for name, (a, b) in mats.items():
            clf = LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000, solver="liblinear")
            p = clf.fit(a, y[fit]).predict_proba(b)[:, 1]
            res.setdefault(name, []).append(average_precision_score(y[held], p))
    base = np.asarray(res["shipped features"])
    for name, v in res.items():
        d = np.asarray(v) - base
        print(f"{name:32s} AP {np.mean(v):.4f}  diff {d.mean():+.4f} [{d.min():+.4f}, {d.max():+.4f}]")
    return 0


if __name__ == "__main__":
    # One BLAS/OpenMP thread, as in fit_pipeline: these fits bypass it, and their
    # results must not depend on the core count.
    with threadpool_limits(limits=1):
        sys.exit(main())
