import pandas as pd
import pytest

import breakthrough_nlp
from breakthrough_nlp.api import RESULT_COLUMNS

TEXT = "Every time I say yes to everything I end up burned out and hating myself."


def test_public_api_is_small_and_declared():
    assert set(breakthrough_nlp.__all__) >= {"load", "annotate", "annotate_frame", "LABELS", "__version__"}
    assert breakthrough_nlp.LABELS == ("feelings", "patterns", "values")


def test_annotate_strings_dicts_and_frames_in_order(nlp):
    texts = [TEXT, "Laundry and groceries.", "I want my evenings with the kids."]
    a = breakthrough_nlp.annotate(texts, nlp)
    b = breakthrough_nlp.annotate([{"text": t, "id": f"e{i}", "author": "w"} for i, t in enumerate(texts)], nlp)
    c = breakthrough_nlp.annotate(pd.DataFrame({"text": texts, "id": ["e0", "e1", "e2"]}), nlp)
    assert list(a.columns) == RESULT_COLUMNS
    assert len(a) == len(b) == len(c) == 3
    assert list(a["entry_index"]) == [0, 1, 2]
    assert list(b["id"]) == ["e0", "e1", "e2"] and list(b["author"]) == ["w"] * 3
    for col in ("p_feelings", "p_patterns", "p_values"):
        assert a[col].tolist() == pytest.approx(b[col].tolist())
        assert a[col].tolist() == pytest.approx(c[col].tolist())
    doc = nlp(texts[0])
    assert a.loc[0, "p_patterns"] == pytest.approx(doc.cats["patterns"])
    assert a.loc[0, "labels"] == list(doc._.breakthroughs)


def test_spans_index_the_original_text(nlp):
    df = breakthrough_nlp.annotate([TEXT], nlp)
    for span in df.loc[0, "realizations"]:
        assert TEXT[span["start"]:span["end"]] == span["text"]
        assert set(span) == {"start", "end", "label", "score", "text"}


def test_bad_entries_get_rows_with_errors_and_nothing_is_dropped(nlp):
    entries = [{"text": TEXT}, {"id": "x"}, {"text": 42}, {"text": "   "}, {"text": "Fine day."}]
    df = breakthrough_nlp.annotate(entries, nlp)
    assert len(df) == 5
    assert list(df["entry_index"]) == [0, 1, 2, 3, 4]
    assert df["status"].tolist()[0] == "ok" and df["status"].tolist()[4] == "ok"
    assert "no 'text' field" in df.loc[1, "status"]
    assert "int" in df.loc[2, "status"]
    assert "empty text" in df.loc[3, "status"]
    assert pd.isna(df.loc[1, "p_values"])


def test_single_string_is_rejected_clearly(nlp):
    with pytest.raises(TypeError, match="wrap a single text in a list"):
        breakthrough_nlp.annotate(TEXT, nlp)


def test_invisible_characters_keep_offsets(nlp):
    text = "\ufeffEvery time I say yes to everything\u2060 I end up burned out\u200b and hating myself.\r\n"
    df = breakthrough_nlp.annotate([text], nlp)
    assert df.loc[0, "status"] == "ok"
    for span in df.loc[0, "realizations"]:
        assert text[span["start"]:span["end"]] == span["text"]


def test_entries_longer_than_max_length_are_annotated_in_pieces(nlp):
    from breakthrough_nlp.api import _pieces

    old = nlp.max_length
    filler = "We walked to the market and bought bread. " * 30
    text = filler + TEXT + " " + filler + TEXT
    nlp.max_length = 600
    try:
        df = breakthrough_nlp.annotate([text, "short one."], nlp)
        pieces = _pieces(text, nlp.max_length)
    finally:
        nlp.max_length = old
    assert df["status"].tolist() == ["ok", "ok"]
    assert len(pieces) > 1 and all(len(p) < 600 for _, p in pieces)
    assert "".join(p for _, p in pieces) == text
    # Each piece's spans, shifted by the piece's offset, are the entry's spans.
    expected = []
    for offset, piece in pieces:
        doc = nlp(piece)
        expected += [(s.start_char + offset, s.end_char + offset, s.label_) for s in doc.spans["realizations"]]
    got = [(s["start"], s["end"], s["label"]) for s in df.loc[0, "realizations"]]
    assert got == expected
    for span in df.loc[0, "realizations"]:
        assert text[span["start"]:span["end"]] == span["text"]
    assert max(df.loc[0, ["p_feelings", "p_patterns", "p_values"]]) > 0


def test_annotate_frame_keeps_index_and_columns(nlp, monkeypatch):
    import breakthrough_nlp.api as api

    monkeypatch.setattr(api, "_DEFAULT_NLP", nlp)
    df = pd.DataFrame({"text": [TEXT, "ok day"], "who": ["a", "b"]}, index=[10, 20])
    out = breakthrough_nlp.annotate_frame(df)
    assert list(out.index) == [10, 20]
    assert list(out["who"]) == ["a", "b"]
    assert {"p_feelings", "labels", "realizations", "status"} <= set(out.columns)
    with pytest.raises(KeyError, match="no column 'body'"):
        breakthrough_nlp.annotate_frame(df, text_column="body")


def test_n_process_two_gives_identical_rows(nlp):
    entries = [{"text": TEXT, "id": "a"}, {"id": "no-text"}, {"text": 42}, "Laundry. Bed.",
               {"text": "I don't want the promotion. I want my evenings with the kids."}] * 9
    one = breakthrough_nlp.annotate(entries, nlp, batch_size=4)
    two = breakthrough_nlp.annotate(entries, nlp, batch_size=4, n_process=2)
    pd.testing.assert_frame_equal(one, two)
    assert "entry 41 has no 'text' field" in two.loc[41, "status"]
