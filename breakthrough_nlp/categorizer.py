"""``breakthrough_categorizer``: entry-level breakthrough labels.

Wraps a scikit-learn pipeline (:class:`~breakthrough_nlp.features.TokenFeatures`
into one sigmoid-calibrated logistic regression per label). Writes calibrated
probabilities for ``feelings``, ``patterns`` and ``values`` to ``doc.cats``, and
the labels whose probability reaches the model's own threshold (tuned on the
dev split, stored with the model) to ``doc._.breakthroughs``.

When the realization marker runs first, a span of category L scored at least
``span_agreement`` also puts L in ``doc._.breakthroughs``, so an entry with a
confident ``patterns`` span is never reported as having no ``patterns``; the
reason is recorded in ``doc.user_data["breakthrough_nlp.label_sources"]``.
"""

# No `from __future__ import annotations` here: the confection that older spaCy 3.8 releases
# install validates registered functions' signatures from real annotations, not strings.

import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Callable

import numpy as np
import srsly
from spacy.language import Language
from spacy.scorer import Scorer
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import registry

from . import model_io
from .extensions import register_extensions
from .labels import LABELS, SPANS_KEY, fixed_key, probability_setting

LABEL_SOURCES_KEY = "breakthrough_nlp.label_sources"


def categorizer_scorer(examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
    """spaCy scorer: multi-label ``doc.cats`` P/R/F and AUC for the three labels."""
    return Scorer.score_cats(examples, "cats", labels=LABELS, multi_label=True, threshold=0.5, **kwargs)


@registry.scorers("breakthrough.categorizer_scorer.v1")
def make_categorizer_scorer() -> Callable[..., dict[str, Any]]:
    return categorizer_scorer


@Language.factory(
    "breakthrough_categorizer",
    default_config={
        "span_agreement": None,
        "spans_key": SPANS_KEY,
        "trusted": False,
        "scorer": {"@scorers": "breakthrough.categorizer_scorer.v1"},
    },
)
def make_categorizer(
    nlp: Language,
    name: str,
    *,
    span_agreement: float | None,
    spans_key: str,
    trusted: bool,
    scorer: Callable[..., dict[str, Any]] | None,
) -> "BreakthroughCategorizer":
    """Label entries as feelings / patterns / values breakthroughs.

    ``span_agreement`` null (the default) uses the value stored with the model;
    a number overrides it. ``trusted`` is ignored (see
    :func:`breakthrough_nlp.model_io.trusting`).
    """
    model_io.warn_config_trust(trusted, name)
    fixed_key("spans_key", spans_key, SPANS_KEY)
    return BreakthroughCategorizer(
        nlp, name, span_agreement=span_agreement, spans_key=spans_key, scorer=scorer
    )


class BreakthroughCategorizer:
    """The ``breakthrough_categorizer`` pipe."""

    def __init__(
        self,
        nlp: Language,
        name: str = "breakthrough_categorizer",
        *,
        span_agreement: float | None = None,
        spans_key: str = SPANS_KEY,
        scorer: Callable[..., dict[str, Any]] | None = categorizer_scorer,
    ) -> None:
        register_extensions()
        self.nlp = nlp
        self.name = name
        self.span_agreement_override = probability_setting("span_agreement", span_agreement)
        self.span_agreement = 0.8 if self.span_agreement_override is None else self.span_agreement_override
        self._stored_span_agreement = 0.8  # the trained value, kept in cfg.json whatever the config overrides
        self.spans_key = spans_key
        self.scorer = scorer
        self.model: Any = None  # a fitted scikit-learn estimator once trained or loaded
        self.thresholds: dict[str, float] = {label: 0.5 for label in LABELS}
        self.meta: dict[str, Any] = {}

    @property
    def labels(self) -> tuple[str, ...]:
        return LABELS

    @property
    def is_fitted(self) -> bool:
        return self.model is not None

    def _require_fitted(self) -> None:
        if not self.is_fitted:
            raise ValueError(
                f"The '{self.name}' component has no trained model. Load a trained pipeline with "
                "breakthrough_nlp.load(), or train one with `breakthrough-nlp train`."
            )

    def predict_proba(self, docs: list[Doc]) -> np.ndarray:
        """Calibrated probabilities, shape (n_docs, 3), columns in ``LABELS`` order."""
        self._require_fitted()
        if not docs:
            return np.zeros((0, len(LABELS)))
        per_label = self.model.predict_proba(docs)
        return np.column_stack([p[:, 1] for p in per_label])

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        batch: list[Doc] = []
        for doc in stream:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._set_annotations(batch)
                batch = []
        if batch:
            yield from self._set_annotations(batch)

    def _reads_spans(self) -> bool:
        """Whether the trained model takes the realization marker's spans as evidence."""
        from sklearn.pipeline import FeatureUnion

        from .features import SpanEvidence

        features = getattr(self.model, "named_steps", {}).get("features")
        return isinstance(features, FeatureUnion) and any(
            isinstance(t, SpanEvidence) for _, t in features.transformer_list
        )

    def _set_annotations(self, docs: list[Doc]) -> list[Doc]:
        if any(self.spans_key not in doc.spans for doc in docs) and self._reads_spans():
            warnings.warn(
                f"'{self.name}': the realization marker did not run on these docs (no doc.spans"
                f"[{self.spans_key!r}]), and this model reads its spans as evidence, so the entry probabilities "
                "are computed as if no sentence read like a realization; run both components",
                UserWarning, stacklevel=4,
            )
        probs = self.predict_proba(docs)
        for doc, row in zip(docs, probs):
            sources: dict[str, str] = {}
            for label, p in zip(LABELS, row):
                doc.cats[label] = float(p)
                if p >= self.thresholds[label]:
                    sources[label] = "classifier"
            group = doc.spans.get(self.spans_key)
            if group is not None:
                scores = group.attrs.get("scores", [])
                for span, score in zip(group, scores):
                    if span.label_ in LABELS and score >= self.span_agreement and span.label_ not in sources:
                        sources[span.label_] = "span"
            doc._.breakthroughs = tuple(label for label in LABELS if label in sources)
            doc.user_data[LABEL_SOURCES_KEY] = sources
        return docs

    def score(self, examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
        return (self.scorer or categorizer_scorer)(examples, **kwargs)

    # ------------------------------------------------------------ serialization
    def _cfg(self, checksum: str) -> dict[str, Any]:
        return {
            "labels": list(LABELS),
            "thresholds": self.thresholds,
            "span_agreement": (self.span_agreement if self.span_agreement_override is None
                               else self._stored_span_agreement),
            "spans_key": self.spans_key,
            "meta": self.meta,
            "checksums": {"model": checksum},
            "versions": model_io.library_versions(),
        }

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        self._require_fitted()
        data, digest = model_io.dumps(self.model)
        return srsly.msgpack_dumps({"cfg": self._cfg(digest), "model": data})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> "BreakthroughCategorizer":
        msg = srsly.msgpack_loads(data)
        self._restore(msg["cfg"], msg["model"])
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        self._require_fitted()
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        data, digest = model_io.dumps(self.model)
        (path / "model.npz").write_bytes(data)
        srsly.write_json(path / "cfg.json", self._cfg(digest))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "BreakthroughCategorizer":
        path = Path(path)
        cfg = srsly.read_json(path / "cfg.json")
        self._restore(cfg, model_io.read_bytes(path / "model.npz"))
        return self

    def _restore(self, cfg: dict[str, Any], blob: bytes) -> None:
        if tuple(cfg.get("labels", LABELS)) != LABELS:
            raise model_io.ModelLoadError(
                f"component '{self.name}' was trained for labels {cfg.get('labels')}, expected {list(LABELS)}"
            )
        model_io.check_versions(cfg.get("versions", {}), what=f"component '{self.name}'")
        self.model = model_io.loads(
            blob, expected_sha256=cfg.get("checksums", {}).get("model"), trusted=model_io.caller_trusts(),
            what=self.name
        )
        self.thresholds = {label: float(cfg["thresholds"][label]) for label in LABELS}
        stored = self._stored_span_agreement = float(cfg.get("span_agreement", self.span_agreement))
        self.span_agreement = stored if self.span_agreement_override is None else self.span_agreement_override
        self.meta = cfg.get("meta", {})
