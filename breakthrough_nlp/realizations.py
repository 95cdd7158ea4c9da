"""``breakthrough_realizations``: mark the spans that read like realizations.

Five learned parts (four without the reranker) and one rule layer, each doing one job:

1. a **detector** scores every sentence (a calibrated probability that the writer
   expresses an insight there), from hashed words, lexicon rates, the words
   around it and ConText flags;
2. a **reranker** (``TrainConfig(entry_context=True)``, the default) rescores
   each sentence by where it stands in its entry (how likely the whole entry is
   to hold a realization, the sentence's rank and gap to the entry's best, its
   neighbours' scores, its position), with boosted trees calibrated by sigmoid:
   the detector reads one sentence, the reranker the entry around it. It needs
   training entries that are mostly ordinary narration to stay quiet on long
   real diaries (the corpus's batches 20-25; see the model card);
3. the **context layer** (:mod:`breakthrough_nlp.context`) rejects sentences whose
   cue sits inside a negated, hypothetical, asked, someone-else's, doubted,
   generic, trivial, sarcastic or quoted scope, and records why;
4. a **joiner** decides whether adjacent accepted sentences form one insight
   ("It's not the job. It's that…"), and grows an insight into a neighbouring
   sentence the detector found too weak on its own ("I am not angry at Caleb."
   before "I am angry at Dad."), reading both sentences' scores;
5. a **boundary model** picks the clause where the insight starts and ends (the
   guide's span rule);
6. a **labeler** gives the span its category (``feelings``, ``patterns``,
   ``values`` or ``other``) from the span's words and, more weakly, its
   entry's: the same "I see it now" is a pattern in one entry and a value in
   another.

Output follows spaCy's spancat convention: ``doc.spans["realizations"]`` with one
score per span in ``.attrs["scores"]``: the probability that the span matches a
realization by the guide's overlap rule (the strongest sentence's score, mapped
by a sigmoid fitted on training spans decoded from cross-fitted scores; a
sentence can read like an insight while the span's extent still misses). Every
sentence considered is kept in ``doc.spans["realization_candidates"]`` with
``.attrs["scores"]`` (the detector's own, per sentence) and
``.attrs["reasons"]`` ("accepted", "below threshold", "joined to a neighbouring
realization", or a context category and the words that triggered it), so a
researcher can see why something was *not* marked.
"""

# No `from __future__ import annotations` here: the confection that older spaCy 3.8 releases
# install validates registered functions' signatures from real annotations, not strings.

import json
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable

import numpy as np
import srsly
from spacy.language import Language
from spacy.scorer import Scorer
from spacy.tokens import Doc, Span, SpanGroup, Token
from spacy.training import Example
from spacy.util import registry

from . import model_io
from .context import ContextMatcher, Modifier, default_rules
from .extensions import register_extensions
from .features import CONTEXT_KEY, _logits
from .labels import ACCEPTED, BELOW_THRESHOLD, CANDIDATES_KEY, JOINED, SPANS_KEY, fixed_key, probability_setting
from .tokens import clause_candidates, forget, sentence_units, token_info

DEFAULT_SPANS_KEY = SPANS_KEY
DEFAULT_CANDIDATES_KEY = CANDIDATES_KEY
COMPONENT_FILES = ("detector", "reranker", "joiner", "boundary", "labeler")


def realization_scorer(examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
    """spaCy scorer: exact-match P/R/F of ``doc.spans["realizations"]``."""
    return Scorer.score_spans(examples, attr="spans", getter=lambda doc, key: doc.spans.get(SPANS_KEY, []), **kwargs)


@registry.scorers("breakthrough.realization_scorer.v1")
def make_realization_scorer() -> Callable[..., dict[str, Any]]:
    return realization_scorer


@Language.factory(
    "breakthrough_realizations",
    default_config={
        "threshold": None,
        "spans_key": DEFAULT_SPANS_KEY,
        "candidates_key": DEFAULT_CANDIDATES_KEY,
        "use_context_rules": True,
        "extra_context_rules": [],
        "trusted": False,
        "scorer": {"@scorers": "breakthrough.realization_scorer.v1"},
    },
)
def make_realization_marker(
    nlp: Language,
    name: str,
    *,
    threshold: float | None,
    spans_key: str,
    candidates_key: str,
    use_context_rules: bool,
    extra_context_rules: list[dict[str, Any]],
    trusted: bool,
    scorer: Callable[..., dict[str, Any]] | None,
) -> "RealizationMarker":
    """Mark realization spans (see the module docstring for how).

    ``threshold`` null (the default) uses the sentence threshold tuned at
    training time and stored with the model; a number overrides it.
    ``trusted`` is ignored (see :func:`breakthrough_nlp.model_io.trusting`).
    """
    model_io.warn_config_trust(trusted, name)
    fixed_key("spans_key", spans_key, DEFAULT_SPANS_KEY)
    fixed_key("candidates_key", candidates_key, DEFAULT_CANDIDATES_KEY)
    return RealizationMarker(
        nlp,
        name,
        threshold=threshold,
        spans_key=spans_key,
        candidates_key=candidates_key,
        use_context_rules=use_context_rules,
        extra_context_rules=extra_context_rules,
        scorer=scorer,
    )


def boundary_options(group: Sequence[Span]) -> list[tuple[int, int]]:
    """Token ranges a realization over these adjacent sentences may take.

    One sentence: its clause candidates. A run of sentences: the start is chosen
    among the first sentence's clause starts, the end among the last one's ends.
    """
    first, last = group[0], group[-1]
    doc = first.doc
    if len(group) == 1:
        opts = clause_candidates(doc, first.start, first.end)
    else:
        starts = sorted({s for s, e in clause_candidates(doc, first.start, first.end) if e == first.end})
        ends = sorted({e for s, e in clause_candidates(doc, last.start, last.end) if s == last.start})
        opts = [(s, e) for s in (starts or [first.start]) for e in (ends or [last.end])]
    return opts or [(first.start, last.end)]


_NEAR_INDEX: "weakref.WeakKeyDictionary[Doc, tuple[list[Modifier], np.ndarray, np.ndarray, int]]" = (
    weakref.WeakKeyDictionary())


def _near(doc: Doc, mods: list[Modifier], start: int, end: int) -> list[Modifier]:
    """The modifiers of ``doc``, in their order, that can bear on the unit [start, end) in
    ``_context_reason``: those starting after ``start - 3 - longest`` and at most at ``end + 1``.
    A long text has thousands of modifiers; scanning all of them for every sentence made it
    quadratic. The index is kept per doc and set of modifiers, as ``features._scope_index`` does."""
    if len(mods) < 32:
        return mods
    hit = _NEAR_INDEX.get(doc)
    if hit is None or hit[0] is not mods:
        order = np.argsort([m.start for m in mods], kind="stable")
        hit = _NEAR_INDEX[doc] = (mods, np.asarray([mods[i].start for i in order]), order,
                                  max(m.end - m.start for m in mods))
    _, starts, order, longest = hit
    lo = np.searchsorted(starts, start - 3 - longest, side="right")
    hi = np.searchsorted(starts, end + 1, side="right")
    return [mods[i] for i in sorted(order[lo:hi].tolist())]


class RealizationMarker:
    """The ``breakthrough_realizations`` pipe."""

    def __init__(
        self,
        nlp: Language,
        name: str = "breakthrough_realizations",
        *,
        threshold: float | None = None,
        spans_key: str = DEFAULT_SPANS_KEY,
        candidates_key: str = DEFAULT_CANDIDATES_KEY,
        use_context_rules: bool = True,
        extra_context_rules: Sequence[dict[str, Any]] = (),
        scorer: Callable[..., dict[str, Any]] | None = realization_scorer,
    ) -> None:
        register_extensions()
        self.nlp = nlp
        self.name = name
        # A threshold given in the config wins over the one stored at training time.
        self.threshold_override = probability_setting("threshold", threshold)
        self.threshold = 0.5 if self.threshold_override is None else self.threshold_override
        self._stored_threshold = 0.5  # the trained value, kept in cfg.json whatever the config overrides
        self.spans_key = spans_key
        self.candidates_key = candidates_key
        self.use_context_rules = use_context_rules
        self.extra_context_rules = list(extra_context_rules)
        self.scorer = scorer
        # Built on first use: loading replaces the rules with the saved ones.
        self._context_data = default_rules(self.extra_context_rules)
        self._context: ContextMatcher | None = None
        # Fitted scikit-learn estimators once trained or loaded (see is_fitted).
        self.detector: Any = None
        self.reranker: Any = None
        self.joiner: Any = None
        self.boundary: Any = None
        self.labeler = None
        self.join_threshold = 0.5
        self.max_extend = 3
        self.extend_floor = 0.0
        # (slope, intercept) on the log-odds of a span's strongest sentence, or None.
        self.span_calibration: tuple[float, float] | None = None
        self.meta: dict[str, Any] = {}
        # Set by ``memoized()`` while training sweeps thresholds over the same docs.
        self._memo: dict[str, dict] | None = None

    @property
    def context(self) -> ContextMatcher:
        """The ConText layer (rules shipped with the model plus ``extra_context_rules``)."""
        if self._context is None:
            self._context = ContextMatcher.from_data(self.nlp.vocab, self._context_data, self.nlp.make_doc)
        return self._context

    # ------------------------------------------------------------------ predict
    @property
    def is_fitted(self) -> bool:
        return self.detector is not None

    def _require_fitted(self) -> None:
        if not self.is_fitted:
            raise ValueError(
                f"The '{self.name}' component has no trained model. Load a trained pipeline with "
                "breakthrough_nlp.load(), or train one with `breakthrough-nlp train`."
            )

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        self._require_fitted()
        batch: list[Doc] = []
        for doc in stream:
            forget(doc)  # read the sentences as they are now, not as a cache remembers them
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._predict_batch(batch)
                batch = []
        if batch:
            yield from self._predict_batch(batch)

    def annotate_context(self, doc: Doc) -> list[Modifier]:
        """Find ConText modifiers and store them where the featurizers read them."""
        mods = self.context(doc) if self.use_context_rules else []
        doc.user_data[CONTEXT_KEY] = [(m.category, m.start, m.end, m.scope_start, m.scope_end) for m in mods]
        return mods

    def _context_reason(self, doc: Doc, start: int, end: int, mods: list[Modifier]) -> str | None:
        """A rejection reason when a modifier's scope covers this unit's cue."""
        if not mods:
            return None
        anchors = token_info(doc).cue_positions(start, end).tolist() or [start]
        for m in _near(doc, mods, start, end):
            if m.category == "ASKED":
                # A question: the unit ends at (or right before) the question mark.
                if m.scope_start <= start and m.start >= end - 1 and m.start <= end + 1:
                    return f"ASKED: {doc[m.start:m.end].text!r}"
                continue
            if any(m.scope_start <= a < m.scope_end for a in anchors) and not (m.start >= end or m.end <= start - 3):
                return f"{m.category}: {doc[m.start:m.end].text!r}"
        return None

    def score_units(self, docs: list[Doc]) -> tuple[list[Span], list[int], np.ndarray, list[list[Modifier]]]:
        """Sentence units of ``docs``, their owner doc, detector scores and context modifiers."""
        units: list[Span] = []
        owners: list[int] = []
        mods_per_doc = []
        for i, doc in enumerate(docs):
            mods_per_doc.append(self.annotate_context(doc))
            for s, e in sentence_units(doc):
                units.append(doc[s:e])
                owners.append(i)
        scores = self.detector.predict_proba(units)[:, 1] if units else np.zeros(0)
        return units, owners, self.rescore(units, scores), mods_per_doc

    def rescore(self, units: list[Span], scores: np.ndarray) -> np.ndarray:
        """The reranker's calibrated scores for whole entries' sentences (``scores`` unchanged without one)."""
        if self.reranker is None or not len(units):
            return scores
        return self.reranker.predict_proba(list(zip(units, scores.tolist())))[:, 1]

    def _predict_batch(self, docs: list[Doc]) -> list[Doc]:
        units, owners, scores, mods = self.score_units(docs)
        self.decode(docs, units, owners, scores, mods, self.threshold)
        for doc in docs:
            doc.user_data.pop(CONTEXT_KEY, None)
        return docs

    @contextmanager
    def memoized(self) -> Iterator[None]:
        """Cache context reasons and join, boundary and label predictions across ``decode`` calls.

        For threshold sweeps: between calls only the thresholds may change, not
        the docs, units or scores (the cache is keyed by unit index and token
        offsets of the docs being decoded).
        """
        self._memo = {"join": {}, "boundary": {}, "label": {}}
        try:
            yield
        finally:
            self._memo = None

    def decode(
        self,
        docs: list[Doc],
        units: list[Span],
        owners: list[int],
        scores: np.ndarray,
        mods_per_doc: list[list[Modifier]],
        threshold: float,
        join_threshold: float | None = None,
    ) -> None:
        """Turn unit scores into ``doc.spans`` (split from scoring so thresholds can be swept cheaply)."""
        jt = self.join_threshold if join_threshold is None else float(join_threshold)
        memo = self._memo.setdefault("context", {}) if self._memo is not None else None
        reasons: list[str | None] = []
        for k, (unit, owner, score) in enumerate(zip(units, owners, scores)):
            reason = None
            if self.use_context_rules:
                key = (k, unit.start, unit.end)
                if memo is not None and key in memo:
                    reason = memo[key]
                else:
                    reason = self._context_reason(docs[owner], unit.start, unit.end, mods_per_doc[owner])
                    if memo is not None:
                        memo[key] = reason
            if reason is None and score < threshold:
                reason = BELOW_THRESHOLD
            reasons.append(reason)
        groups = self._group(units, owners, scores, reasons, jt)
        final = [r or ACCEPTED for r in reasons]
        for _, g in groups:
            for k in g:
                if reasons[k] is not None:
                    final[k] = JOINED
        spans = self._choose_boundaries([[units[k] for k in g] for _, g in groups])
        labels = self._label(spans)
        marked: list[list[tuple[Span, float]]] = [[] for _ in docs]
        for (owner, g), span, label in zip(groups, spans, labels):
            score = self.span_score(float(max(scores[k] for k in g)))
            marked[owner].append((Span(docs[owner], span.start, span.end, label=label), score))
        cands: list[list[int]] = [[] for _ in docs]
        for k, owner in enumerate(owners):
            cands[owner].append(k)
        for i, doc in enumerate(docs):
            group = SpanGroup(doc, name=self.spans_key, spans=[s for s, _ in marked[i]])
            group.attrs["scores"] = [round(sc, 6) for _, sc in marked[i]]
            info = token_info(doc)
            group.attrs["cues"] = [[doc[k].text for k in info.cue_positions(s.start, s.end)] for s, _ in marked[i]]
            doc.spans[self.spans_key] = group
            cgroup = SpanGroup(doc, name=self.candidates_key, spans=[units[k] for k in cands[i]])
            cgroup.attrs["scores"] = [round(float(scores[k]), 6) for k in cands[i]]
            cgroup.attrs["reasons"] = [final[k] for k in cands[i]]
            doc.spans[self.candidates_key] = cgroup

    def span_score(self, sentence_score: float) -> float:
        """A marked span's score from its strongest sentence's score (see ``span_calibration``)."""
        if self.span_calibration is None:
            return sentence_score
        slope, intercept = self.span_calibration
        z = slope * float(_logits(sentence_score)) + intercept
        return float(1.0 / (1.0 + np.exp(-z)))

    def _group(
        self,
        units: list[Span],
        owners: list[int],
        scores: np.ndarray,
        reasons: list[str | None],
        join_threshold: float,
    ) -> list[tuple[int, list[int]]]:
        """Group accepted sentences into insights.

        Adjacent accepted sentences are joined when the join model says they hold
        one insight. Then each group may grow into neighbouring sentences that
        scored below the threshold (never ones a context rule rejected), one
        sentence at a time and at most ``max_extend`` on each side, while the join
        model says the neighbour continues it and the detector gives the neighbour
        at least ``extend_floor``: the weak half of "I am not angry at Caleb. I am
        angry at Dad" belongs to the span, a following "Groceries." does not.
        """
        n = len(units)
        # k -> P(units[k] and units[k + 1] are one insight)
        cache: dict[int, float] = self._memo["join"] if self._memo is not None else {}

        def adjacent(k: int) -> bool:
            return 0 <= k < n - 1 and owners[k] == owners[k + 1]

        def probs(ks: list[int]) -> None:
            todo = sorted({k for k in ks if k not in cache and adjacent(k)})
            if not todo:
                return
            if self.joiner is None:
                cache.update({k: 0.0 for k in todo})
                return
            X = [(units[k], units[k + 1], float(scores[k]), float(scores[k + 1])) for k in todo]
            cache.update(zip(todo, self.joiner.predict_proba(X)[:, 1].tolist()))

        accepted = [k for k in range(n) if reasons[k] is None]
        probs([k for k in accepted if k + 1 < n and reasons[k + 1] is None])
        groups: list[list[int]] = []
        for k in accepted:
            if groups and groups[-1][-1] == k - 1 and adjacent(k - 1) and cache.get(k - 1, 0.0) >= join_threshold:
                groups[-1].append(k)
            else:
                groups.append([k])
        taken = set(accepted)
        for _ in range(self.max_extend):
            left = {g[0] - 1: i for i, g in enumerate(groups) if adjacent(g[0] - 1)}
            right = {g[-1]: i for i, g in enumerate(groups) if adjacent(g[-1])}
            floor = self.extend_floor
            left = {k: i for k, i in left.items()
                    if k not in taken and reasons[k] == BELOW_THRESHOLD and scores[k] >= floor}
            right = {k: i for k, i in right.items()
                     if k + 1 not in taken and reasons[k + 1] == BELOW_THRESHOLD and scores[k + 1] >= floor}
            probs(list(left) + list(right))
            grew = False
            for k, i in left.items():
                if cache[k] >= join_threshold and k not in taken:
                    groups[i].insert(0, k)
                    taken.add(k)
                    grew = True
            for k, i in right.items():
                if cache[k] >= join_threshold and k + 1 not in taken:
                    groups[i].append(k + 1)
                    taken.add(k + 1)
                    grew = True
            if not grew:
                break
        return [(owners[g[0]], g) for g in groups]

    def _choose_boundaries(self, groups: list[list[Span]]) -> list[Span]:
        """Pick the clause where each insight starts and ends (guide span rule)."""
        if not groups:
            return []
        if self.boundary is None:
            return [g[0].doc[g[0].start:g[-1].end] for g in groups]
        memo = self._memo["boundary"] if self._memo is not None else {}
        keys = [(id(g[0].doc), g[0].start, g[-1].end, len(g)) for g in groups]
        todo = [i for i, key in enumerate(keys) if key not in memo]
        if todo:
            options = [boundary_options(groups[i]) for i in todo]
            flat = [groups[i][0].doc[s:e] for i, opts in zip(todo, options) for s, e in opts]
            probs = self.boundary.predict_proba(flat)[:, 1]
            k = 0
            for i, opts in zip(todo, options):
                best = int(np.argmax(probs[k:k + len(opts)]))
                memo[keys[i]] = (flat[k + best].start, flat[k + best].end)
                k += len(opts)
        return [groups[i][0].doc[slice(*memo[key])] for i, key in enumerate(keys)]

    def _label(self, spans: list[Span]) -> list[str]:
        if not spans:
            return []
        if self.labeler is None:
            return ["other"] * len(spans)
        memo = self._memo["label"] if self._memo is not None else {}
        keys = [(id(s.doc), s.start, s.end) for s in spans]
        todo = [i for i, key in enumerate(keys) if key not in memo]
        if todo:
            for i, label in zip(todo, self.labeler.predict([spans[i] for i in todo])):
                memo[keys[i]] = str(label)
        return [memo[key] for key in keys]

    def explain(self, span: Span, top: int = 8) -> dict[str, Any]:
        """What drove the detector's score for ``span``'s sentence.

        Returns the cue words in the span, the context modifiers touching it, the
        ``top`` features by contribution (weight x value) to the detector's linear
        model, with hashed n-grams mapped back to the words in the span, and, when
        the doc was annotated by this component, the candidate sentences inside
        the span with their scores and reasons: which sentence was accepted and
        which were joined to it. With a reranker, each sentence also shows the
        detector's own score, and ``entry_score`` is the entry model's
        probability that the entry holds a realization at all: the two inputs
        the final score combines.
        """
        self._require_fitted()
        doc = span.doc
        mods = self.annotate_context(doc)
        features, clf = self.detector.steps[0][1], self.detector.steps[-1][1]
        x = features.transform([span])
        coef = np.mean([c.estimator.coef_[0] for c in clf.calibrated_classifiers_], axis=0)  # one if not ensembled
        contrib = x.multiply(coef).tocsr()
        names = _ngram_names(features, span)
        feature_names = features.get_feature_names_out()
        order = np.argsort(-np.abs(contrib.data))[:top]
        drivers = []
        for j in order:
            col = contrib.indices[j]
            name = names.get(col) or _readable(str(feature_names[col]))
            drivers.append({"feature": name, "contribution": round(float(contrib.data[j]), 4)})
        inside, sentences = [], []
        cands = doc.spans.get(self.candidates_key)
        if cands is not None:
            for c, sc, reason in zip(cands, cands.attrs.get("scores", []), cands.attrs.get("reasons", [])):
                if c.start < span.end and span.start < c.end:
                    inside.append(c)
                    sentences.append({"text": c.text, "score": sc, "reason": reason})
        entry_score = None
        if self.reranker is not None:
            # The detector's own score of each sentence, before the entry context rescored it.
            if inside:
                for item, raw in zip(sentences, self.detector.predict_proba(inside)[:, 1].tolist()):
                    item["detector_score"] = round(raw, 6)
            entry_model = getattr(self.reranker.steps[0][1], "entry_model_", None)
            if entry_model is not None:
                entry_score = round(float(entry_model.predict_proba([doc])[0, 1]), 6)
        doc.user_data.pop(CONTEXT_KEY, None)
        return {
            "text": span.text,
            "sentences": sentences,
            "entry_score": entry_score,
            "cues": [doc[k].text for k in token_info(doc).cue_positions(span.start, span.end)],
            "modifiers": [
                {"category": m.category, "text": doc[m.start:m.end].text}
                for m in mods
                if m.scope_start < span.end and span.start < m.scope_end
            ],
            "features": drivers,
        }

    # ------------------------------------------------------------------ scoring
    def score(self, examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
        return (self.scorer or realization_scorer)(examples, **kwargs)

    # ------------------------------------------------------------ serialization
    def _saved_rules(self) -> dict[str, Any]:
        """Rules to store with the model: without ``extra_context_rules``, which come from the config."""
        data = dict(self._context_data)
        extra = self.extra_context_rules
        rules = list(data.get("rules", []))
        data["rules"] = rules[: len(rules) - len(extra)] if extra else rules
        return data

    def _cfg(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold if self.threshold_override is None else self._stored_threshold,
            "join_threshold": self.join_threshold,
            "max_extend": self.max_extend,
            "extend_floor": self.extend_floor,
            "span_calibration": None if self.span_calibration is None else list(self.span_calibration),
            "spans_key": self.spans_key,
            "candidates_key": self.candidates_key,
            "meta": self.meta,
        }

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        self._require_fitted()
        blobs, sums = {}, {}
        for part in COMPONENT_FILES:
            est = getattr(self, part)
            if est is not None:
                blobs[part], sums[part] = model_io.dumps(est)
        cfg = dict(self._cfg(), checksums=sums, versions=model_io.library_versions())
        return srsly.msgpack_dumps({"cfg": cfg, "blobs": blobs, "context": self._saved_rules()})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> "RealizationMarker":
        msg = srsly.msgpack_loads(data)
        self._restore(msg["cfg"], msg["blobs"], msg.get("context"))
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        self._require_fitted()
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        sums = {}
        for part in COMPONENT_FILES:
            est = getattr(self, part)
            if est is not None:
                data, sums[part] = model_io.dumps(est)
                (path / f"{part}.npz").write_bytes(data)
            else:
                # Saving over an older model: leave no file of a part this model lacks.
                (path / f"{part}.npz").unlink(missing_ok=True)
        cfg = dict(self._cfg(), checksums=sums, versions=model_io.library_versions())
        srsly.write_json(path / "cfg.json", cfg)
        srsly.write_json(path / "context_rules.json", self._saved_rules())

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "RealizationMarker":
        path = Path(path)
        cfg = srsly.read_json(path / "cfg.json")
        blobs = {p: model_io.read_bytes(path / f"{p}.npz") for p in cfg.get("checksums", {})}
        rules_path = path / "context_rules.json"
        context = json.loads(rules_path.read_text(encoding="utf-8")) if rules_path.exists() else None
        self._restore(cfg, blobs, context)
        return self

    def _restore(self, cfg: dict[str, Any], blobs: dict[str, bytes], context: dict[str, Any] | None) -> None:
        model_io.check_versions(cfg.get("versions", {}), what=f"component '{self.name}'")
        sums = cfg.get("checksums", {})
        for part in COMPONENT_FILES:
            est = None  # models saved before a part existed do without it
            if part in blobs:
                est = model_io.loads(
                    blobs[part], expected_sha256=sums.get(part), trusted=model_io.caller_trusts(),
                    what=f"{self.name}/{part}"
                )
            setattr(self, part, est)
        stored = self._stored_threshold = float(cfg.get("threshold", self.threshold))
        self.threshold = stored if self.threshold_override is None else self.threshold_override
        self.join_threshold = float(cfg.get("join_threshold", self.join_threshold))
        self.max_extend = int(cfg.get("max_extend", self.max_extend))
        self.extend_floor = float(cfg.get("extend_floor", self.extend_floor))
        cal = cfg.get("span_calibration")  # absent in models saved before it existed
        self.span_calibration = None if cal is None else (float(cal[0]), float(cal[1]))
        self.meta = cfg.get("meta", {})
        if context is not None:
            data = dict(context)
            data["rules"] = list(data.get("rules", [])) + self.extra_context_rules
            self._context_data, self._context = data, None


def _readable(name: str) -> str:
    """``words__lex_causal`` -> ``lex_causal``, ``own__hash_7`` -> ``own: hash_7`` (FeatureUnion prefixes)."""
    part, sep, rest = name.partition("__")
    if not sep:
        return name
    return rest if part == "words" else f"{part}: {rest}"


def _ngram_names(features, span: Span) -> dict[int, str]:
    """Map hashed n-gram columns back to the words of ``span`` that produced them.

    ``features`` is a :class:`~breakthrough_nlp.features.TokenFeatures` or a
    ``FeatureUnion`` of them (the detector's own-words block is named ``own: ...``).
    """
    from sklearn.pipeline import FeatureUnion

    if isinstance(features, FeatureUnion):
        names: dict[int, str] = {}
        offset = 0
        for part_name, part in features.transformer_list:
            prefix = "" if part_name == "words" else f"{part_name}: "  # as _readable names the dense columns
            names.update({offset + col: prefix + word for col, word in _ngram_names(part, span).items()})
            offset += part.n_features_out_
        return names
    from .features import (_EDGE_AFTER, _EDGE_BEFORE, _MULT, _SALT_BIGRAM, _SALT_FIRST, _SALT_NEXT, _SALT_PREV,
                           _SALT_TRIGRAM)

    nf = np.uint64(features.n_features)
    lo, hi = features.ngram_range
    words = [t for t in span if not t.is_space]
    names = {}
    lowers = np.asarray([t.lower for t in words], dtype=np.uint64)
    if lo <= 1:
        for t, h in zip(words, lowers % nf):
            names.setdefault(int(h), t.lower_)
    if lo <= 2 <= hi and len(words) > 1:
        bi = (lowers[:-1] * _MULT + (lowers[1:] ^ _SALT_BIGRAM)) % nf
        for a, b, h in zip(words[:-1], words[1:], bi):
            names.setdefault(int(h), f"{a.lower_} {b.lower_}")
    if hi >= 3 and len(words) > 2:
        with np.errstate(over="ignore"):
            tri = ((lowers[:-2] * _MULT + lowers[1:-1]) * _MULT + (lowers[2:] ^ _SALT_TRIGRAM)) % nf
        for a, b, c, h in zip(words[:-2], words[1:-1], words[2:], tri):
            names.setdefault(int(h), f"{a.lower_} {b.lower_} {c.lower_}")
    salted: list[tuple[np.uint64, str, Iterable[Token]]] = []
    doc = span.doc
    if getattr(features, "context_window", 0):
        salted.append((_SALT_PREV, "before: ", doc[max(0, span.start - features.context_window):span.start]))
        salted.append((_SALT_FIRST, "first word: ", words[:1]))
    if getattr(features, "next_window", 0):
        salted.append((_SALT_NEXT, "after: ", doc[span.end:span.end + features.next_window]))
    for salt, prefix, tokens in salted:
        for t in tokens:
            if not t.is_space:
                names.setdefault(int((np.uint64(t.lower) ^ salt) % nf), prefix + t.lower_)
    if getattr(features, "pad_context", False):  # TokenFeatures(pad_context=True): the entry's edges
        names.setdefault(_EDGE_BEFORE % features.n_features, "before: (entry starts)")
        names.setdefault(_EDGE_AFTER % features.n_features, "after: (entry ends)")
    return names
