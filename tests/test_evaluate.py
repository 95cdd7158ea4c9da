import json

import spacy

from breakthrough_nlp.cli import main
from breakthrough_nlp.corpus import Record
from breakthrough_nlp.evaluation import match_spans, span_prf, span_reliability


def test_exact_match_ignores_trailing_punctuation_and_overlap_needs_half():
    nlp = spacy.blank("en")
    text = "I see it now. Every time I rush I fall apart."
    doc = nlp.make_doc(text)
    s = text.index("Every")
    gold = [(s, len(text))]  # with the full stop
    matched, exact = match_spans(doc, gold, [(s, len(text) - 1)])
    assert matched == [(0, 0)] and exact == {(0, 0)}
    # "I fall apart" shares 3 of the gold's 7 words: less than half, no match.
    t = text.index("I fall")
    matched, exact = match_spans(doc, gold, [(t, len(text) - 1)])
    assert matched == [] and not exact
    # "I rush I fall apart" shares 5 of 7: a match by overlap, not exact.
    t = text.index("I rush")
    matched, exact = match_spans(doc, gold, [(t, len(text) - 1)])
    assert matched == [(0, 0)] and not exact


def test_span_prf_counts_decoys_marked():
    nlp = spacy.blank("en")
    text = "Realized I left my keys. Every time I rush I fall apart."
    doc = nlp.make_doc(text)
    doc.spans["realizations"] = [doc.char_span(0, 23, label="other")]
    doc.spans["realizations"].attrs["scores"] = [0.9]
    rec = Record(id="a", text=text, labels=["patterns"], spans=[{"start": 25, "end": 55, "label": "patterns"}],
                 decoys=[{"start": 0, "end": 23, "type": "trivial"}])
    res = span_prf([rec], [doc])
    assert res["overlap"]["tp"] == 0 and res["overlap"]["fp"] == 1 and res["overlap"]["fn"] == 1
    assert res["hard_negative_fp_rate"]["trivial"] == {"rate": 1.0, "marked": 1, "total": 1}


def test_span_reliability_compares_scores_with_gold():
    nlp = spacy.blank("en")
    text = "Every time I rush I fall apart. Bought milk."
    doc = nlp.make_doc(text)
    first, second = doc.char_span(0, 31), doc.char_span(32, 44)
    doc.spans["realization_candidates"] = [first, second]
    doc.spans["realization_candidates"].attrs["scores"] = [0.9, 0.1]
    doc.spans["realizations"] = [doc.char_span(32, 44, label="patterns")]  # marked the wrong one
    doc.spans["realizations"].attrs["scores"] = [0.7]
    rec = Record(id="a", text=text, labels=["patterns"], spans=[{"start": 0, "end": 31, "label": "patterns"}])
    res = span_reliability([rec], [doc])
    sent = {b["bin"]: b for b in res["sentences"]["bins"]}
    assert sent["0.8-1.0"]["observed"] == 1.0 and sent["0.0-0.2"]["observed"] == 0.0
    assert res["sentences"]["n"] == 2 and abs(res["sentences"]["brier"] - 0.01) < 1e-9
    assert res["spans"]["n"] == 1 and res["spans"]["bins"] == [
        {"bin": "0.6-0.8", "n": 1, "mean_p": 0.7, "observed": 0.0}]
    assert abs(res["spans"]["brier"] - 0.49) < 1e-9


def test_evaluate_cli_table_and_json(fixtures, capsys):
    from breakthrough_nlp.api import default_model_path

    path = str(fixtures / "small_eval.jsonl")
    assert main(["evaluate", str(default_model_path()), path]) == 0
    table = capsys.readouterr().out
    for word in ("feelings", "patterns", "values", "macro-F1", "exact", "overlap"):
        assert word in table
    assert main(["evaluate", str(default_model_path()), path, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["entries"] == 6
    for label in ("feelings", "patterns", "values"):
        assert {"precision", "recall", "f1", "brier"} <= set(result["labels"][label])
    assert 0.0 <= result["labels"]["macro_f1"] <= 1.0
    for kind in ("exact", "overlap"):
        assert {"precision", "recall", "f1"} <= set(result["spans"][kind])
    assert set(result["spans"]["hard_negative_fp_rate"]) == {"trivial", "other_person"}
    cal = result["span_calibration"]
    assert cal["sentences"]["n"] == sum(b["n"] for b in cal["sentences"]["bins"]) > 0


def test_evaluate_cli_at_another_span_threshold(corpus_dir, capsys):
    from breakthrough_nlp.api import default_model_path

    path = str(corpus_dir / "test.jsonl")
    results = []
    for extra in ([], ["--span-threshold", "0.8"]):
        assert main(["evaluate", str(default_model_path()), path, "--json", *extra]) == 0
        results.append(json.loads(capsys.readouterr().out))
    tuned, strict = (r["span_calibration"]["spans"]["n"] for r in results)
    assert 0 < strict < tuned  # fewer marked spans
    assert results[1]["spans"]["overlap"]["precision"] > results[0]["spans"]["overlap"]["precision"]
    assert results[1]["entries"] == results[0]["entries"] == 296


def test_a_label_nobody_has_or_claims_is_undefined_not_zero(nlp):
    from breakthrough_nlp.corpus import Record
    from breakthrough_nlp.evaluation import evaluate, format_table

    # A perfect model on data without values used to score macro-F1 0.667: values counted as F1 0.
    text = "Every time I say yes to everything I end up burned out and resentful."
    doc_labels = nlp(text)._.breakthroughs
    rec = Record(id="a", text=text, labels=list(doc_labels), spans=[])
    res = evaluate(nlp, [rec])
    missing = [lab for lab in ("feelings", "patterns", "values") if lab not in doc_labels]
    assert missing and all(res["labels"][lab]["f1"] is None for lab in missing)
    assert res["labels"]["macro_f1"] == 1.0
    assert "n/a" in format_table(res)
