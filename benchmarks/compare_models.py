"""Compare two models on dev and test: entry labels (with and without thresholds) and spans.

    git worktree add /tmp/old fe1941a
    (cd /tmp/old && python -m breakthrough_nlp.cli train /path/to/repo/corpora/journal-breakthroughs -o /tmp/old-model)
    python benchmarks/compare_models.py --old-code /tmp/old --old-model /tmp/old-model [--new-model DIR]

Each model runs in a fresh process with its own code on ``sys.path`` (a model is
only meaningful with the decoder that trained it). Reports, per split: mean
average precision of ``doc.cats`` (threshold-free), macro-F1 at the model's own
thresholds, and macro-F1 if thresholds were chosen on that split itself (an
upper bound, for diagnosis only: nothing is tuned on test); span overlap and
exact F1. Then paired bootstraps (1,000 resamples of test entries) of the
differences in macro-F1 and in both span F1s.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from sklearn.metrics import average_precision_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "corpora" / "journal-breakthroughs"

from breakthrough_nlp.corpus import read_jsonl  # noqa: E402
from breakthrough_nlp.labels import LABELS  # noqa: E402
from breakthrough_nlp.training import TrainConfig, best_threshold, label_matrix  # noqa: E402

DUMP = """
import json, sys
sys.path.insert(0, sys.argv[1])
import breakthrough_nlp
from breakthrough_nlp.corpus import read_jsonl
nlp = breakthrough_nlp.load(sys.argv[2], trusted=True)
out = {}
for split in ("dev", "test"):
    recs = read_jsonl(sys.argv[3] + f"/{split}.jsonl")
    docs = list(nlp.pipe([r.text for r in recs]))
    out[split] = {"cats": [d.cats for d in docs], "labels": [list(d._.breakthroughs) for d in docs],
                  "spans": [[[s.start_char, s.end_char] for s in d.spans.get("realizations", [])] for d in docs]}
json.dump(out, open(sys.argv[4], "w"))
"""


def predictions(code: Path, model: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "pred.json"
        subprocess.run([sys.executable, "-c", DUMP, str(code), str(model), str(CORPUS), str(out)], check=True)
        return json.loads(out.read_text())


def macro_f1(Y: np.ndarray, P: np.ndarray) -> float:
    f = []
    for j in range(Y.shape[1]):
        tp = int((Y[:, j] & P[:, j]).sum())
        f.append(2 * tp / max(2 * tp + int((~Y[:, j] & P[:, j]).sum()) + int((Y[:, j] & ~P[:, j]).sum()), 1))
    return float(np.mean(f))


def span_counts(split: str, pred: list[list[list[int]]], make_doc) -> np.ndarray:
    """Per entry: overlap matches, exact matches, predicted spans, gold spans."""
    from breakthrough_nlp.evaluation import match_spans

    rows = []
    for rec, spans in zip(read_jsonl(CORPUS / f"{split}.jsonl"), pred):
        gold_spans = [(s["start"], s["end"]) for s in rec.spans]
        matched, exact = match_spans(make_doc(rec.text), gold_spans, [tuple(x) for x in spans])
        rows.append((len(matched), len({i for i, _ in exact}), len(spans), len(gold_spans)))
    return np.asarray(rows)


def span_f1(counts: np.ndarray, col: int, weights: np.ndarray | None = None) -> float:
    w = np.ones(len(counts)) if weights is None else weights
    return float(2 * (counts[:, col] * w).sum() / max(((counts[:, 2] + counts[:, 3]) * w).sum(), 1))


def gold(split: str) -> np.ndarray:
    return label_matrix(read_jsonl(CORPUS / f"{split}.jsonl")).astype(bool)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--old-code", required=True)
    ap.add_argument("--old-model", required=True)
    ap.add_argument("--new-model", default=str(ROOT / "models" / "journal_breakthroughs"))
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    preds = {"old": predictions(Path(args.old_code), Path(args.old_model)),
             "new": predictions(ROOT, Path(args.new_model))}
    grid = TrainConfig().threshold_grid
    from breakthrough_nlp.api import load

    make_doc = load().make_doc  # one tokenizer for both models' spans: they are matched by token overlap
    counts = {(name, split): span_counts(split, pred[split]["spans"], make_doc)
              for name, pred in preds.items() for split in ("dev", "test")}
    out: dict = {}
    for name, pred in preds.items():
        for split in ("dev", "test"):
            Y = gold(split)
            S = np.asarray([[c[lab] for lab in LABELS] for c in pred[split]["cats"]])
            L = np.asarray([[lab in ls for lab in LABELS] for ls in pred[split]["labels"]])
            best = np.mean([best_threshold(Y[:, j].astype(int), S[:, j], grid)[1] for j in range(len(LABELS))])
            out[f"{name} {split}"] = {
                "mean_average_precision": round(float(np.mean([average_precision_score(Y[:, j], S[:, j])
                                                               for j in range(3)])), 4),
                "macro_f1_own_thresholds": round(macro_f1(Y, L), 4),
                "macro_f1_thresholds_chosen_on_this_split": round(float(best), 4),
                "span_overlap_f1": round(span_f1(counts[name, split], 0), 4),
                "span_exact_f1": round(span_f1(counts[name, split], 1), 4),
            }
    Y = gold("test")
    A = np.asarray([[lab in ls for lab in LABELS] for ls in preds["old"]["test"]["labels"]])
    B = np.asarray([[lab in ls for lab in LABELS] for ls in preds["new"]["test"]["labels"]])
    rng = np.random.default_rng(0)
    diffs = []
    for _ in range(1000):
        i = rng.integers(0, len(Y), len(Y))
        diffs.append(macro_f1(Y[i], B[i]) - macro_f1(Y[i], A[i]))
    out["test macro-F1, new minus old, 95% CI"] = [round(float(x), 3) for x in np.percentile(diffs, [2.5, 97.5])]
    for col, kind in ((0, "overlap"), (1, "exact")):
        rng = np.random.default_rng(0)
        diffs = []
        for _ in range(1000):
            w = np.bincount(rng.integers(0, len(Y), len(Y)), minlength=len(Y))
            diffs.append(span_f1(counts["new", "test"], col, w) - span_f1(counts["old", "test"], col, w))
        out[f"test span {kind} F1, new minus old, 95% CI"] = [round(float(x), 3)
                                                              for x in np.percentile(diffs, [2.5, 97.5])]
    for k, v in out.items():
        print(f"{k}: {v}")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
