"""Baselines the shipped model is compared against (benchmarks only, not the library).

* ``CueWordBaseline``: what a keyword spotter does. A sentence with a cue word
  (realize, notice, understand, "it hit me"…) is a realization span; its category
  and the entry's labels come from small keyword lists.
* ``TfidfEntryBaseline``: TF-IDF over the whole entry plus one logistic
  regression per label, thresholds tuned on dev (entry labels only).
* ``TfidfSentenceBaseline``: the same over single sentences, for spans.
"""

from __future__ import annotations

import re

import numpy as np
import spacy
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from spacy.tokens import Doc, Span

from breakthrough_nlp.corpus import Record
from breakthrough_nlp.labels import LABELS, SPANS_KEY
from breakthrough_nlp.tokens import sentence_units
from breakthrough_nlp.training import best_threshold, label_matrix

CUE = re.compile(
    r"\b(realiz\w*|realis\w*|understand|understood|notic\w*|it hit me|dawned|figured out|i see now|"
    r"i can see|i see that|recogni\w*|learned|learnt|aware|occurred to me|clicked|epiphany|it struck me)\b",
    re.I,
)
KEYWORDS = {
    "feelings": re.compile(r"\b(feel|felt|feeling|angry|anger|sad|grief|scared|afraid|hurt|ashamed|shame|"
                           r"jealous|lonely|cry|cried|resent\w*)\b", re.I),
    "patterns": re.compile(r"\b(every time|always|keep|kept|again|pattern|whenever|each time|cycle|"
                           r"because|end up)\b", re.I),
    "values": re.compile(r"\b(matters?|important|want|values?|priorit\w*|deserve|meaning|rather|"
                         r"who i am|enough)\b", re.I),
}


def _segmenter():
    nlp = spacy.blank("en")
    nlp.add_pipe("breakthrough_sentencizer")
    return nlp


class CueWordBaseline:
    """Sentences with a cue word are realizations; keywords give categories."""

    def __init__(self) -> None:
        self.nlp = _segmenter()

    def _category(self, text: str) -> str:
        hits = [(len(KEYWORDS[lab].findall(text)), lab) for lab in LABELS]
        n, lab = max(hits)
        return lab if n else "other"

    def __call__(self, text: str) -> Doc:
        doc = self.nlp(text)
        spans = []
        for s, e in sentence_units(doc):
            span = doc[s:e]
            if CUE.search(span.text):
                spans.append(Span(doc, s, e, label=self._category(span.text)))
        doc.spans[SPANS_KEY] = spans
        doc.spans[SPANS_KEY].attrs["scores"] = [1.0] * len(spans)
        labels = {sp.label_ for sp in spans if sp.label_ in LABELS}
        for lab in LABELS:
            doc.cats[lab] = float(lab in labels)
        doc._.breakthroughs = tuple(lab for lab in LABELS if lab in labels)
        return doc

    def pipe(self, texts, **kwargs):
        for t in texts:
            yield self(t)


class TfidfEntryBaseline:
    """TF-IDF (word 1-2 grams) + logistic regression per label over the whole entry."""

    def __init__(self, train: list[Record], dev: list[Record], seed: int = 0) -> None:
        self.vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        X = self.vec.fit_transform([r.text for r in train])
        Y = label_matrix(train)
        self.models = [LogisticRegression(C=4, class_weight="balanced", max_iter=2000, random_state=seed)
                       .fit(X, Y[:, j]) for j in range(len(LABELS))]
        P = self.proba([r.text for r in dev])
        Yd = label_matrix(dev)
        self.thresholds = [best_threshold(Yd[:, j], P[:, j], tuple(np.arange(0.05, 0.96, 0.025)))[0]
                           for j in range(len(LABELS))]
        self.nlp = spacy.blank("en")

    def proba(self, texts: list[str]) -> np.ndarray:
        X = self.vec.transform(texts)
        return np.column_stack([m.predict_proba(X)[:, 1] for m in self.models])

    def pipe(self, texts, **kwargs):
        texts = list(texts)
        P = self.proba(texts)
        for text, row in zip(texts, P):
            doc = self.nlp.make_doc(text)
            for lab, p in zip(LABELS, row):
                doc.cats[lab] = float(p)
            doc._.breakthroughs = tuple(lab for lab, p, t in zip(LABELS, row, self.thresholds) if p >= t)
            doc.spans[SPANS_KEY] = []
            yield doc


class TfidfSentenceBaseline:
    """TF-IDF + logistic regression over single sentences: a span where P >= a dev-tuned threshold."""

    def __init__(self, train: list[Record], dev: list[Record], seed: int = 0) -> None:
        from breakthrough_nlp.evaluation import span_prf
        from breakthrough_nlp.evaluation import covers, strip_closing

        self.nlp = _segmenter()
        texts, y = [], []
        for r in train:
            doc = self.nlp(r.text)
            gold = [strip_closing(r.text, s["start"], s["end"]) for s in r.spans]
            for s, e in sentence_units(doc):
                sp = doc[s:e]
                u = (sp.start_char, sp.end_char)
                texts.append(sp.text)
                y.append(int(any(covers(u, g) for g in gold)))
        self.vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        self.clf = LogisticRegression(C=4, class_weight="balanced", max_iter=2000, random_state=seed)
        self.clf.fit(self.vec.fit_transform(texts), y)
        self.threshold = 0.5
        best = -1.0
        for t in np.arange(0.05, 0.96, 0.05):
            self.threshold = float(t)
            f = span_prf(dev, list(self.pipe(r.text for r in dev)))["overlap"]["f1"]
            if f > best:
                best, best_t = f, float(t)
        self.threshold = best_t

    def pipe(self, texts, **kwargs):
        for text in texts:
            doc = self.nlp(text)
            units = [doc[s:e] for s, e in sentence_units(doc)]
            p = self.clf.predict_proba(self.vec.transform([u.text for u in units]))[:, 1] if units else []
            keep = [(u, float(q)) for u, q in zip(units, p) if q >= self.threshold]
            doc.spans[SPANS_KEY] = [Span(doc, u.start, u.end, label="other") for u, _ in keep]
            doc.spans[SPANS_KEY].attrs["scores"] = [q for _, q in keep]
            for lab in LABELS:
                doc.cats[lab] = 0.0
            doc._.breakthroughs = ()
            yield doc
