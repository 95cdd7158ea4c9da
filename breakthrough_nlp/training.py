"""Train the pipeline from a corpus in the guide's format.

``train(corpus_dir)`` fits the realization marker and the entry categorizer on
``train.jsonl``, tunes the decision thresholds on ``dev.jsonl`` plus the training
entries scored by models that never saw their writer, and returns a
ready ``Language``. Training is deterministic: no default estimator draws random
numbers (liblinear's primal solver, gradient boosting without subsampling or
early stopping), the writer folds are not shuffled, and training runs with BLAS
and OpenMP limited to one thread, because multi-threaded BLAS sums in a different
order (liblinear calls it), and the small differences grow into a visibly
different model (measured in the model card, "Model details"). For the same reason a
machine whose BLAS picks another CPU kernel trains a measurably different model; the
kernels are recorded in the model's meta (``training.blas``). ``seed`` is passed
to every estimator as ``random_state`` all the same, so that settings which do
draw random numbers stay reproducible; with the defaults every seed gives the
same model, so training noise cannot be sampled by changing it.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
import types
import typing
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import spacy
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.multioutput import MultiOutputClassifier
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from spacy.language import Language
from spacy.tokens import Doc, Span
from threadpoolctl import threadpool_info, threadpool_limits

from . import __version__
from .categorizer import BreakthroughCategorizer
from .context import Modifier
from .corpus import Record, as_records, load_splits
from .evaluation import covers, strip_closing
from .estimators import BoostedTreesClassifier
from .features import (CONTEXT_KEY, BoundaryFeatures, EntryContextFeatures, EntryWords, JoinFeatures, SpanEvidence,
                       TokenFeatures)
from .labels import LABELS
from .realizations import RealizationMarker, boundary_options
from .tokenizer import create_journal_tokenizer  # noqa: F401  (registers the tokenizer)
from .tokens import sentence_units

logger = logging.getLogger(__name__)

# What a trained pipeline's meta.json says of itself. spaCy would write ">=<its own version>,<3.9";
# the pipeline loads on every spaCy 3.8 from 3.8.2 (setup.cfg says the same).
MODEL_META = {
    "name": "journal_breakthroughs",
    "version": __version__,
    "spacy_version": ">=3.8.2,<3.9.0",
    "description": "Finds breakthrough moments (feelings, patterns, values) in journal entries and marks the "
                   "sentences that read like realizations. See README.md (the model card).",
    "license": "MIT",
}

PIPE_NAMES = ("breakthrough_sentencizer", "breakthrough_realizations", "breakthrough_categorizer")


@dataclass
class TrainConfig:
    """Hyper-parameters; the defaults were chosen on the dev split or by writer-grouped
    cross-validation over train + dev (``benchmarks/cross_validation.py``; see the model card)."""

    seed: int = 0  # every estimator's random_state; the defaults draw no random numbers (module docstring)
    doc_C: float = 16.0
    doc_n_features: int = 2**18
    doc_ngram_range: tuple[int, int] = (1, 2)
    doc_lexicon_weight: float = 0.5
    doc_shape_features: bool = False
    doc_span_evidence: bool = True
    calibrate_span_scores: bool = True
    unit_C: float = 4.0
    unit_context_window: int = 6
    unit_next_window: int = 6
    unit_shape_features: bool = False
    unit_weighting: str = "unit"
    unit_ngram_range: tuple[int, int] = (1, 2)
    unit_own_ngrams: tuple[int, int] | None = None
    unit_pad_context: bool = False
    entry_context: bool = True
    rerank_learning_rate: float = 0.05
    rerank_max_iter: int = 200
    rerank_max_depth: int = 3
    rerank_features: tuple[str, ...] | None = None
    boundary_C: float = 1.0
    join_C: float = 1.0
    label_C: float = 16.0
    label_entry_weight: float = 0.5
    label_balanced: bool = False
    use_context_rules: bool = True
    calibration_folds: int = 5
    calibration_ensemble: bool = False
    threshold_grid: tuple[float, ...] = tuple(np.round(np.arange(0.05, 0.96, 0.025), 3))
    join_threshold_grid: tuple[float, ...] = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
    extend_floor_grid: tuple[float, ...] = (0.0, 0.02, 0.03, 0.05, 0.08, 0.12, 0.16, 0.2)
    max_extend: int = 3
    threshold_data: str = "train+dev"

    def __post_init__(self) -> None:
        """Check every setting's type when the config is made, not minutes into training."""
        hints = typing.get_type_hints(type(self))
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, list):  # JSON has no tuples
                value = tuple(value)
                setattr(self, f.name, value)
            if not _matches(value, hints[f.name]):
                raise ValueError(f"TrainConfig.{f.name} must be {_type_name(hints[f.name])}, got {value!r}")
        for name in ("doc_C", "unit_C", "boundary_C", "join_C", "label_C", "rerank_learning_rate"):
            if not 0 < getattr(self, name) < float("inf"):
                raise ValueError(f"TrainConfig.{name} must be a positive, finite number, got {getattr(self, name)!r}")
        for name in ("doc_n_features", "rerank_max_iter", "rerank_max_depth"):
            if getattr(self, name) < 1:
                raise ValueError(f"TrainConfig.{name} must be at least 1, got {getattr(self, name)!r}")
        for name in ("unit_context_window", "unit_next_window", "max_extend"):
            if getattr(self, name) < 0:
                raise ValueError(f"TrainConfig.{name} must not be negative, got {getattr(self, name)!r}")
        for name in ("doc_ngram_range", "unit_ngram_range", "unit_own_ngrams"):
            rng = getattr(self, name)
            if rng is not None and not 1 <= rng[0] <= rng[1]:
                raise ValueError(f"TrainConfig.{name} must be (low, high) with 1 <= low <= high, got {rng!r}")
        if not 0 <= self.doc_lexicon_weight < float("inf") or not 0 <= self.label_entry_weight < float("inf"):
            raise ValueError("TrainConfig.doc_lexicon_weight and label_entry_weight must be finite and not negative")
        if self.calibration_folds < 2:
            raise ValueError(f"TrainConfig.calibration_folds must be at least 2, got {self.calibration_folds!r}")
        for name in ("threshold_grid", "join_threshold_grid"):
            grid = getattr(self, name)
            if not grid or not all(0.0 < t < 1.0 for t in grid):
                raise ValueError(f"TrainConfig.{name} must be a non-empty list of numbers between 0 and 1")

    @classmethod
    def from_json(cls, text: str, **defaults: Any) -> "TrainConfig":
        """A config from a JSON object of overrides (the CLI's and benchmarks' ``--config``).

        ``defaults`` apply where the JSON says nothing; an unknown setting is an
        error that lists the known ones.
        """
        try:
            values = json.loads(text)
        except json.JSONDecodeError as e:
            raise ValueError(f"--config is not valid JSON ({e.msg} at character {e.pos})") from None
        if not isinstance(values, dict):
            raise ValueError("--config must be a JSON object, e.g. '{\"entry_context\": true}'")
        fields = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - fields)
        if unknown:
            raise ValueError(f"--config: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(fields))}")
        return cls(**{**defaults, **values})


def _matches(value: Any, hint: Any) -> bool:
    """Whether ``value`` fits a TrainConfig type hint (ints pass for floats; bools pass only for bools)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_matches(value, a) for a in args)
    if hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, (bool, np.bool_))
    if isinstance(value, (bool, np.bool_)):
        return False
    if hint is float:
        return isinstance(value, (int, float, np.integer, np.floating))
    if hint is int:
        return isinstance(value, (int, np.integer))
    if hint is str:
        return isinstance(value, str)
    if origin is tuple:
        if not isinstance(value, tuple):
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_matches(v, args[0]) for v in value)
        return len(value) == len(args) and all(_matches(v, a) for v, a in zip(value, args))
    return True


def _type_name(hint: Any) -> str:
    return str(hint).replace("typing.", "").replace("<class '", "").replace("'>", "")


def blank_pipeline(use_context_rules: bool = True) -> Language:
    """``spacy.blank("en")`` with the three components, untrained.

    Settings that are not learned go into the components' config, so that
    ``config.cfg`` of a saved model records them.
    """
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "breakthrough.JournalTokenizer.v1"}}})
    for name in PIPE_NAMES:
        config = {"use_context_rules": bool(use_context_rules)} if name == "breakthrough_realizations" else {}
        nlp.add_pipe(name, config=config)
    return nlp


def _logreg(C: float, seed: int, balanced: bool = True) -> LogisticRegression:
    return LogisticRegression(
        C=C, class_weight="balanced" if balanced else None, max_iter=3000, solver="liblinear", random_state=seed
    )


def make_detector(cfg: TrainConfig) -> Pipeline:
    """Sentence scorer: its words with the words around it, and, with ``unit_own_ngrams`` (off by
    default: writer CV showed no gain on spans), a block of its own n-grams normalized apart."""
    words = TokenFeatures(ngram_range=cfg.unit_ngram_range, context_window=cfg.unit_context_window,
                          next_window=cfg.unit_next_window, shape_features=cfg.unit_shape_features,
                          pad_context=cfg.unit_pad_context)
    features = words
    if cfg.unit_own_ngrams:
        lo, hi = cfg.unit_own_ngrams
        own = TokenFeatures(ngram_range=(lo, hi), context_window=0, next_window=0,
                            shape_features=False, lexicon_weight=0.0)
        features = FeatureUnion([("words", words), ("own", own)])
    return Pipeline(
        [
            ("features", features),
            (
                "clf",
                CalibratedClassifierCV(_logreg(cfg.unit_C, cfg.seed), method="sigmoid", cv=cfg.calibration_folds,
                                       ensemble=cfg.calibration_ensemble),
            ),
        ]
    )


def make_reranker(cfg: TrainConfig) -> Pipeline:
    """Rescores the detector's sentence scores by where each sentence stands in its entry."""
    trees = BoostedTreesClassifier(learning_rate=cfg.rerank_learning_rate, max_iter=cfg.rerank_max_iter,
                                   max_depth=cfg.rerank_max_depth, random_state=cfg.seed)
    return Pipeline(
        [
            ("features", EntryContextFeatures(cv=cfg.calibration_folds, features=cfg.rerank_features)),
            ("clf", CalibratedClassifierCV(trees, method="sigmoid", cv=cfg.calibration_folds,
                                           ensemble=cfg.calibration_ensemble)),
        ]
    )


def make_boundary(cfg: TrainConfig) -> Pipeline:
    return Pipeline([("features", BoundaryFeatures()), ("clf", _logreg(cfg.boundary_C, cfg.seed))])


def make_joiner(cfg: TrainConfig) -> Pipeline:
    return Pipeline([("features", JoinFeatures()), ("clf", _logreg(cfg.join_C, cfg.seed))])


def make_labeler(cfg: TrainConfig) -> Pipeline:
    """Span category from the span's words and, at ``label_entry_weight``, its entry's words."""
    span = TokenFeatures(ngram_range=(1, 2), context_window=0)
    features = (FeatureUnion([("span", span), ("entry", EntryWords(weight=cfg.label_entry_weight))])
                if cfg.label_entry_weight > 0 else span)
    return Pipeline(
        [
            ("features", features),
            (
                "clf",
                LogisticRegression(C=cfg.label_C, class_weight="balanced" if cfg.label_balanced else None,
                                   max_iter=3000, random_state=cfg.seed),
            ),
        ]
    )


def make_categorizer_model(cfg: TrainConfig) -> Pipeline:
    words = TokenFeatures(n_features=cfg.doc_n_features, ngram_range=cfg.doc_ngram_range,
                          lexicon_weight=cfg.doc_lexicon_weight, shape_features=cfg.doc_shape_features)
    features = FeatureUnion([("words", words), ("spans", SpanEvidence())]) if cfg.doc_span_evidence else words
    return Pipeline(
        [
            ("features", features),
            (
                "clf",
                MultiOutputClassifier(
                    CalibratedClassifierCV(_logreg(cfg.doc_C, cfg.seed), method="sigmoid", cv=cfg.calibration_folds,
                                           ensemble=cfg.calibration_ensemble)
                ),
            ),
        ]
    )


def make_docs(nlp: Language, records: list[Record]) -> list[Doc]:
    """Tokenize and segment records (only the sentencizer runs)."""
    seg = nlp.get_pipe("breakthrough_sentencizer")
    return [seg(nlp.make_doc(r.text)) for r in records]


@dataclass
class SpanTargets:
    """Training targets for the realization marker, derived from gold spans."""

    units: list[Span]
    y_units: np.ndarray
    groups: list[tuple[list[Span], tuple[int, int]]]
    gold_ids: np.ndarray  # per unit: a key of the gold span it belongs to, or -1
    owners: np.ndarray  # per unit: index of its doc
    mods: list[list[Modifier]]  # per doc: the context modifiers found in it


def span_targets(marker: RealizationMarker, docs: list[Doc], records: list[Record]) -> SpanTargets:
    """Sentence units labelled 1 when a gold span covers most of them (or they most of it).

    Leaves the context modifiers on the docs (the detector's features read them);
    the caller removes them with ``doc.user_data.pop(CONTEXT_KEY)`` when done.

    Each gold span's run of units becomes a boundary-model group.
    """
    units: list[Span] = []
    y: list[int] = []
    mods: list[list[Modifier]] = []
    groups: list[tuple[list[Span], tuple[int, int]]] = []
    gold_ids: list[int] = []
    unit_owners: list[int] = []
    for d, (doc, rec) in enumerate(zip(docs, records)):
        mods.append(marker.annotate_context(doc))
        gold = [strip_closing(rec.text, s["start"], s["end"]) for s in rec.spans]
        owner: list[int | None] = []
        doc_units = [doc[s:e] for s, e in sentence_units(doc)]
        for unit in doc_units:
            u = (unit.start_char, unit.end_char)
            hit = next((gi for gi, g in enumerate(gold) if covers(u, g)), None)
            owner.append(hit)
            units.append(unit)
            y.append(int(hit is not None))
            gold_ids.append(-1 if hit is None else d * 1000 + hit)
            unit_owners.append(d)
        for gi, g in enumerate(gold):
            run = [u for u, o in zip(doc_units, owner) if o == gi]
            if run:
                groups.append((run, g))
    return SpanTargets(units, np.asarray(y), groups, np.asarray(gold_ids), np.asarray(unit_owners), mods)


def join_examples(t: SpanTargets, scores: np.ndarray, min_score: float = 0.2) -> tuple[list[tuple], np.ndarray]:
    """Adjacent sentence pairs for the join model, with detector scores.

    Every pair where either sentence belongs to a gold span or scores at least
    ``min_score`` (the pairs decoding will ask about); 1 when both sentences
    belong to the same gold span.
    """
    X, y = [], []
    for k in range(len(t.units) - 1):
        if t.owners[k] != t.owners[k + 1]:
            continue
        if t.gold_ids[k] < 0 and t.gold_ids[k + 1] < 0 and max(scores[k], scores[k + 1]) < min_score:
            continue
        X.append((t.units[k], t.units[k + 1], float(scores[k]), float(scores[k + 1])))
        y.append(int(t.gold_ids[k] >= 0 and t.gold_ids[k] == t.gold_ids[k + 1]))
    return X, np.asarray(y)


def boundary_examples(groups: list[tuple[list[Span], tuple[int, int]]]) -> tuple[list[Span], np.ndarray, float]:
    """Boundary options of each gold run of units, 1 where the option equals the gold span.

    Also returns the share of gold spans that some option reproduces exactly
    (the ceiling for exact-match recall).
    """
    cands: list[Span] = []
    y: list[int] = []
    covered = 0
    for run, gold in groups:
        doc = run[0].doc
        found = False
        for s, e in boundary_options(run):
            span = doc[s:e]
            match = strip_closing(doc.text, span.start_char, span.end_char) == gold
            found |= match
            cands.append(span)
            y.append(int(match))
        covered += found
    return cands, np.asarray(y), covered / max(len(groups), 1)


def label_examples(docs: list[Doc], records: list[Record]) -> tuple[list[Span], list[str]]:
    spans, labels = [], []
    for doc, rec in zip(docs, records):
        for s in rec.spans:
            span = doc.char_span(s["start"], s["end"], alignment_mode="expand")
            if span is not None and len(span):
                spans.append(span)
                labels.append(s["label"])
    return spans, labels


def check_training_data(train: list[Record], dev: list[Record], cfg: TrainConfig) -> None:
    """Refuse, before any fitting, data the pipeline cannot be trained on; warn where tuning will be weak."""
    if not train:
        raise ValueError("the training split is empty")
    if not dev:
        raise ValueError("the dev split is empty: thresholds are tuned on it")
    k = cfg.calibration_folds
    counts = label_matrix(train).sum(axis=0)
    short = [f"{label} ({int(n)})" for label, n in zip(LABELS, counts) if n < k]
    if short:
        raise ValueError(
            f"every label needs at least {k} training entries that carry it (probabilities are calibrated by "
            f"{k}-fold cross-validation); too few in the training split: {', '.join(short)}"
        )
    span_labels = Counter(s["label"] for r in train for s in r.spans)
    if not span_labels:
        raise ValueError("the training split has no realization spans: the span marker learns from them")
    if len(span_labels) < 2:
        raise ValueError(
            f"the span labeler needs realization spans of at least two categories in the training split; "
            f"found only {next(iter(span_labels))!r}"
        )
    if cfg.threshold_data == "train+dev":
        _require_full_writer_folds(train, label_matrix(train), k)
    if len({r.author or r.id for r in train}) < 2:
        warnings.warn(
            "the training split has one writer: held-out scores for threshold tuning are grouped by entry instead "
            "of by writer, so the tuned thresholds may suit this writer better than new ones",
            UserWarning, stacklevel=3,
        )
    dev_counts = label_matrix(dev).sum(axis=0)
    absent = [label for label, n in zip(LABELS, dev_counts) if n == 0]
    if not any(r.spans for r in dev):
        absent.append("realization spans")
    if absent:
        what = ", ".join(absent)
        tuned = "are tuned on dev alone" if cfg.threshold_data == "dev" else "use dev's scores"
        warnings.warn(
            f"the dev split ({len(dev)} entries) has no {what}: thresholds {tuned}, and dev scores for "
            "these are undefined",
            UserWarning, stacklevel=3,
        )


def label_matrix(records: list[Record]) -> np.ndarray:
    return np.asarray([[int(lab in r.labels) for lab in LABELS] for r in records])


def best_threshold(y: np.ndarray, p: np.ndarray, grid: tuple[float, ...]) -> tuple[float, float]:
    """The threshold on the grid with the best F1 (ties: the one nearest 0.5)."""
    best = (0.5, -1.0)
    for t in grid:
        pred = p >= t
        tp = int((pred & (y == 1)).sum())
        fp = int((pred & (y == 0)).sum())
        fn = int((~pred & (y == 1)).sum())
        f1 = 2 * tp / max(2 * tp + fp + fn, 1)
        if f1 > best[1] + 1e-9 or (abs(f1 - best[1]) <= 1e-9 and abs(t - 0.5) < abs(best[0] - 0.5)):
            best = (float(t), f1)
    return best


def fit_pipeline(train: Sequence[Record | dict[str, Any]], dev: Sequence[Record | dict[str, Any]],
                 cfg: TrainConfig | None = None) -> Language:
    """Fit every component on ``train`` and tune thresholds on ``dev`` (with
    ``threshold_data="train+dev"``, the default, also on ``train`` scored by cross-fitted models:
    on one small dev split the tuned thresholds move with small changes to the training data).

    BLAS and OpenMP run single-threaded meanwhile, so that the model does not depend on the
    machine's core count (see the module docstring)."""
    train, dev = as_records(train, "train"), as_records(dev, "dev")
    with threadpool_limits(limits=1):
        return _fit_pipeline(train, dev, cfg or TrainConfig())


def _fit_pipeline(train: list[Record], dev: list[Record], cfg: TrainConfig) -> Language:
    if cfg.threshold_data not in ("dev", "train+dev"):
        raise ValueError(f"threshold_data must be 'dev' or 'train+dev', got {cfg.threshold_data!r}")
    check_training_data(train, dev, cfg)
    t0 = time.perf_counter()
    nlp = blank_pipeline(use_context_rules=cfg.use_context_rules)
    marker = typing.cast(RealizationMarker, nlp.get_pipe("breakthrough_realizations"))
    marker.max_extend = cfg.max_extend
    cat = typing.cast(BreakthroughCategorizer, nlp.get_pipe("breakthrough_categorizer"))
    train_docs = make_docs(nlp, train)
    dev_docs = make_docs(nlp, dev)

    t = span_targets(marker, train_docs, train)
    if t.y_units.sum() < cfg.calibration_folds or (t.y_units == 0).sum() < cfg.calibration_folds:
        raise ValueError(
            f"not enough realization spans in the training split to train the span detector: it needs at least "
            f"{cfg.calibration_folds} sentences inside spans and {cfg.calibration_folds} outside; found "
            f"{int(t.y_units.sum())} and {int((t.y_units == 0).sum())}"
        )
    marker.detector = make_detector(cfg).fit(t.units, t.y_units, **_unit_weights(t, cfg))
    # Scores for the training sentences from detectors that never saw their writer:
    # the join model and the categorizer learn from them, so they must look like
    # the scores seen on new text.
    tr_scores = _cross_fitted_scores(train, t, cfg)
    if cfg.entry_context:
        marker.reranker = make_reranker(cfg).fit(list(zip(t.units, tr_scores.tolist())), t.y_units)
        tr_scores = _cross_fitted_rerank(train, t, tr_scores, cfg)
    X_join, y_join = join_examples(t, tr_scores)
    if len(set(y_join.tolist())) == 2:
        marker.joiner = make_joiner(cfg).fit(X_join, y_join)
    b_cands, y_b, coverage = boundary_examples(t.groups)
    if y_b.sum() and (y_b == 0).sum():
        marker.boundary = make_boundary(cfg).fit(b_cands, y_b)
    l_spans, l_labels = label_examples(train_docs, train)
    marker.labeler = make_labeler(cfg).fit(l_spans, l_labels)

    # Span thresholds: the best mean of overlap- and exact-match F1 on dev (and, with
    # threshold_data="train+dev", on the training entries decoded from their
    # cross-fitted scores), decoding cached scores.
    from .evaluation import span_prf

    units, owners, scores, mods = marker.score_units(dev_docs)
    if cfg.threshold_data == "train+dev":
        tune_recs, tune_docs = train + dev, train_docs + dev_docs
        tune_units = t.units + units
        tune_owners = t.owners.tolist() + [o + len(train_docs) for o in owners]
        tune_scores = np.concatenate([tr_scores, scores])
        tune_mods = t.mods + mods
    else:
        tune_recs, tune_docs, tune_units, tune_owners, tune_scores, tune_mods = dev, dev_docs, units, owners, scores, mods

    def tune_score(t_: float, jt: float) -> float:
        marker.decode(tune_docs, tune_units, tune_owners, tune_scores, tune_mods, t_, jt)
        r = span_prf(tune_recs, tune_docs)
        return (r["overlap"]["f1"] + r["exact"]["f1"]) / 2

    # Coordinate ascent, one setting at a time over its grid (on the shipped corpus it
    # picks the same settings as the full grid over all three, with a fifth of the decodes):
    # sentence threshold, join threshold, the floor for growing into a neighbour,
    # then both thresholds again with that floor. Ties go to the larger value.
    with marker.memoized():
        best_j = float(cfg.join_threshold_grid[len(cfg.join_threshold_grid) // 2])
        for _round in range(2):
            _, best_t = max((tune_score(t_, best_j), float(t_)) for t_ in cfg.threshold_grid)
            _, best_j = max((tune_score(best_t, jt), float(jt)) for jt in cfg.join_threshold_grid)
            if _round == 0:
                floors = []
                for floor in cfg.extend_floor_grid:
                    marker.extend_floor = float(floor)
                    floors.append((tune_score(best_t, best_j), float(floor)))  # ties: the stricter floor
                marker.extend_floor = max(floors)[1]
    marker.threshold, marker.join_threshold = best_t, best_j
    marker.decode(dev_docs, units, owners, scores, mods, best_t)
    dev_spans = span_prf(dev, dev_docs)
    for doc in dev_docs:
        doc.user_data.pop(CONTEXT_KEY, None)
    # Spans decoded from cross-fitted scores look like spans on new text: they give
    # the span-score calibration and, with doc_span_evidence, the categorizer's evidence.
    with marker.memoized():
        if cfg.calibrate_span_scores:
            marker.decode(train_docs, t.units, t.owners.tolist(), tr_scores, t.mods, marker.threshold)
            marker.span_calibration = fit_span_calibration(train, train_docs)
        if cfg.doc_span_evidence:
            marker.decode(train_docs, t.units, t.owners.tolist(), tr_scores, t.mods, marker.threshold)
    for doc in train_docs:
        doc.user_data.pop(CONTEXT_KEY, None)
        if not cfg.doc_span_evidence:
            for key in (marker.spans_key, marker.candidates_key):
                doc.spans.pop(key, None)

    Y = label_matrix(train)  # check_training_data made sure every label has enough entries
    cat.model = make_categorizer_model(cfg).fit(train_docs, Y)
    P = cat.predict_proba(dev_docs)
    Yd = label_matrix(dev)
    P_tune, Y_tune = P, Yd
    if cfg.threshold_data == "train+dev":
        P_tune = np.vstack([_cross_fitted_categories(train, train_docs, Y, cfg), P])
        Y_tune = np.vstack([Y, Yd])
    dev_f1 = {}
    for j, label in enumerate(LABELS):
        cat.thresholds[label], _ = best_threshold(Y_tune[:, j], P_tune[:, j], cfg.threshold_grid)
        dev_f1[label] = best_threshold(Yd[:, j], P[:, j], (cat.thresholds[label],))[1]
    info = {
        "seed": cfg.seed,
        "config": _config_record(cfg),
        "blas": _blas_kernels(),
        "train_entries": len(train),
        "dev_entries": len(dev),
        "train_seconds": round(time.perf_counter() - t0, 1),
        "boundary_candidate_coverage": round(coverage, 4),
        "dev_span_overlap_f1_at_threshold": dev_spans["overlap"]["f1"],
        "dev_span_exact_f1_at_threshold": dev_spans["exact"]["f1"],
        "dev_label_f1_at_threshold": {k: round(v, 4) for k, v in dev_f1.items()},
    }
    marker.meta = dict(info)
    cat.meta = dict(info)
    nlp.meta.update(MODEL_META)
    nlp.meta["training"] = info
    logger.info("trained in %.1fs", info["train_seconds"])
    return nlp


def _blas_kernels() -> list[str]:
    """The BLAS libraries training ran on, with the CPU kernel each chose (``openblas 0.3.31 SkylakeX``).

    Training is deterministic for one kernel; another kernel sums in another order, and
    the model comes out measurably different (model card, "Reproducibility").
    """
    return sorted({" ".join(str(i.get(k)) for k in ("internal_api", "version", "architecture") if i.get(k))
                   for i in threadpool_info() if i.get("user_api") == "blas"})


def _config_record(cfg: TrainConfig) -> dict[str, Any]:
    """The settings a model was trained with, as JSON, so that its own files say how to retrain it."""
    def plain(v: Any) -> Any:  # JSON types: tuples as lists, NumPy scalars as Python numbers
        if isinstance(v, tuple):
            return [plain(x) for x in v]
        return v.item() if isinstance(v, np.generic) else v

    return {k: plain(v) for k, v in dataclasses.asdict(cfg).items()}


def fit_span_calibration(records: list[Record], docs: list[Doc]) -> tuple[float, float] | None:
    """(slope, intercept) mapping a span's strongest-sentence log-odds to P(it overlap-matches gold).

    ``docs`` carry spans decoded without calibration, so their scores are the
    strongest sentences' scores. A sentence score says "this reads like an
    insight"; whether the marked words match the gold span also depends on the
    extent, so the span's own probability is lower and flatter. Returns None
    when every span matched or none did.
    """
    from .evaluation import marked_span_hits
    from .features import _logits

    x, hits = marked_span_hits(records, docs)
    y = [int(h) for h in hits]
    if len(set(y)) < 2:
        return None
    model = LogisticRegression(C=1.0).fit(_logits(x).reshape(-1, 1), y)
    return float(model.coef_[0, 0]), float(model.intercept_[0])


def _unit_weights(t: SpanTargets, cfg: TrainConfig, idx: np.ndarray | None = None) -> dict[str, Any]:
    """Detector sample weights: with ``unit_weighting="span"`` each gold span weighs 1 in all.

    With ``"unit"`` (the default) a span over four sentences counts four times, and its
    weakest sentences ("It isn't.") teach the detector little; the joiner adds them.
    Writer-fold cross-validation finds the two level (see the model card).
    """
    if cfg.unit_weighting not in ("span", "unit"):
        raise ValueError(f"unit_weighting must be 'span' or 'unit', got {cfg.unit_weighting!r}")
    if cfg.unit_weighting == "unit":
        return {}
    ids = t.gold_ids
    sizes = Counter(ids[ids >= 0].tolist())
    w = np.asarray([1.0 / sizes[g] if g >= 0 else 1.0 for g in ids.tolist()])
    return {"clf__sample_weight": w if idx is None else w[idx]}


def _writer_splits(records: list[Record], owners: Sequence[int]):
    """(fit, predict) index arrays over items grouped by writer; ``owners[i]`` is item i's record."""
    authors = [records[o].author or records[o].id for o in owners]
    if len(set(authors)) < 2:  # one writer: group by entry (check_training_data warns)
        authors = [records[o].id for o in owners]
    return GroupKFold(n_splits=min(5, len(set(authors)))).split(authors, groups=authors)


def _writer_folds(records: list[Record], t: SpanTargets, cfg: TrainConfig):
    """(fit, predict) unit indices grouped by writer, skipping folds too small to fit on."""
    for fit_idx, pred_idx in _writer_splits(records, t.owners.tolist()):
        y = t.y_units[fit_idx]
        if y.sum() >= cfg.calibration_folds and (y == 0).sum() >= cfg.calibration_folds:
            yield fit_idx, pred_idx


def _cross_fitted_scores(records: list[Record], t: SpanTargets, cfg: TrainConfig) -> np.ndarray:
    """Detector scores for the units of ``t``, each from a detector that never saw its writer.

    Scores from a detector fit on the same entries would be overconfident, so
    each writer's entries are scored by a detector trained on the other folds
    (grouped by writer). Reads the context modifiers ``span_targets`` left on the docs.
    """
    units = t.units
    scores = np.zeros(len(units))
    for fit_idx, pred_idx in _writer_folds(records, t, cfg):
        det = make_detector(cfg).fit([units[k] for k in fit_idx], t.y_units[fit_idx], **_unit_weights(t, cfg, fit_idx))
        scores[pred_idx] = det.predict_proba([units[k] for k in pred_idx])[:, 1]
    return scores


def _require_full_writer_folds(records: list[Record], Y: np.ndarray, k: int) -> None:
    """Refuse writer folds in which a label has fewer than ``k`` entries outside the held-out writers
    (a categorizer fitted there cannot be calibrated), naming the label, the writers and the way out."""
    for fit_idx, pred_idx in _writer_splits(records, range(len(records))):
        thin = [f"{label} ({int(n)})" for label, n in zip(LABELS, Y[fit_idx].sum(axis=0)) if n < k]
        if thin:
            held = sorted({records[i].author or records[i].id for i in pred_idx})
            raise ValueError(
                f"threshold_data='train+dev' scores the training entries by models that never saw their writer, "
                f"and each of those needs every label in at least {k} entries; without the writer(s) "
                f"{', '.join(map(str, held[:5]))}{' ...' if len(held) > 5 else ''} there are too few: "
                f"{', '.join(thin)}. Label more entries or writers, or tune thresholds on dev alone: "
                "`breakthrough-nlp train ... --config '{\"threshold_data\": \"dev\"}'` or "
                "TrainConfig(threshold_data=\"dev\")"
            )


def _cross_fitted_categories(records: list[Record], docs: list[Doc], Y: np.ndarray, cfg: TrainConfig) -> np.ndarray:
    """Entry probabilities for the training docs, each from a categorizer that never saw its writer
    (check_training_data made sure every writer fold can be fitted: :func:`_require_full_writer_folds`)."""
    P = np.zeros(Y.shape, dtype=float)
    for fit_idx, pred_idx in _writer_splits(records, range(len(records))):
        model = make_categorizer_model(cfg).fit([docs[k] for k in fit_idx], Y[fit_idx])
        P[pred_idx] = np.column_stack([p[:, 1] for p in model.predict_proba([docs[k] for k in pred_idx])])
    return P


def _cross_fitted_rerank(records: list[Record], t: SpanTargets, scores: np.ndarray, cfg: TrainConfig) -> np.ndarray:
    """Reranked scores for the units of ``t``, each from a reranker that never saw its writer.

    ``scores`` must themselves be cross-fitted (:func:`_cross_fitted_scores`).
    """
    pairs = list(zip(t.units, scores.tolist()))
    out = scores.copy()
    for fit_idx, pred_idx in _writer_folds(records, t, cfg):
        model = make_reranker(cfg).fit([pairs[k] for k in fit_idx], t.y_units[fit_idx])
        out[pred_idx] = model.predict_proba([pairs[k] for k in pred_idx])[:, 1]
    return out


def train(corpus_dir: str | Path, cfg: TrainConfig | None = None) -> Language:
    """Train from ``corpus_dir`` (``train.jsonl`` and ``dev.jsonl``)."""
    splits = load_splits(corpus_dir)
    return fit_pipeline(splits["train"], splits["dev"], cfg)
