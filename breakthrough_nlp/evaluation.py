"""Evaluation by the guide: entry labels, realization spans, hard negatives.

Span matching follows the guide and the issue tracker's definition:

* **exact**: same start and end after trailing closing punctuation is removed
  from both;
* **overlap**: the two spans share tokens amounting to at least half of the
  longer one (one-to-one, greedy by overlap).

Label accuracy is measured on overlap-matched pairs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from spacy.attrs import IDX, IS_SPACE, LENGTH
from spacy.language import Language
from spacy.tokens import Doc

from .corpus import Record, as_records
from .labels import LABELS, SPANS_KEY

CLOSING = ".,;:!?…"


def strip_closing(text: str, start: int, end: int) -> tuple[int, int]:
    """Character range without trailing closing punctuation or surrounding whitespace (exact match's rule)."""
    while end > start and (text[end - 1] in CLOSING or text[end - 1].isspace()):
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return start, end


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def _token_ids(starts: np.ndarray, ends: np.ndarray, span: tuple[int, int]) -> set[int]:
    """Indices of tokens (char ranges starts/ends) that intersect ``span``."""
    s, e = span
    return set(np.nonzero((starts < e) & (ends > s))[0].tolist())


def match_spans(
    doc: Doc, gold: Sequence[tuple[int, int]], pred: Sequence[tuple[int, int]], text: str | None = None
) -> tuple[list[tuple[int, int]], set[tuple[int, int]]]:
    """Overlap matches (gold index, pred index) and the set of exact matches.

    ``text`` is the doc's text when the caller has it: ``Doc.text`` rebuilds the
    string from every token, which dominated threshold tuning.
    """
    text = doc.text if text is None else text
    g = [strip_closing(text, *x) for x in gold]
    p = [strip_closing(text, *x) for x in pred]
    exact = {(i, j) for i, a in enumerate(g) for j, b in enumerate(p) if a == b}
    if not g or not p:
        return [], exact
    arr = doc.to_array([IDX, LENGTH, IS_SPACE]).astype(np.int64) if len(doc) else np.zeros((0, 3), dtype=np.int64)
    arr = arr[arr[:, 2] == 0]
    starts, ends = arr[:, 0], arr[:, 0] + arr[:, 1]
    gt = [_token_ids(starts, ends, x) for x in g]
    pt = [_token_ids(starts, ends, x) for x in p]
    pairs = []
    for i, a in enumerate(gt):
        for j, b in enumerate(pt):
            inter = len(a & b)
            if inter and inter >= 0.5 * max(len(a), len(b)):
                pairs.append((inter, i, j))
    used_g, used_p, matched = set(), set(), []
    for _inter, i, j in sorted(pairs, reverse=True):
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            matched.append((i, j))
    return matched, exact


def covers(unit: tuple[int, int], gold: tuple[int, int]) -> bool:
    """Whether character ranges ``unit`` and ``gold`` share at least half of the shorter one.

    The rule that makes a sentence a positive detector example: a gold span covers
    most of it, or it covers most of a short gold span.
    """
    overlap = min(unit[1], gold[1]) - max(unit[0], gold[0])
    return overlap > 0 and overlap >= 0.5 * min(unit[1] - unit[0], gold[1] - gold[0])


def _text_of(doc: Doc, rec: Record) -> str | None:
    """``rec.text`` when ``doc`` was made from it (same length), else ``None`` (use ``doc.text``)."""
    if not len(doc):
        return None
    last = doc[-1]
    return rec.text if last.idx + len(last.text_with_ws) == len(rec.text) else None


def predicted_spans(doc: Doc, threshold: float | None = None) -> list[tuple[int, int, str, float]]:
    group = doc.spans.get(SPANS_KEY, [])
    scores = group.attrs.get("scores", [1.0] * len(group)) if len(group) else []
    out = []
    for span, score in zip(group, scores):
        if threshold is None or score >= threshold:
            out.append((span.start_char, span.end_char, span.label_, float(score)))
    return out


def span_prf(records: Sequence[Record], docs: Sequence[Doc], threshold: float | None = None) -> dict[str, Any]:
    """Exact and overlap span P/R/F1, label accuracy on matches, decoy false positives."""
    ex = [0, 0, 0]
    ov = [0, 0, 0]
    label_hits = label_total = 0
    decoy_total: Counter[str] = Counter()
    decoy_hit: Counter[str] = Counter()
    for rec, doc in zip(records, docs):
        pred = predicted_spans(doc, threshold)
        gold = [(s["start"], s["end"]) for s in rec.spans]
        matched, exact = match_spans(doc, gold, [(s, e) for s, e, _, _ in pred], _text_of(doc, rec))
        exact_g = {i for i, _ in exact}
        exact_p = {j for _, j in exact}
        ex[0] += len(exact_g)
        ex[1] += len(pred) - len(exact_p)
        ex[2] += len(gold) - len(exact_g)
        ov[0] += len(matched)
        ov[1] += len(pred) - len(matched)
        ov[2] += len(gold) - len(matched)
        for i, j in matched:
            label_total += 1
            label_hits += int(rec.spans[i]["label"] == pred[j][2])
        for d in rec.decoys:
            decoy_total[d["type"]] += 1
            if any(min(d["end"], e) > max(d["start"], s) for s, e, _, _ in pred):
                decoy_hit[d["type"]] += 1
    return {
        "exact": _prf(*ex),
        "overlap": _prf(*ov),
        "label_accuracy": round(label_hits / label_total, 4) if label_total else None,  # no matches: undefined
        "matched": label_total,
        "hard_negative_fp_rate": {
            t: {"rate": round(decoy_hit[t] / n, 4), "marked": decoy_hit[t], "total": n}
            for t, n in sorted(decoy_total.items())
        },
    }


def label_prf(records: Sequence[Record], docs: Sequence[Doc]) -> dict[str, Any]:
    """Per-label P/R/F1 of ``doc._.breakthroughs``, macro-F1, and Brier score of ``doc.cats``."""
    out: dict[str, Any] = {}
    for label in LABELS:
        tp = fp = fn = 0
        brier = []
        for rec, doc in zip(records, docs):
            g = label in rec.labels
            p = label in doc._.breakthroughs
            tp += g and p
            fp += p and not g
            fn += g and not p
            brier.append((doc.cats.get(label, 0.0) - g) ** 2)
        out[label] = dict(_prf(tp, fp, fn), brier=round(float(np.mean(brier)) if brier else 0.0, 4), support=tp + fn)
        if tp + fp + fn == 0:  # nothing to find and nothing claimed: F1 is undefined, not 0
            out[label].update(precision=None, recall=None, f1=None)
    defined = [out[lab]["f1"] for lab in LABELS if out[lab]["f1"] is not None]
    out["macro_f1"] = round(float(np.mean(defined)), 4) if defined else None
    return out


def reliability_table(records: Sequence[Record], docs: Sequence[Doc], bins: int = 5) -> dict[str, list[dict]]:
    """Per label: mean predicted probability vs observed frequency in equal-width bins."""
    table: dict[str, list[dict]] = {}
    for label in LABELS:
        p = np.asarray([d.cats.get(label, 0.0) for d in docs])
        y = np.asarray([label in r.labels for r in records], dtype=float)
        table[label] = _bins(p, y, bins)
    return table


def _bins(p: np.ndarray, y: np.ndarray, bins: int) -> list[dict]:
    """Mean score against observed share in ``bins`` equal-width bins (empty bins left out)."""
    rows = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        m = (p >= lo) & ((p < hi) if b < bins - 1 else (p <= hi))
        if m.any():
            rows.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": int(m.sum()), "mean_p": round(float(p[m].mean()), 3),
                         "observed": round(float(y[m].mean()), 3)})
    return rows


def marked_span_hits(records: Sequence[Record], docs: Sequence[Doc]) -> tuple[list[float], list[float]]:
    """Each marked span's score, and 1.0 where it overlap-matches a gold span of its entry (else 0.0)."""
    scores, hits = [], []
    for rec, doc in zip(records, docs):
        pred = predicted_spans(doc)
        matched, _ = match_spans(doc, [(s["start"], s["end"]) for s in rec.spans], [(s, e) for s, e, _, _ in pred],
                                 _text_of(doc, rec))
        matched_pred = {j for _, j in matched}
        for j, (_, _, _, score) in enumerate(pred):
            scores.append(score)
            hits.append(float(j in matched_pred))
    return scores, hits


def span_reliability(records: Sequence[Record], docs: Sequence[Doc], bins: int = 5) -> dict[str, Any]:
    """Are the realization scores calibrated? Two reliability tables and Brier scores.

    ``sentences``: every candidate sentence's score (``doc.spans["realization_candidates"]``)
    against whether a gold span covers at least half of it or it at least half of the
    span (the rule the detector is trained on). ``spans``: each marked span's score
    against whether it overlap-matches a gold span, which also counts extent errors.
    """
    from .labels import CANDIDATES_KEY

    sp, sy = [], []
    for rec, doc in zip(records, docs):
        gold = [strip_closing(rec.text, s["start"], s["end"]) for s in rec.spans]
        cands = doc.spans.get(CANDIDATES_KEY)
        if cands is not None:
            for span, score in zip(cands, cands.attrs.get("scores", [])):
                sp.append(float(score))
                sy.append(float(any(covers((span.start_char, span.end_char), g) for g in gold)))
    mp, my = marked_span_hits(records, docs)
    out: dict[str, Any] = {}
    for name, p, y in (("sentences", sp, sy), ("spans", mp, my)):
        p_, y_ = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
        out[name] = {"n": len(p_), "brier": round(float(np.mean((p_ - y_) ** 2)), 4) if len(p_) else 0.0,
                     "bins": _bins(p_, y_, bins)}
    return out


def evaluate(nlp: Language, records: Sequence[Record | dict[str, Any]], *, batch_size: int = 64) -> dict[str, Any]:
    """Run ``nlp`` over ``records`` and score labels and spans against the gold.

    ``records`` come from :func:`read_corpus`, or are mappings in the corpus format (validated first).
    """
    records = as_records(records)
    docs = list(nlp.pipe((r.text for r in records), batch_size=batch_size))
    return {
        "entries": len(records),
        "labels": label_prf(records, docs),
        "spans": span_prf(records, docs),
        "calibration": reliability_table(records, docs),
        "span_calibration": span_reliability(records, docs),
    }


def format_table(result: dict[str, Any]) -> str:
    """A plain-text report of :func:`evaluate`'s result."""
    lines = [f"entries: {result['entries']}", "", f"{'label':<10}{'P':>8}{'R':>8}{'F1':>8}{'Brier':>8}"]
    def num(x: float | None) -> str:
        return f"{x:>8.3f}" if x is not None else f"{'n/a':>8}"

    for label in LABELS:
        r = result["labels"][label]
        lines.append(f"{label:<10}{num(r['precision'])}{num(r['recall'])}{num(r['f1'])}{num(r['brier'])}"
                     f"   (support {r.get('support', '?')})")
    lines.append(f"{'macro-F1':<10}{'':>16}{num(result['labels']['macro_f1'])}"
                 + ("   (over the labels with gold or predicted entries)" if any(
                     result["labels"][lab]["f1"] is None for lab in LABELS) else ""))
    lines += ["", f"{'spans':<10}{'P':>8}{'R':>8}{'F1':>8}"]
    for kind in ("exact", "overlap"):
        r = result["spans"][kind]
        lines.append(f"{kind:<10}{r['precision']:>8.3f}{r['recall']:>8.3f}{r['f1']:>8.3f}")
    lines.append(f"span label accuracy on overlap matches: {num(result['spans']['label_accuracy']).strip()} "
                 f"(n={result['spans']['matched']})")
    cal = result.get("span_calibration")
    if cal:
        lines.append(f"realization score Brier: sentences {cal['sentences']['brier']:.3f} (n={cal['sentences']['n']}), "
                     f"marked spans {cal['spans']['brier']:.3f} (n={cal['spans']['n']})")
    fps = result["spans"]["hard_negative_fp_rate"]
    if fps:
        lines += ["", "hard negatives marked (false-positive rate):"]
        for t, r in fps.items():
            lines.append(f"  {t:<14}{r['rate']:>7.3f}  ({r['marked']}/{r['total']})")
    return "\n".join(lines)
