import json
import subprocess
import sys

import pytest
import spacy

import breakthrough_nlp
from breakthrough_nlp.api import default_model_path
from breakthrough_nlp.model_io import ModelLoadError

TEXTS = [
    "Every time I say yes to everything I end up burned out and hating myself.",
    "Talking about the funeral I finally let myself feel how angry I was at him.",
    "I don't want the promotion. I want my evenings with the kids.",
    "Realized I left my keys at work. Pizza for dinner.",
]


def outputs(nlp, texts=TEXTS):
    out = []
    for doc in nlp.pipe(texts):
        group = doc.spans["realizations"]
        out.append((
            {k: round(v, 10) for k, v in doc.cats.items()},
            doc._.breakthroughs,
            [(s.start_char, s.end_char, s.label_) for s in group],
            [round(x, 6) for x in group.attrs["scores"]],
            list(doc.spans["realization_candidates"].attrs["reasons"]),
        ))
    return out


def test_to_disk_then_spacy_load_gives_identical_outputs(nlp, tmp_path):
    nlp.to_disk(tmp_path / "model")
    again = spacy.load(tmp_path / "model")
    assert outputs(again) == outputs(nlp)


def test_component_bytes_round_trip(nlp):
    fresh = spacy.load(default_model_path())
    for name in ("breakthrough_realizations", "breakthrough_categorizer"):
        data = nlp.get_pipe(name).to_bytes()
        fresh.get_pipe(name).from_bytes(data)
    assert outputs(fresh) == outputs(nlp)


def test_nlp_to_bytes_round_trip(nlp):
    data = nlp.to_bytes()
    other = spacy.load(default_model_path())
    other.from_bytes(data)
    assert outputs(other) == outputs(nlp)


def test_model_directory_is_a_standard_spacy_pipeline():
    path = default_model_path()
    assert (path / "config.cfg").exists() and (path / "meta.json").exists()
    assert (path / "README.md").exists(), "the model card ships with the model"
    for name in ("breakthrough_realizations", "breakthrough_categorizer"):
        assert (path / name / "cfg.json").is_dir() is False and (path / name / "cfg.json").exists()
    meta = json.loads((path / "meta.json").read_text())
    assert meta["name"]


def test_tampered_model_file_is_refused(nlp, tmp_path):
    nlp.to_disk(tmp_path / "m")
    f = tmp_path / "m" / "breakthrough_categorizer" / "model.npz"
    data = bytearray(f.read_bytes())
    data[-40] ^= 0xFF
    f.write_bytes(bytes(data))
    with pytest.raises(ModelLoadError, match="checksum"):
        breakthrough_nlp.load(tmp_path / "m")


def test_untrusted_types_are_refused_unless_trusted(nlp, tmp_path):
    import hashlib

    import numpy as np
    from sklearn.preprocessing import StandardScaler

    from breakthrough_nlp import model_io

    nlp.to_disk(tmp_path / "m")
    comp = tmp_path / "m" / "breakthrough_categorizer"
    cfg = json.loads((comp / "cfg.json").read_text())
    data, digest = model_io.dumps(StandardScaler().fit(np.eye(3)))
    assert digest == hashlib.sha256(data).hexdigest()
    (comp / "model.npz").write_bytes(data)
    cfg["checksums"]["model"] = digest
    (comp / "cfg.json").write_text(json.dumps(cfg))
    with pytest.raises(ModelLoadError, match="does not trust: sklearn.preprocessing._data.StandardScaler"):
        breakthrough_nlp.load(tmp_path / "m")
    with pytest.raises(ModelLoadError, match="does not trust"):
        model_io.loads(data, expected_sha256=digest)
    scaler = model_io.loads(data, expected_sha256=digest, trusted=True)
    assert scaler.transform(np.eye(3)).shape == (3, 3)


def test_model_files_cannot_carry_pickles(nlp, tmp_path):
    import io
    import pickle

    import numpy as np

    from breakthrough_nlp import model_io

    buf = io.BytesIO()
    np.savez(buf, __tree__=np.array([pickle.dumps(print)], dtype=object), allow_pickle=True)
    with pytest.raises(ModelLoadError, match="not a breakthrough-nlp model file"):
        model_io.loads(buf.getvalue(), expected_sha256=None)


def test_version_mismatch_warns_with_both_versions(nlp, tmp_path):
    nlp.to_disk(tmp_path / "m")
    comp = tmp_path / "m" / "breakthrough_categorizer"
    cfg = json.loads((comp / "cfg.json").read_text())
    cfg["versions"]["scikit-learn"] = "0.1.0"
    (comp / "cfg.json").write_text(json.dumps(cfg))
    with pytest.warns(UserWarning, match="scikit-learn 0.1.0"):
        breakthrough_nlp.load(tmp_path / "m")


def test_spacy_load_in_fresh_process_without_importing_package():
    code = (
        "import sys, spacy\n"
        f"nlp = spacy.load({str(default_model_path())!r})\n"
        "doc = nlp('Every time I say yes to everything I end up burned out.')\n"
        "print(nlp.pipe_names)\n"
        "print(sorted(doc.cats))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "breakthrough_categorizer" in res.stdout
    assert "['feelings', 'patterns', 'values']" in res.stdout


def test_load_missing_path_is_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="No spaCy pipeline.*no such file"):
        breakthrough_nlp.load(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="config.cfg not found"):
        breakthrough_nlp.load(tmp_path / "empty")
    with pytest.raises(TypeError, match="trusted must be True or False"):
        breakthrough_nlp.load(trusted="no")


def test_the_shipped_model_loads_by_its_exported_name():
    nlp = breakthrough_nlp.load(breakthrough_nlp.DEFAULT_MODEL)
    assert nlp.pipe_names == breakthrough_nlp.load().pipe_names


def test_config_overrides_of_stored_settings_take_effect(nlp):
    marker = nlp.get_pipe("breakthrough_realizations")
    assert nlp.config["components"]["breakthrough_realizations"]["threshold"] is None  # the trained value
    stricter = breakthrough_nlp.load(config={"components.breakthrough_realizations.threshold": 0.9,
                                             "components.breakthrough_categorizer.span_agreement": 0.95})
    assert stricter.get_pipe("breakthrough_realizations").threshold == 0.9 != marker.threshold
    assert stricter.get_pipe("breakthrough_categorizer").span_agreement == 0.95
    assert stricter.config["components"]["breakthrough_realizations"]["threshold"] == 0.9
    text = "It's not the job. It's that I've never once said no to my father. Every time I rush I lose things."
    assert len(stricter(text).spans["realizations"]) <= len(nlp(text).spans["realizations"])
    with pytest.raises(ValueError, match="threshold must be a number between 0 and 1"):
        breakthrough_nlp.load(config={"components.breakthrough_realizations.threshold": 1.5})


@pytest.mark.parametrize("n_process", [1, 2])
def test_n_process_gives_same_results(nlp, n_process):
    texts = TEXTS * 3
    expected = outputs(nlp, texts)
    docs = list(nlp.pipe(texts, n_process=n_process, batch_size=2))
    got = []
    for doc in docs:
        group = doc.spans["realizations"]
        got.append((
            {k: round(v, 10) for k, v in doc.cats.items()},
            tuple(doc._.breakthroughs),
            [(s.start_char, s.end_char, s.label_) for s in group],
            [round(x, 6) for x in group.attrs["scores"]],
            list(doc.spans["realization_candidates"].attrs["reasons"]),
        ))
    assert got == expected


def test_a_model_folder_cannot_trust_itself(nlp, tmp_path):
    # A folder whose config.cfg said `trusted = true` used to load with a wrong checksum (and
    # with classes outside the allow-list) although the caller never passed trusted=True.
    with pytest.warns(UserWarning, match="'trusted' in the config is ignored"):
        trusting = breakthrough_nlp.load(config={"components.breakthrough_categorizer.trusted": True})
    trusting.to_disk(tmp_path / "m")
    cfg_path = tmp_path / "m" / "breakthrough_categorizer" / "cfg.json"
    cfg = json.loads(cfg_path.read_text())
    cfg["checksums"]["model"] = "0" * 64
    cfg_path.write_text(json.dumps(cfg))
    with pytest.warns(UserWarning, match="ignored"):
        with pytest.raises(ModelLoadError, match="checksum"):
            breakthrough_nlp.load(tmp_path / "m")
    with pytest.warns(UserWarning, match="ignored"):
        with pytest.raises(ModelLoadError, match="checksum"):
            spacy.load(tmp_path / "m")
    # Only the caller grants trust, and it is not saved with the model.
    with pytest.warns(UserWarning, match="ignored"):
        trusted = breakthrough_nlp.load(tmp_path / "m", trusted=True)
    assert "breakthrough_categorizer" in trusted.pipe_names
    nlp.to_disk(tmp_path / "plain")
    assert "trusted = true" not in (tmp_path / "plain" / "config.cfg").read_text()


def test_docs_and_pickled_pipelines_work_in_a_fresh_process(nlp, tmp_path):
    # doc._.breakthroughs was registered only when a component was built, so a pickled
    # pipeline, a spawned worker and a DocBin read back in a new process failed (E046/E047).
    import pickle

    from spacy.tokens import DocBin

    (tmp_path / "nlp.pkl").write_bytes(pickle.dumps(nlp))
    db = DocBin(store_user_data=True)
    db.add(nlp("Every time I say yes to everything I end up burned out."))
    db.to_disk(tmp_path / "docs.spacy")
    script = f"""
import pickle, spacy, breakthrough_nlp
from spacy.tokens import DocBin
doc = next(DocBin().from_disk({str(tmp_path / "docs.spacy")!r}).get_docs(spacy.blank("en").vocab))
print(doc._.breakthroughs)
nlp = pickle.loads(open({str(tmp_path / "nlp.pkl")!r}, "rb").read())
print(nlp("Every time I say yes to everything I end up burned out.")._.breakthroughs)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split("\n")[:2] == ["('patterns',)", "('patterns',)"]


def test_annotate_with_spawned_workers(nlp, monkeypatch):
    import multiprocessing as mp

    spawn = mp.get_context("spawn")  # what Windows and macOS use
    monkeypatch.setattr(mp, "get_context", lambda method=None: spawn)
    texts = ["Every time I say yes to everything I end up burned out.", "Rain all day."] * 2
    spawned = breakthrough_nlp.annotate(texts, nlp, n_process=2, batch_size=1)
    serial = breakthrough_nlp.annotate(texts, nlp)
    assert list(spawned["status"]) == ["ok"] * 4
    assert spawned["labels"].tolist() == serial["labels"].tolist()


def test_registered_functions_have_real_annotations():
    # The confection that spaCy 3.8.2-3.8.7 installs cannot resolve string annotations
    # (`from __future__ import annotations`): every factory failed with a pydantic ForwardRef error.
    import inspect

    from spacy.language import Language

    from breakthrough_nlp import categorizer, realizations, segmenter, tokenizer

    for fn in (realizations.make_realization_marker, categorizer.make_categorizer, segmenter.make_sentencizer):
        assert inspect.signature(fn).parameters["nlp"].annotation is Language, fn.__name__
    for module in (categorizer, realizations, segmenter, tokenizer):
        assert "annotations" not in vars(module) or not hasattr(vars(module)["annotations"], "compiler_flag")


def test_models_from_newer_scikit_learn_get_new_constructor_defaults():
    # LogisticRegression.multi_class exists up to scikit-learn 1.7 (Python 3.10's last) and not after:
    # a model saved with 1.8+ has no such attribute, and 1.7's predict_proba read it.
    from sklearn.linear_model import LogisticRegression

    from breakthrough_nlp import model_io

    data, digest = model_io.dumps(LogisticRegression().fit([[0.0], [1.0]], [0, 1]))
    clf = model_io.loads(data, expected_sha256=digest)
    del clf.__dict__["C"]  # as if the saving version had no such parameter
    model_io._fill_new_params(clf)
    assert clf.C == 1.0 and clf.predict_proba([[0.5]]).shape == (1, 2)


def test_saving_a_pipeline_loaded_with_overrides_keeps_the_trained_values(tmp_path):
    # cfg.json used to receive the override, so the tuned threshold was lost for good.
    shipped = breakthrough_nlp.load()
    tuned = shipped.get_pipe("breakthrough_realizations").threshold
    agreement = shipped.get_pipe("breakthrough_categorizer").span_agreement
    breakthrough_nlp.load(span_threshold=0.9,
                          config={"components.breakthrough_categorizer.span_agreement": 0.99}).to_disk(tmp_path / "m")
    again = breakthrough_nlp.load(tmp_path / "m")
    assert again.get_pipe("breakthrough_realizations").threshold == 0.9  # the saved config keeps the override
    plain = breakthrough_nlp.load(tmp_path / "m", config={"components.breakthrough_realizations.threshold": None,
                                                          "components.breakthrough_categorizer.span_agreement": None})
    assert plain.get_pipe("breakthrough_realizations").threshold == tuned
    assert plain.get_pipe("breakthrough_categorizer").span_agreement == agreement
