import json
from pathlib import Path

import numpy as np
import pytest

import breakthrough_nlp
from sklearn.base import clone
from sklearn.model_selection import cross_validate

from breakthrough_nlp.cli import main
from breakthrough_nlp.corpus import read_jsonl
from breakthrough_nlp.training import TrainConfig, blank_pipeline, fit_pipeline, make_categorizer_model, make_docs


def _subset(corpus_dir: Path, tmp_path: Path, n_train=400, n_dev=120) -> Path:
    out = tmp_path / "corpus"
    out.mkdir()
    for split, n in (("train", n_train), ("dev", n_dev)):
        lines = (corpus_dir / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()[:n]
        (out / f"{split}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def _predictions(nlp, texts):
    res = []
    for doc in nlp.pipe(texts):
        res.append((tuple(round(v, 12) for v in doc.cats.values()), doc._.breakthroughs,
                    [(s.start_char, s.end_char, s.label_) for s in doc.spans["realizations"]]))
    return res


def test_training_is_deterministic_and_the_default_estimators_ignore_the_seed(corpus_dir, tmp_path):
    # The docs promise that with the default settings no estimator draws random numbers, so
    # two seeds give the same model; a setting that starts using the seed must change them.
    small = _subset(corpus_dir, tmp_path)
    train, dev = read_jsonl(small / "train.jsonl"), read_jsonl(small / "dev.jsonl")
    texts = [r.text for r in read_jsonl(corpus_dir / "test.jsonl")[:40]]
    a = fit_pipeline(train, dev, TrainConfig(seed=3))
    b = fit_pipeline(train, dev, TrainConfig(seed=4))
    assert _predictions(a, texts) == _predictions(b, texts)
    assert a.get_pipe("breakthrough_categorizer").thresholds == b.get_pipe("breakthrough_categorizer").thresholds
    assert a.get_pipe("breakthrough_realizations").threshold == b.get_pipe("breakthrough_realizations").threshold


def test_thresholds_are_tuned_on_dev_and_saved(corpus_dir, tmp_path):
    small = _subset(corpus_dir, tmp_path)
    assert main(["train", str(small), "-o", str(tmp_path / "model")]) == 0
    cfg = json.loads((tmp_path / "model" / "breakthrough_categorizer" / "cfg.json").read_text())
    assert set(cfg["thresholds"]) == {"feelings", "patterns", "values"}
    assert cfg["meta"]["dev_entries"] == 120
    assert "checksums" in cfg and "versions" in cfg


def test_training_needs_a_dev_split(corpus_dir, tmp_path):
    train = read_jsonl(corpus_dir / "train.jsonl")[:50]
    with pytest.raises(ValueError, match="dev split is empty"):
        fit_pipeline(train, [])


def test_categorizer_model_follows_sklearn_contract(corpus_dir):
    records = read_jsonl(corpus_dir / "dev.jsonl")[:150]
    nlp = blank_pipeline()
    docs = make_docs(nlp, records)
    y = np.asarray([int("patterns" in r.labels) for r in records])
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    from breakthrough_nlp.features import TokenFeatures

    pipe = Pipeline([("features", TokenFeatures(n_features=2**12)), ("clf", LogisticRegression(max_iter=500))])
    cloned = clone(pipe)
    assert cloned.get_params()["features__n_features"] == 2**12
    scores = cross_validate(pipe, docs, y, cv=3, scoring="f1")
    assert len(scores["test_score"]) == 3
    full = clone(make_categorizer_model(TrainConfig()))
    assert "clf__estimator__estimator__C" in full.get_params()


def test_train_cli_takes_config_overrides_and_rejects_unknown_ones(corpus_dir, tmp_path, capsys):
    small = _subset(corpus_dir, tmp_path, n_train=300, n_dev=100)
    out = tmp_path / "model"
    assert main(["train", str(small), "-o", str(out), "--config",
                 '{"entry_context": true, "max_extend": 1, "use_context_rules": false}']) == 0
    cfg = json.loads((out / "breakthrough_realizations" / "cfg.json").read_text())
    assert cfg["max_extend"] == 1
    assert cfg["meta"]["config"]["use_context_rules"] is False and cfg["meta"]["config"]["max_extend"] == 1
    # A setting that is not learned survives the round trip through config.cfg.
    assert breakthrough_nlp.load(out).get_pipe("breakthrough_realizations").use_context_rules is False
    assert (out / "breakthrough_realizations" / "reranker.npz").exists()
    capsys.readouterr()
    assert main(["train", str(small), "-o", str(out), "--config", '{"entry_contxt": true}']) == 2
    assert "unknown setting(s) entry_contxt" in capsys.readouterr().err
    assert main(["train", str(small), "-o", str(out), "--config", "[1]"]) == 2
    assert "must be a JSON object" in capsys.readouterr().err
    assert main(["train", str(small), "-o", str(out), "--config", '{"doc_C": "abc"}']) == 2
    assert "TrainConfig.doc_C must be float, got 'abc'" in capsys.readouterr().err


@pytest.mark.parametrize("bad, message", [
    ({"entry_context": "false"}, "entry_context must be bool"),
    ({"unit_C": "abc"}, "unit_C must be float"),
    ({"threshold_grid": 0.5}, "threshold_grid must be tuple"),
    ({"calibration_folds": 1}, "calibration_folds must be at least 2"),
    ({"join_C": 0}, "join_C must be a positive, finite number"),
    ({"seed": 1.5}, "seed must be int"),
    ({"unit_C": float("inf")}, "unit_C must be a positive, finite number"),
    ({"doc_ngram_range": (2, 1)}, "doc_ngram_range must be \\(low, high\\)"),
    ({"doc_n_features": 0}, "doc_n_features must be at least 1"),
    ({"max_extend": -1}, "max_extend must not be negative"),
])
def test_train_config_checks_types_when_it_is_made(bad, message):
    with pytest.raises(ValueError, match=message):
        TrainConfig(**bad)
    assert TrainConfig.from_json('{"unit_ngram_range": [1, 3]}').unit_ngram_range == (1, 3)


def _relabel(records, changes):
    import dataclasses

    return [dataclasses.replace(r, **changes(r)) for r in records]


def test_training_data_that_cannot_be_trained_on_is_refused_before_fitting(corpus_dir):
    train = read_jsonl(corpus_dir / "train.jsonl")[:300]
    dev = read_jsonl(corpus_dir / "dev.jsonl")[:60]
    no_values = _relabel(train, changes=lambda r: {"labels": [x for x in r.labels if x != "values"],
                                                  "spans": [s for s in r.spans if s["label"] != "values"]})
    with pytest.raises(ValueError, match=r"too few in the training split: values \(0\)"):
        fit_pipeline(no_values, dev)
    one_kind = _relabel(train, changes=lambda r: {"spans": [dict(s, label="patterns") for s in r.spans]})
    with pytest.raises(ValueError, match="at least two categories in the training split; found only 'patterns'"):
        fit_pipeline(one_kind, dev)


def test_thin_writer_folds_are_refused_before_fitting_with_the_fix(corpus_dir, monkeypatch):
    # A lab's first small corpus passed every check, fitted, then failed with a message naming
    # no label and no way out (threshold_data='train+dev' cross-fits over writers).
    from breakthrough_nlp import training

    train = read_jsonl(corpus_dir / "train.jsonl")[:300]
    dev = read_jsonl(corpus_dir / "dev.jsonl")[:60]
    solo = train[0].author
    values_once = _relabel(train, changes=lambda r: {
        "labels": [x for x in r.labels if x != "values"] + (["values"] if r.author == solo else []),
        "spans": [s for s in r.spans if s["label"] != "values"]})
    assert sum("values" in r.labels for r in values_once) >= 5
    monkeypatch.setattr(training, "make_detector", lambda cfg: pytest.fail("fitted before refusing"))
    with pytest.raises(ValueError, match=rf"without the writer\(s\) {solo}.*values \(0\).*threshold_data.*dev"):
        fit_pipeline(values_once, dev)


def test_threshold_data_must_be_known(corpus_dir):
    train = read_jsonl(corpus_dir / "train.jsonl")[:50]
    dev = read_jsonl(corpus_dir / "dev.jsonl")[:20]
    with pytest.raises(ValueError, match="threshold_data must be 'dev' or 'train\\+dev'"):
        fit_pipeline(train, dev, TrainConfig(threshold_data="test"))


def test_training_probabilities_for_thresholds_never_come_from_the_writers_own_model(corpus_dir, monkeypatch):
    # threshold_data="train+dev" tunes the label thresholds on training entries too; their
    # probabilities must come from categorizers that never saw the entry's writer.
    from breakthrough_nlp import training
    from breakthrough_nlp.training import _cross_fitted_categories, label_matrix

    records = read_jsonl(corpus_dir / "train.jsonl")[:400]
    docs = make_docs(blank_pipeline(), records)
    author = {id(d): r.author for d, r in zip(docs, records)}
    real = training.make_categorizer_model
    seen = []

    class Recording:
        def __init__(self, cfg):
            self.model = real(cfg)

        def fit(self, X, Y):
            self.authors = {author[id(d)] for d in X}
            self.model.fit(X, Y)
            return self

        def predict_proba(self, X):
            seen.append(self.authors & {author[id(d)] for d in X})
            return self.model.predict_proba(X)

    monkeypatch.setattr(training, "make_categorizer_model", Recording)
    Y = label_matrix(records)
    P = _cross_fitted_categories(records, docs, Y, TrainConfig(doc_span_evidence=False))
    assert P.shape == Y.shape and ((P >= 0) & (P <= 1)).all()
    assert len(seen) == 5 and all(not overlap for overlap in seen)


def test_training_is_single_threaded_so_the_model_does_not_depend_on_the_core_count(corpus_dir, tmp_path, monkeypatch):
    # Multi-threaded BLAS sums in another order, and the differences grow into another model;
    # fit_pipeline limits BLAS and OpenMP to one thread whatever the caller allows.
    from threadpoolctl import threadpool_info, threadpool_limits

    from breakthrough_nlp import training

    small = _subset(corpus_dir, tmp_path, n_train=200, n_dev=60)
    train, dev = read_jsonl(small / "train.jsonl"), read_jsonl(small / "dev.jsonl")
    real, seen = training.make_categorizer_model, []

    def recording(cfg):
        seen.append({info["user_api"]: info["num_threads"] for info in threadpool_info()})
        return real(cfg)

    monkeypatch.setattr(training, "make_categorizer_model", recording)
    with threadpool_limits(limits=2):
        if any(info["num_threads"] < 2 for info in threadpool_info()):
            pytest.skip("this machine's BLAS or OpenMP cannot run two threads")
        fit_pipeline(train, dev, TrainConfig(doc_span_evidence=False))
    assert seen and all(set(pools.values()) == {1} for pools in seen), seen
