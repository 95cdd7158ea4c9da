"""A marked span's score is a probability that it matches a gold realization (the overlap rule)."""

import numpy as np
import pytest
import spacy
from spacy.tokens import SpanGroup

from breakthrough_nlp.corpus import Record
from breakthrough_nlp.labels import ACCEPTED, JOINED
from breakthrough_nlp.realizations import RealizationMarker
from breakthrough_nlp.training import fit_span_calibration


def _marked(nlp, text, spans, scores):
    doc = nlp.make_doc(text)
    group = SpanGroup(doc, name="realizations",
                      spans=[doc.char_span(s, e, label="values") for s, e in spans])
    group.attrs["scores"] = list(scores)
    doc.spans["realizations"] = group
    return doc


def test_span_calibration_is_fitted_to_which_spans_match_gold():
    nlp = spacy.blank("en")
    records, docs = [], []
    rng = np.random.default_rng(0)
    text = "I want my evenings back. Groceries on Friday."
    first, second = (0, 23), (25, 45)
    for i in range(200):
        # Strongly scored spans are the gold span; weakly scored ones sit on the wrong sentence.
        score = float(rng.uniform(0.3, 0.99))
        right = rng.uniform() < score - 0.2
        records.append(Record(id=f"e{i}", text=text, labels=["values"],
                              spans=[{"start": 0, "end": 23, "label": "values"}]))
        docs.append(_marked(nlp, text, [first if right else second], [score]))
    slope, intercept = fit_span_calibration(records, docs)
    assert slope > 0
    marker = RealizationMarker(nlp)
    marker.span_calibration = (slope, intercept)
    # Monotone, and lower than the raw score where a fifth of matches are lost to the extent.
    assert marker.span_score(0.5) < marker.span_score(0.9)
    assert marker.span_score(0.6) < 0.6
    marker.span_calibration = None
    assert marker.span_score(0.6) == 0.6


def test_no_calibration_when_every_span_matches():
    nlp = spacy.blank("en")
    text = "I want my evenings back."
    records = [Record(id="e1", text=text, labels=["values"], spans=[{"start": 0, "end": 23, "label": "values"}])]
    assert fit_span_calibration(records, [_marked(nlp, text, [(0, 23)], [0.8])]) is None


def test_shipped_span_scores_map_the_strongest_sentence_score(nlp):
    marker = nlp.get_pipe("breakthrough_realizations")
    assert marker.span_calibration is not None
    texts = [
        "I don't want the promotion. I want my evenings with the kids.",
        "Every time I say yes to everything I end up burned out and hating myself. Anyway, lunch.",
        "Talking about the funeral I finally let myself feel how angry I was at him.",
    ]
    seen = 0
    for doc in nlp.pipe(texts):
        cands = doc.spans["realization_candidates"]
        kept = [(c, s) for c, s, r in zip(cands, cands.attrs["scores"], cands.attrs["reasons"])
                if r in (ACCEPTED, JOINED)]
        group = doc.spans["realizations"]
        for span, score in zip(group, group.attrs["scores"]):
            inside = [s for c, s in kept if c.start < span.end and c.end > span.start]
            # Both stored scores are rounded to 6 places, so mapping the rounded sentence score
            # can land one unit off in the last place.
            assert score == pytest.approx(marker.span_score(max(inside)), abs=2e-6)
            seen += 1
    assert seen >= 2
