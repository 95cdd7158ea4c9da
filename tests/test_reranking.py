"""The entry-context reranker: its features, its tree classifier, and how the marker uses it."""

import numpy as np
import pytest
import spacy
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier

import breakthrough_nlp
from breakthrough_nlp import model_io
from breakthrough_nlp.corpus import load_splits
from breakthrough_nlp.estimators import BoostedTreesClassifier
from breakthrough_nlp.features import EntryContextFeatures
from breakthrough_nlp.tokens import sentence_units
from breakthrough_nlp.training import TrainConfig, fit_pipeline


def _data(n=2000, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5))
    y = (X[:, 0] * X[:, 1] + 0.5 * rng.normal(size=n) > 0).astype(int)
    X[::13, 2] = np.nan
    return X, y


def test_boosted_trees_predict_like_the_sklearn_model_they_were_fit_with():
    X, y = _data()
    ours = BoostedTreesClassifier(max_iter=60, max_depth=3, random_state=0).fit(X, y)
    ref = HistGradientBoostingClassifier(learning_rate=0.05, max_iter=60, max_depth=3, early_stopping=False,
                                         random_state=0).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-12)
    assert (ours.predict(X) == ref.predict(X)).all()
    # it learned the interaction, which no linear model over X could
    assert (ours.predict(X) == y).mean() > 0.75


def test_boosted_trees_keep_string_classes_and_follow_the_estimator_contract():
    X, y = _data(400)
    labels = np.where(y == 1, "yes", "no")
    est = BoostedTreesClassifier(max_iter=20)
    fitted = est.fit(X, labels)
    assert set(fitted.predict(X)) <= {"yes", "no"}
    assert list(fitted.classes_) == ["no", "yes"]
    assert clone(est).get_params() == est.get_params()
    with pytest.raises(ValueError, match="binary"):
        BoostedTreesClassifier().fit(X, np.arange(len(X)) % 3)
    with pytest.raises(ValueError, match="features"):
        fitted.predict_proba(X[:, :3])


def test_boosted_trees_survive_the_safe_model_format():
    X, y = _data(600)
    est = BoostedTreesClassifier(max_iter=30).fit(X, y)
    data, sha = model_io.dumps(est)
    back = model_io.loads(data, expected_sha256=sha)  # no trusted=True needed
    np.testing.assert_array_equal(back.predict_proba(X), est.predict_proba(X))


def _entries():
    nlp = spacy.blank("en")
    nlp.add_pipe("breakthrough_sentencizer")
    texts = [
        "Went to the shop. I finally see that I push people away first. Bought bread.",
        "Rain all day. Watched a film.",
        "Long call with Mum. It hit me that I have been angry for years. Then dinner. Then bed.",
        "Nothing much. Slept early.",
    ] * 3
    docs = [nlp(t) for t in texts]
    pairs, y = [], []
    for doc in docs:
        for k, (s, e) in enumerate(sentence_units(doc)):
            span = doc[s:e]
            positive = span.text.startswith(("I finally", "It hit"))
            pairs.append((span, 0.7 if positive else 0.2 + 0.01 * k))
            y.append(int(positive))
    return pairs, np.asarray(y)


def test_entry_context_features_describe_each_sentence_within_its_entry():
    pairs, y = _entries()
    feats = EntryContextFeatures(cv=2).fit(pairs, y)
    names = list(feats.get_feature_names_out())
    X = feats.transform(pairs)
    col = {n: names.index(n) for n in ("is_best", "rank", "gap_to_best", "n_sentences", "is_first", "previous_logit")}
    first = pairs[0][0].doc
    rows = [i for i, (span, _) in enumerate(pairs) if span.doc is first]
    assert X[rows, col["n_sentences"]].tolist() == [3, 3, 3]
    assert X[rows, col["is_best"]].tolist() == [0, 1, 0]
    assert X[rows, col["rank"]].tolist() == [2, 0, 1]
    assert X[rows[1], col["gap_to_best"]] == 0 and X[rows[0], col["gap_to_best"]] < 0
    assert X[rows[0], col["is_first"]] == 1
    # order of the input does not matter: features follow the sentences
    shuffled = list(reversed(range(len(pairs))))
    X_rev = feats.transform([pairs[i] for i in shuffled])
    np.testing.assert_allclose(X_rev, X[shuffled])


def test_entry_context_fit_transform_is_cross_fitted():
    pairs, y = _entries()
    feats = EntryContextFeatures(cv=2)
    crossed = feats.fit_transform(pairs, y)
    in_sample = feats.transform(pairs)
    entry = list(feats.get_feature_names_out()).index("entry_logit")
    assert not np.allclose(crossed[:, entry], in_sample[:, entry])
    others = [j for j in range(crossed.shape[1]) if j != entry]
    np.testing.assert_allclose(crossed[:, others], in_sample[:, others])


def test_entry_context_needs_both_kinds_of_entries():
    pairs, y = _entries()
    with pytest.raises(ValueError, match="with and without"):
        EntryContextFeatures().fit(pairs, np.zeros_like(y))
    with pytest.raises(ValueError, match="labels"):
        EntryContextFeatures().fit(pairs)


def test_marker_without_reranker_keeps_detector_scores(nlp):
    marker = nlp.get_pipe("breakthrough_realizations")
    doc = nlp.make_doc("I finally see it. Then lunch.")
    units = [doc[0:5], doc[5:8]]
    scores = np.asarray([0.3, 0.6])
    saved = marker.reranker
    try:
        marker.reranker = None
        assert marker.rescore(units, scores) is scores
    finally:
        marker.reranker = saved


@pytest.fixture(scope="module")
def reranked(corpus_dir):
    """A pipeline trained with the reranker on (the shipped model is trained without it)."""
    splits = load_splits(corpus_dir)
    return fit_pipeline(splits["train"][:500], splits["dev"][:120], TrainConfig(entry_context=True))


def test_reranker_rescores_with_entry_context(reranked):
    marker = reranked.get_pipe("breakthrough_realizations")
    assert marker.reranker is not None
    doc = reranked("I have always run from conflict. Bought bread. I see now that I do it to stay safe.")
    cands = doc.spans["realization_candidates"]
    raw = marker.detector.predict_proba(list(cands))[:, 1]
    final = np.asarray(cands.attrs["scores"])
    assert final.shape == raw.shape
    assert ((final >= 0) & (final <= 1)).all()
    assert not np.allclose(final, raw, atol=1e-6)


def test_explain_shows_both_inputs_of_the_final_score(reranked):
    doc = reranked("Work was long. I finally noticed that I only call my mother when I need money. Pasta for dinner.")
    marker = reranked.get_pipe("breakthrough_realizations")
    span = doc.spans["realization_candidates"][1]
    info = marker.explain(span)
    assert 0.0 <= info["entry_score"] <= 1.0
    assert info["sentences"]
    for item in info["sentences"]:
        assert 0.0 <= item["detector_score"] <= 1.0 and 0.0 <= item["score"] <= 1.0


def test_reranked_pipeline_round_trips_and_old_files_do_not_linger(reranked, tmp_path):
    texts = ["I keep choosing people who need rescuing. Every time. I see it now.", "Rain. Bought milk."]
    reranked.to_disk(tmp_path / "m")
    back = spacy.load(tmp_path / "m")
    for a, b in zip(reranked.pipe(texts), back.pipe(texts)):
        assert a.spans["realization_candidates"].attrs["scores"] == b.spans["realization_candidates"].attrs["scores"]
        assert [(s.start, s.end, s.label_) for s in a.spans["realizations"]] == [
            (s.start, s.end, s.label_) for s in b.spans["realizations"]]
    # Saving a model without a reranker over it removes the reranker's file.
    assert (tmp_path / "m" / "breakthrough_realizations" / "reranker.npz").exists()
    plain = breakthrough_nlp.load()
    plain.get_pipe("breakthrough_realizations").reranker = None
    plain.to_disk(tmp_path / "m")
    assert not (tmp_path / "m" / "breakthrough_realizations" / "reranker.npz").exists()
    assert spacy.load(tmp_path / "m").get_pipe("breakthrough_realizations").reranker is None


def test_reranker_feature_subset(corpus_dir):
    pairs, y = _entries()
    feats = EntryContextFeatures(cv=2, features=["sentence_logit", "next_logit"]).fit(pairs, y)
    assert list(feats.get_feature_names_out()) == ["sentence_logit", "next_logit"]
    assert feats.entry_model_ is None  # not needed without entry_logit
    assert feats.transform(pairs).shape == (len(pairs), 2)
    with pytest.raises(ValueError, match="unknown entry-context features"):
        EntryContextFeatures(features=["mood"]).fit(pairs, y)


def test_memoized_decoding_matches_plain_decoding(nlp):
    marker = nlp.get_pipe("breakthrough_realizations")
    texts = [
        "It's not the job. It's that I've never once said no to my father. Groceries after.",
        "I keep picking people who need rescuing. Every time. I see it now and it scares me.",
        "Realized the stove was on. Turned it off.",
    ]

    def sweep(memo: bool):
        docs = [nlp.make_doc(t) for t in texts]
        docs = [nlp.get_pipe("breakthrough_sentencizer")(d) for d in docs]
        units, owners, scores, mods = marker.score_units(docs)
        out = []
        ctx = marker.memoized() if memo else __import__("contextlib").nullcontext()
        with ctx:
            for t in (0.2, 0.45, 0.7):
                for jt in (0.3, 0.7):
                    marker.decode(docs, units, owners, scores, mods, t, jt)
                    out.append([[(s.start, s.end, s.label_) for s in d.spans["realizations"]] for d in docs])
        return out

    plain, memo = sweep(False), sweep(True)
    assert plain == memo
    assert any(any(doc) for doc in plain)  # something was marked
    assert marker._memo is None
