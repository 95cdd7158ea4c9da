import numpy as np
import pytest
from sklearn.base import clone

from breakthrough_nlp.features import EntryWords, TokenFeatures
from breakthrough_nlp.realizations import _ngram_names
from breakthrough_nlp.training import blank_pipeline, make_labeler, TrainConfig


@pytest.fixture(scope="module")
def docs():
    nlp = blank_pipeline()
    seg = nlp.get_pipe("breakthrough_sentencizer")
    texts = ["I see it now. Every fight with Sam starts the same way, and I start it.",
             "I see it now. I never wanted the promotion; I wanted the weekends."]
    return [seg(nlp.make_doc(t)) for t in texts]


def test_entry_words_tell_the_same_span_apart_by_its_entry(docs):
    a, b = docs[0][0:4], docs[1][0:4]  # "I see it now" in both
    assert a.text == b.text
    span_rows = TokenFeatures(ngram_range=(1, 2)).fit([a, b]).transform([a, b]).toarray()
    assert np.array_equal(span_rows[0], span_rows[1])
    f = EntryWords(weight=0.5).fit([a, b])
    rows = f.transform([a, b, docs[0][5:10]]).toarray()
    assert not np.array_equal(rows[0], rows[1])
    assert np.array_equal(rows[0], rows[2])  # two spans of one entry share its row
    full = EntryWords(weight=1.0).fit([a]).transform([a]).toarray()
    assert np.allclose(rows[0], 0.5 * full[0])
    assert rows.shape[1] == f.n_features_out_ == len(f.get_feature_names_out())


def test_entry_words_follow_the_estimator_contract(docs):
    f = EntryWords(weight=0.25)
    assert clone(f).get_params()["weight"] == 0.25
    assert EntryWords().fit([docs[0][0:4]]).transform([]).shape == (0, EntryWords().fit([docs[0][0:4]]).n_features_out_)
    with pytest.raises(ValueError, match="weight"):
        EntryWords(weight=-1).fit([docs[0][0:4]])


def test_labeler_reads_the_entry_only_when_asked(docs):
    spans = [docs[0][0:4], docs[1][0:4], docs[0][5:17], docs[1][5:10]]
    labels = ["patterns", "values", "patterns", "values"]
    with_entry = make_labeler(TrainConfig()).fit(spans, labels)
    assert with_entry.predict(spans[:2]).tolist() == ["patterns", "values"]  # same words, different entries
    without = make_labeler(TrainConfig(label_entry_weight=0.0)).fit(spans, labels)
    assert "entry" not in dict(getattr(without.named_steps["features"], "transformer_list", []))
    assert len(set(without.predict(spans[:2]).tolist())) == 1


def test_token_features_trigrams(docs):
    span = docs[0][5:17]
    n = {r: TokenFeatures(ngram_range=r, shape_features=False).fit([span]).transform([span])[:, :2**16].nnz
         for r in [(1, 1), (1, 2), (1, 3), (3, 3)]}
    words = sum(not t.is_space for t in span)
    assert n[(1, 1)] <= words and n[(1, 2)] > n[(1, 1)] and n[(1, 3)] > n[(1, 2)]
    assert 0 < n[(3, 3)] <= words - 2
    with pytest.raises(ValueError, match="ngram_range"):
        TokenFeatures(ngram_range=(1, 4)).fit([span])


def test_detector_own_words_block_is_optional():
    from breakthrough_nlp.training import make_detector
    from sklearn.pipeline import FeatureUnion

    assert isinstance(make_detector(TrainConfig()).named_steps["features"], TokenFeatures)
    union = make_detector(TrainConfig(unit_own_ngrams=(1, 3))).named_steps["features"]
    assert isinstance(union, FeatureUnion) and union.transformer_list[1][1].ngram_range == (1, 3)


def test_edge_padding_gives_an_entry_edge_the_weight_of_missing_context():
    nlp = blank_pipeline()
    seg = nlp.get_pipe("breakthrough_sentencizer")
    alone = seg(nlp.make_doc("I want a new bike."))
    inside = seg(nlp.make_doc("Rain all day and the bus was late again. I want a new bike. Then tea and bed early."))
    s_alone, s_inside = alone[0:5], inside[10:15]
    assert s_alone.text == s_inside.text == "I want a new bike"
    kw = dict(context_window=6, next_window=6, shape_features=False, lexicon_weight=0.0)
    plain = TokenFeatures(**kw).fit([s_alone])
    padded = TokenFeatures(pad_context=True, **kw).fit([s_alone])
    assert clone(padded).get_params()["pad_context"] is True
    own = plain.transform([s_alone]).toarray()[0]
    # Alone, its own words carry the whole norm; padded, they weigh about what they weigh inside an entry.
    own_padded = padded.transform([s_alone]).toarray()[0]
    own_inside = plain.transform([s_inside]).toarray()[0]
    word = np.flatnonzero(own)[0]
    assert own[word] > own_inside[word]
    assert abs(own_padded[word] - own_inside[word]) < 0.25 * own_inside[word]
    # Inside an entry with enough words around it, padding changes nothing.
    assert np.allclose(padded.transform([s_inside]).toarray(), own_inside)
    # explain() names the edge features instead of reporting bare hashes.
    names = _ngram_names(padded, s_alone)
    on = set(np.flatnonzero(own_padded[:padded.n_features]).tolist())
    assert on <= set(names) and {"before: (entry starts)", "after: (entry ends)"} <= set(names.values())
    # Not set on models saved before the option existed: transform still works.
    del padded.pad_context
    assert np.allclose(padded.transform([s_alone]).toarray()[0], own)
