"""Grouping sentences into one realization: joining accepted neighbours and growing into weak ones."""

import numpy as np
import pytest
from sklearn.base import clone

from breakthrough_nlp.features import JoinFeatures
from breakthrough_nlp.training import TrainConfig, _unit_weights, blank_pipeline, make_docs, span_targets
from breakthrough_nlp.corpus import Record

SENTS = ["Cleaned the garage.", "I am not angry at Caleb.", "I am angry at Dad.", "Dinner was fine.", "Bed."]
TEXT = " ".join(SENTS)
CALEB_DAD = (SENTS[1], SENTS[2])


class PairJoiner:
    """A stand-in join model: P(join) = 0.9 for the (first, second) sentence pairs in ``joins``."""

    def __init__(self, joins):
        self.joins = set(joins)
        self.seen = []

    def predict_proba(self, X):
        self.seen += [(a.text, b.text, sa, sb) for a, b, sa, sb in X]
        p = np.asarray([0.9 if (a.text, b.text) in self.joins else 0.1 for a, b, *_ in X])
        return np.stack([1 - p, p], axis=1)


def _decode(scores, joins, threshold=0.5, join_threshold=0.5, max_extend=3, text=TEXT, extend_floor=0.0):
    nlp = blank_pipeline()
    marker = nlp.get_pipe("breakthrough_realizations")
    marker.joiner = PairJoiner(joins)
    marker.max_extend = max_extend
    marker.extend_floor = extend_floor
    doc = nlp.get_pipe("breakthrough_sentencizer")(nlp.make_doc(text))
    units = list(doc.sents)
    mods = [marker.annotate_context(doc)]
    marker.decode([doc], units, [0] * len(units), np.asarray(scores, dtype=float), mods, threshold, join_threshold)
    return doc, marker


def test_weak_half_of_an_insight_is_joined_to_its_strong_half():
    doc, marker = _decode([0.05, 0.2, 0.9, 0.1, 0.0], joins={CALEB_DAD})
    spans = doc.spans["realizations"]
    assert [s.text for s in spans] == ["I am not angry at Caleb. I am angry at Dad."]
    assert doc.text[spans[0].start_char:spans[0].end_char] == spans[0].text
    assert spans.attrs["scores"] == [0.9]  # the group's score is its best sentence's
    reasons = dict(zip([c.text for c in doc.spans["realization_candidates"]], doc.spans["realization_candidates"].attrs["reasons"]))
    assert reasons["I am not angry at Caleb."] == "joined to a neighbouring realization"
    assert reasons["I am angry at Dad."] == "accepted"
    assert reasons["Dinner was fine."] == "below threshold"
    # the join model saw the detector's scores for both sentences
    assert ("I am not angry at Caleb.", "I am angry at Dad.", 0.2, 0.9) in marker.joiner.seen


def test_no_join_when_the_join_model_says_no():
    doc, _ = _decode([0.05, 0.2, 0.9, 0.1, 0.0], joins=set())
    assert [s.text for s in doc.spans["realizations"]] == ["I am angry at Dad."]


def test_join_threshold_and_max_extend_limit_growth():
    every = set(zip(SENTS, SENTS[1:]))
    doc, _ = _decode([0.05, 0.2, 0.9, 0.1, 0.0], joins=every, join_threshold=0.95)
    assert [s.text for s in doc.spans["realizations"]] == ["I am angry at Dad."]
    doc, _ = _decode([0.05, 0.2, 0.9, 0.1, 0.0], joins=every, max_extend=1)
    assert [s.text for s in doc.spans["realizations"]] == ["I am not angry at Caleb. I am angry at Dad. Dinner was fine."]
    doc, _ = _decode([0.05, 0.2, 0.9, 0.1, 0.0], joins=every, max_extend=0)
    assert [s.text for s in doc.spans["realizations"]] == ["I am angry at Dad."]


def test_neighbours_below_the_extend_floor_are_not_grown_into():
    doc, _ = _decode([0.05, 0.2, 0.9, 0.1, 0.0], joins={CALEB_DAD}, extend_floor=0.3)
    assert [s.text for s in doc.spans["realizations"]] == ["I am angry at Dad."]
    doc, _ = _decode([0.05, 0.2, 0.9, 0.1, 0.0], joins={CALEB_DAD}, extend_floor=0.2)
    assert [s.text for s in doc.spans["realizations"]] == ["I am not angry at Caleb. I am angry at Dad."]


def test_a_sentence_rejected_by_context_is_never_joined():
    text = "My brother realized he hates his job. I am angry at Dad. Bed."
    doc, _ = _decode([0.3, 0.9, 0.0], joins={("My brother realized he hates his job.", "I am angry at Dad.")}, text=text)
    assert [s.text for s in doc.spans["realizations"]] == ["I am angry at Dad."]
    reasons = doc.spans["realization_candidates"].attrs["reasons"]
    assert reasons[0].startswith("OTHER_EXPERIENCER")


def test_two_accepted_neighbours_stay_apart_unless_joined():
    doc, _ = _decode([0.0, 0.8, 0.9, 0.0, 0.0], joins=set())
    assert [s.text for s in doc.spans["realizations"]] == ["I am not angry at Caleb.", "I am angry at Dad."]
    doc, _ = _decode([0.0, 0.8, 0.9, 0.0, 0.0], joins={CALEB_DAD})
    assert [s.text for s in doc.spans["realizations"]] == ["I am not angry at Caleb. I am angry at Dad."]


def test_join_features_use_scores_and_accept_plain_pairs():
    nlp = blank_pipeline()
    doc = nlp.get_pipe("breakthrough_sentencizer")(nlp.make_doc(TEXT))
    a, b = list(doc.sents)[1:3]
    f = clone(JoinFeatures(n_features=64)).fit([(a, b)])
    low, high, plain = f.transform([(a, b, 0.1, 0.2), (a, b, 0.8, 0.9), (a, b)]).toarray()
    assert f.n_features_out_ == low.shape[0] == 64 + JoinFeatures.N_DENSE
    assert not np.array_equal(low, high)
    assert np.array_equal(low[:64], high[:64])  # the words are the same; only the score columns differ
    assert plain[64 + 5] == 0 and low[64 + 5] == 1  # "has scores" flag


def test_join_features_read_models_saved_with_five_dense_columns():
    nlp = blank_pipeline()
    doc = nlp.get_pipe("breakthrough_sentencizer")(nlp.make_doc(TEXT))
    a, b = list(doc.sents)[1:3]
    f = JoinFeatures(n_features=64).fit([(a, b)])
    f.n_features_out_ = 64 + 5
    assert f.transform([(a, b, 0.1, 0.2)]).shape == (1, 69)


def _records():
    text = "Nothing much. It isn't the job. It's my father. Lunch."
    start = text.index("It isn't")
    return [
        Record(id="a", text=text, labels=["patterns"], author="x",
               spans=[{"start": start, "end": text.index("Lunch") - 1, "label": "patterns"}]),
        Record(id="b", text="I see it now: I hide.", labels=["patterns"], author="y",
               spans=[{"start": 0, "end": 20, "label": "patterns"}]),
    ]


def test_span_weighting_gives_each_gold_span_weight_one():
    records = _records()
    nlp = blank_pipeline()
    docs = make_docs(nlp, records)
    t = span_targets(nlp.get_pipe("breakthrough_realizations"), docs, records)
    w = _unit_weights(t, TrainConfig(unit_weighting="span"))["clf__sample_weight"]
    pos = t.y_units == 1
    assert pos.sum() == 3
    assert w[pos].sum() == pytest.approx(2.0)  # two gold spans
    assert np.all(w[~pos] == 1.0)
    assert _unit_weights(t, TrainConfig(unit_weighting="unit")) == {}
    with pytest.raises(ValueError, match="unit_weighting"):
        _unit_weights(t, TrainConfig(unit_weighting="tokens"))


def test_shipped_model_keeps_the_guides_two_sentence_insight_whole(nlp):
    text = "It's not the job. It's that I've never once said no to my father."
    doc = nlp(text)
    spans = doc.spans["realizations"]
    assert [s.text for s in spans] == ["It's not the job. It's that I've never once said no to my father"]


def test_shipped_model_does_not_grow_an_insight_into_an_unrelated_line(nlp):
    doc = nlp("I see now that I always run. Groceries.")
    assert [s.text for s in doc.spans["realizations"]] == ["I see now that I always run"]
    marker = nlp.get_pipe("breakthrough_realizations")
    # The tuned floor may be 0 (then the joiner alone decides, as above); it is never above
    # the sentence threshold, where growing would be the same as accepting.
    assert 0.0 <= marker.extend_floor < marker.threshold


def test_span_evidence_does_not_count_joined_sentences_as_rejected():
    from breakthrough_nlp.features import SpanEvidence

    doc, _ = _decode([0.05, 0.2, 0.9, 0.1, 0.0], joins={CALEB_DAD})
    assert "joined to a neighbouring realization" in doc.spans["realization_candidates"].attrs["reasons"]
    ev = SpanEvidence().fit([doc])
    row = dict(zip(ev.get_feature_names_out(), ev.transform([doc]).toarray()[0]))
    assert row["rejected_share"] == 0.0
    assert row["best_unrejected_score"] == pytest.approx(0.9)
    assert row["best_other_span"] == pytest.approx(0.9)  # no labeler: the joined span is `other`


def test_explain_lists_the_sentences_of_a_joined_span():
    doc, marker = _decode([0.05, 0.2, 0.9, 0.1, 0.0], joins={CALEB_DAD})
    marker.detector = _shipped_detector()
    info = marker.explain(doc.spans["realizations"][0])
    assert [(s["text"], s["reason"]) for s in info["sentences"]] == [
        ("I am not angry at Caleb.", "joined to a neighbouring realization"), ("I am angry at Dad.", "accepted")]
    assert [s["score"] for s in info["sentences"]] == [0.2, 0.9]


def _shipped_detector():
    import breakthrough_nlp

    return breakthrough_nlp.load().get_pipe("breakthrough_realizations").detector
