import pytest
import spacy

from breakthrough_nlp import LABELS, SPAN_LABELS

PATTERN_TEXT = (
    "Another late night at the office. Every time I say yes to everything I end up "
    "burned out and hating myself. I said yes to the Henderson deck again today."
)


def test_cats_are_probabilities_for_the_three_labels(nlp):
    doc = nlp(PATTERN_TEXT)
    assert set(doc.cats) == set(LABELS)
    assert all(0.0 <= p <= 1.0 for p in doc.cats.values())


def test_breakthroughs_follow_stored_thresholds(nlp):
    cat = nlp.get_pipe("breakthrough_categorizer")
    for text in [PATTERN_TEXT, "Groceries. Laundry. Bed.", "I don't want the promotion. I want my evenings with the kids."]:
        doc = nlp(text)
        assert isinstance(doc._.breakthroughs, tuple)
        assert list(doc._.breakthroughs) == [lab for lab in LABELS if lab in doc._.breakthroughs]
        for label in LABELS:
            by_threshold = doc.cats[label] >= cat.thresholds[label]
            sources = doc.user_data["breakthrough_nlp.label_sources"]
            assert (label in doc._.breakthroughs) == (by_threshold or sources.get(label) == "span")


def test_thresholds_were_tuned_not_defaulted(nlp):
    cat = nlp.get_pipe("breakthrough_categorizer")
    assert set(cat.thresholds) == set(LABELS)
    assert all(0.0 < t < 1.0 for t in cat.thresholds.values())
    assert any(abs(t - 0.5) > 1e-9 for t in cat.thresholds.values())


def test_spans_have_labels_scores_and_clean_edges(nlp):
    doc = nlp(PATTERN_TEXT)
    group = doc.spans["realizations"]
    assert len(group.attrs["scores"]) == len(group)
    for span, score in zip(group, group.attrs["scores"]):
        assert span.label_ in SPAN_LABELS
        assert 0.0 <= score <= 1.0
        assert span.text == span.text.strip()
        assert span.text[-1] not in ".,;:!?"
        assert doc.text[span.start_char:span.end_char] == span.text


GUIDE_POSITIVES = [  # the annotation guide's own examples of realizations, with their category
    ("It's not the job. It's that I've never once said no to my father.", "patterns"),
    ("I don't want the promotion. I want my evenings with the kids.", "values"),
    ("Talking about the funeral I finally let myself feel how angry I was at him.", "feelings"),
    ("Every time I say yes to everything I end up burned out and hating myself.", "patterns"),
    ("My therapist helped me see that I was grieving.", "feelings"),
    ("I never noticed that until today.", None),
]
GUIDE_NEGATIVES = [  # the guide's "not a realization" examples
    "I realized I forgot my keys.",
    "My sister realized she hates her job.",
    "I still don't get why I do this.",
    "I hope one day I'll understand.",
    "Is this what a breakthrough feels like?",
    "I want to figure out why.",
    "Therapy helps people realize things.",
    "Tired and grumpy today.",
    "Need to go to the gym more.",
]


def test_guide_examples_entry_labels(nlp):
    hits = sum(1 for text, label in GUIDE_POSITIVES[:5] if label in nlp(text)._.breakthroughs)
    assert hits >= 4, [(t, nlp(t)._.breakthroughs) for t, _ in GUIDE_POSITIVES]
    for text in GUIDE_NEGATIVES:
        assert nlp(text)._.breakthroughs == (), text


def test_guide_examples_spans(nlp):
    marked = [t for t, _ in GUIDE_POSITIVES[:5] if len(nlp(t).spans["realizations"])]
    assert len(marked) >= 3, marked
    for text in GUIDE_NEGATIVES:
        doc = nlp(text)
        assert len(doc.spans["realizations"]) == 0, (text, [s.text for s in doc.spans["realizations"]])


PLAIN_ONE_LINERS = [  # corpora/tools/ADDENDUM_BATCHES_26-29.md: plain statements an earlier model marked
    "I want a new bike.",
    "I love my sister.",
    "I'm puzzled",
]
STOCK_PHRASE_NOTES = [  # corpora/tools/ADDENDUM_BATCHES_30-35.md: wants and preferences an earlier model marked
    "I want to learn piano this year.",
    "I'd rather walk than take the bus.",
    "What I really want is a nap.",
    "I need to be more patient with the kids.",
]


@pytest.mark.parametrize("text", PLAIN_ONE_LINERS + STOCK_PHRASE_NOTES)
def test_plain_notes_get_no_span(nlp, text):
    """A like, a want, a preference or a mood typed as a whole entry is not an insight, even in the words
    insights are often said in ("I'd rather", "what I want is"); none of these notes is in the corpus."""
    doc = nlp(text)
    assert len(doc.spans["realizations"]) == 0, [(s.text, s.label_) for s in doc.spans["realizations"]]
    assert doc._.breakthroughs == (), doc.cats


def test_confident_span_label_agrees_with_entry_labels(nlp):
    cat = nlp.get_pipe("breakthrough_categorizer")
    doc = nlp(PATTERN_TEXT)
    group = doc.spans["realizations"]
    for span, score in zip(group, group.attrs["scores"]):
        if span.label_ in LABELS and score >= cat.span_agreement:
            assert span.label_ in doc._.breakthroughs


def test_candidates_keep_rejection_reasons(nlp):
    doc = nlp("My sister finally understood she hates her job. I still don't get why I do this.")
    cands = doc.spans["realization_candidates"]
    assert len(cands) == 2
    reasons = cands.attrs["reasons"]
    assert len(reasons) == len(cands) == len(cands.attrs["scores"])
    assert reasons[0].startswith("OTHER_EXPERIENCER")
    assert reasons[1].startswith("NEGATED")
    assert len(doc.spans["realizations"]) == 0


def test_explain_names_cues_and_features(nlp):
    doc = nlp("I finally noticed that I only call my mother when I need money.")
    marker = nlp.get_pipe("breakthrough_realizations")
    span = doc.spans["realization_candidates"][0]
    info = marker.explain(span)
    assert "noticed" in info["cues"]
    assert info["features"] and all("feature" in f and "contribution" in f for f in info["features"])


def test_explain_maps_every_hashed_feature_back_to_words(nlp):
    # Every hashed column the detector reads comes from the sentence, its first word or
    # the words around it, so none should be reported as a bare hash.
    doc = nlp("Work was fine. Every time I say yes to everything I end up burned out. Then I blame the job.")
    marker = nlp.get_pipe("breakthrough_realizations")
    names = [f["feature"] for f in marker.explain(doc.spans["realization_candidates"][1], top=100)["features"]]
    assert len(names) >= 20
    assert not [n for n in names if "hash_" in n]
    assert any(n.startswith("before: ") for n in names) and any(n.startswith("after: ") for n in names)


def test_empty_and_whitespace_docs(nlp):
    for text in ["", "   \n\n  "]:
        doc = nlp(text)
        assert len(doc.spans["realizations"]) == 0
        assert set(doc.cats) == set(LABELS)


def test_untrained_component_gives_clear_error():
    nlp = spacy.blank("en")
    nlp.add_pipe("breakthrough_sentencizer")
    nlp.add_pipe("breakthrough_realizations")
    with pytest.raises(ValueError, match="no trained model"):
        nlp("hello")


def test_categorizer_warns_when_the_marker_it_reads_did_not_run(nlp):
    with nlp.select_pipes(disable=["breakthrough_realizations"]):
        with pytest.warns(UserWarning, match="the realization marker did not run"):
            nlp(PATTERN_TEXT)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nlp(PATTERN_TEXT)  # the whole pipeline: no warning


def test_a_doc_run_again_is_read_with_its_new_sentences(nlp):
    # The marker cached each doc's sentence bounds: a doc first run without the sentencizer
    # (one sentence) kept that segmentation when run again through the full pipeline.
    text = ("Rain all day. Bus was late.\nFinished the puzzle. Every time I say yes to everything "
            "I end up burned out and resentful. Dinner was fine.")
    first = nlp(text)
    fresh = [s.text for s in first.spans["realizations"]]
    assert fresh
    doc = nlp.make_doc(text)
    with nlp.select_pipes(disable=["breakthrough_sentencizer"]):
        nlp(doc)
    nlp(doc)
    assert [s.text for s in doc.spans["realizations"]] == fresh


def test_the_tokenizer_keeps_spacys_tokenizer_api():
    import spacy
    from spacy.util import compile_infix_regex

    from breakthrough_nlp.tokenizer import JournalTokenizer

    nlp = spacy.blank("en")
    nlp.tokenizer = JournalTokenizer(nlp.tokenizer)
    assert [t.text for t in nlp("a well-known self-doubt")] == ["a", "well", "-", "known", "self", "-", "doubt"]
    # Setting a rule the way spaCy's docs show used to do nothing, without an error.
    nlp.tokenizer.infix_finditer = compile_infix_regex([x for x in nlp.Defaults.infixes if "-" not in x]).finditer
    assert [t.text for t in nlp("a well-known self-doubt")] == ["a", "well-known", "self-doubt"]
    nlp.tokenizer.add_special_case("gonna", [{"ORTH": "gon"}, {"ORTH": "na"}])
    assert [t.text for t in nlp("gonna\u200bcry")] == ["gon", "na", "\u200b", "cry"]
    assert nlp.tokenizer.explain("gonna")[0] == ("SPECIAL-1", "gon")
