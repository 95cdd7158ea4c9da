import io

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


def test_long_entries_are_cut_at_paragraphs_before_sentences_before_words():
    from breakthrough_nlp.api import _pieces

    text = ("Rain all day and the bus was late again, so I walked home.\n\n"
            "Driving home it hit me that every time I say yes to everything I end up burned out.")
    # The cut used to be simply the last space: "... every time I say | yes to everything ...".
    assert [p for _, p in _pieces(text, 100)] == [text[:text.index("Driving")], text[text.index("Driving"):]]
    one_line = "First sentence here. Second one goes on for a while. Third is short and ends it."
    assert [p for _, p in _pieces(one_line, 60)][0] == "First sentence here. Second one goes on for a while. "


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


def test_lone_surrogates_and_invisible_only_entries_get_error_rows(nlp):
    entries = ["Rain all day.", "cut emoji \ud83d here", {"text": "\u200b\ufeff"}, {"text": None}, TEXT]
    df = breakthrough_nlp.annotate(entries, nlp)
    assert df["status"].tolist()[0] == "ok" and df["status"].tolist()[4] == "ok"
    assert "character 10 is a lone surrogate (U+D83D)" in df.loc[1, "status"]
    assert "cut emoji" not in df.loc[1, "status"]  # no journal text in errors
    assert df.loc[2, "status"] == "error: entry 2: empty text"
    assert "'text' is empty (None or NaN)" in df.loc[3, "status"]
    pd.testing.assert_frame_equal(df, breakthrough_nlp.annotate(entries, nlp, n_process=2))


@pytest.mark.parametrize("entries, message", [
    ({"id": "e1", "text": TEXT}, "wrap a single entry"),
    (None, "got NoneType"),
    (5, "got int"),
])
def test_annotate_rejects_what_is_not_a_collection_of_entries(nlp, entries, message):
    with pytest.raises(TypeError, match=message):
        breakthrough_nlp.annotate(entries, nlp)


def test_annotate_checks_its_arguments(nlp):
    with pytest.raises(TypeError, match="loaded pipeline"):
        breakthrough_nlp.annotate([TEXT], "models/journal_breakthroughs")
    for bad in ({"batch_size": 0}, {"n_process": -1}, {"batch_size": 2.5}):
        with pytest.raises(ValueError, match="positive integer"):
            breakthrough_nlp.annotate([TEXT], nlp, **bad)


def test_one_pipeline_shared_by_threads_gives_the_serial_results(nlp):
    # The token-class cache is shared by the whole process; new strings arriving from
    # several threads at once must not leave keys and classes out of step.
    import random
    import string
    from concurrent.futures import ThreadPoolExecutor

    from breakthrough_nlp.tokens import OrthClasses, _classify

    def novel(i: int) -> str:
        rng = random.Random(i)
        words = ["".join(rng.choice(string.ascii_lowercase) for _ in range(7)) for _ in range(40)]
        return " ".join(words) + ". It hit me that I'm still grieving. Groceries."

    cache = OrthClasses(_classify)
    docs = [nlp.make_doc(novel(i)) for i in range(400)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda d: cache(d, d.to_array("ORTH")), docs))
    for doc in docs[::10]:  # afterwards, the cache answers as the classifier does
        assert cache(doc, doc.to_array("ORTH")).tolist() == [_classify(t.text) for t in doc]

    texts = [novel(1000 + i) for i in range(120)] + [TEXT]
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(nlp, texts))
    for doc, text in zip(threaded, texts):
        serial = nlp(text)
        assert [(s.start_char, s.end_char, s.label_) for s in doc.spans["realizations"]] == [
            (s.start_char, s.end_char, s.label_) for s in serial.spans["realizations"]]
        assert [s.start_char for s in doc.sents] == [s.start_char for s in serial.sents]


def test_line_breaks_of_every_kind_read_alike(nlp):
    text = ("Bad day at work\nLunch alone again\n\nIt hit me on the bus that every time I feel left out "
            "I pick a fight with Dan instead of saying so\nAnyway. Bed.")

    def result(t):
        doc = nlp(t)
        return doc.cats, [(s.start_char, s.end_char, s.label_) for s in doc.spans["realizations"]]

    lf = result(text)
    assert lf[1]
    assert result(text.replace("\n", "\r")) == lf  # old Mac files: a lone \r is a line break
    crlf = result(text.replace("\n", "\r\n"))
    assert crlf[0] == lf[0] and len(crlf[1]) == len(lf[1])


def test_characters_inside_words_are_not_split_by_annotate(nlp):
    text = "I finally real\u00adized that I always pick a fight when I feel left out. \U0001F468\u200d\U0001F469 ok."
    df = breakthrough_nlp.annotate([text], nlp)
    doc = nlp(text)
    assert [(s["start"], s["end"]) for s in df.loc[0, "realizations"]] == [
        (s.start_char, s.end_char) for s in doc.spans["realizations"]]
    assert df.loc[0, "p_patterns"] == pytest.approx(doc.cats["patterns"])


def test_nlp_and_annotate_read_invisible_separators_alike(nlp):
    text = ("\ufeffRain again.\u2060 Somewhere on the drive home it hit me\u200bthat every time I feel left out "
            "I pick a fight with Dan instead of saying so.")
    doc = nlp(text)
    assert doc.text == text
    spans = [(s.start_char, s.end_char, s.label_) for s in doc.spans["realizations"]]
    assert spans and all(text[s:e].strip() == text[s:e] for s, e, _ in spans)
    df = breakthrough_nlp.annotate([text], nlp)
    assert [(r["start"], r["end"], r["label"]) for r in df.loc[0, "realizations"]] == spans
    assert df.loc[0, "p_patterns"] == pytest.approx(doc.cats["patterns"])
    # The separators read as spaces: the same words with ordinary spaces give the same spans.
    plain = text.replace("\ufeff", " ").replace("\u2060", " ").replace("\u200b", " ")
    plain_doc = nlp(plain)
    assert [(s.start_char, s.end_char) for s in plain_doc.spans["realizations"]] == [(s, e) for s, e, _ in spans]


def test_lone_surrogates_in_ids_authors_and_kept_text_do_not_stop_annotate(nlp):
    entries = [{"id": "a\ud83d", "author": "\udc80x", "text": "I finally see it."}, {"id": "b", "text": "half \ud83d"}]
    df = breakthrough_nlp.annotate(entries, nlp, include_text=True)
    assert df["status"].tolist()[0] == "ok" and "lone surrogate" in df.loc[1, "status"]
    assert df.loc[0, "id"] == "a\\ud83d" and df.loc[0, "author"] == "\\udc80x"  # written as escapes
    assert df.loc[1, "text"] == "half \\ud83d"
    df.to_csv(io.StringIO())  # every cell can be written


def test_annotate_refuses_a_pipeline_that_is_not_all_running(nlp):
    # With the categorizer disabled, rows said p_* = 0.0 and status "ok", as if that were a result.
    with nlp.select_pipes(disable=["breakthrough_categorizer"]):
        with pytest.raises(ValueError, match="not running: breakthrough_categorizer"):
            breakthrough_nlp.annotate(["Every time I say yes I end up burned out."], nlp)


def test_span_keys_cannot_be_renamed_halfway():
    # A renamed key left the categorizer's features, annotate and render reading nothing
    # (p_patterns 0.96 -> 0.55 on one sentence), without an error.
    for key in ("components.breakthrough_realizations.spans_key", "components.breakthrough_realizations.candidates_key",
                "components.breakthrough_categorizer.spans_key"):
        with pytest.raises(ValueError, match="is fixed to"):
            breakthrough_nlp.load(config={key: "insights"})


def test_annotate_refuses_an_unsegmented_pipeline(nlp):
    with nlp.select_pipes(disable=["breakthrough_sentencizer"]):
        with pytest.raises(ValueError, match="not running: breakthrough_sentencizer"):
            breakthrough_nlp.annotate(["Every time I say yes I end up burned out."], nlp)


def test_a_missing_text_in_a_pandas_string_column_is_an_empty_text(nlp):
    df = pd.DataFrame({"text": pd.array(["Rain.", None], dtype="string")})
    out = breakthrough_nlp.annotate_frame(df)
    assert "'text' is empty (None or NaN)" in out["status"].iloc[1]
