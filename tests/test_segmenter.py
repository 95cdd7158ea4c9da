import spacy

from breakthrough_nlp.segmenter import JournalSentencizer


def sents(text):
    nlp = spacy.blank("en")
    doc = JournalSentencizer()(nlp.make_doc(text))
    return [s.text.strip() for s in doc.sents]


def test_final_punctuation_splits_even_before_lowercase():
    assert sents("ok. then i went home. it sucked") == ["ok.", "then i went home.", "it sucked"]


def test_blank_line_paragraphs_and_lines_without_punctuation():
    assert sents("Felt tired\nreally tired\n\nNew day") == ["Felt tired", "really tired", "New day"]


def test_bullet_list_items_are_sentences():
    assert sents("Today:\n- call mom\n- gym\n* pay rent") == ["Today:", "- call mom", "- gym", "* pay rent"]


def test_emoji_ends_a_thought():
    assert sents("so done with this 😭 going to bed") == ["so done with this 😭", "going to bed"]


def test_hard_wrapped_prose_is_not_split():
    text = "This is a long hard-wrapped line of prose that goes on and on for\na while and then ends."
    assert len(sents(text)) == 1


def test_abbreviation_does_not_split():
    assert sents('Dr. Smith said rest. I did not listen!!') == ["Dr. Smith said rest.", "I did not listen!!"]


def test_sentences_never_start_on_whitespace():
    nlp = spacy.blank("en")
    doc = JournalSentencizer()(nlp.make_doc("  leading space\n\n\n  and more  "))
    for sent in doc.sents:
        if sent.start > 0:
            assert not doc[sent.start].is_space


def test_registered_factory_builds_component():
    nlp = spacy.blank("en")
    nlp.add_pipe("breakthrough_sentencizer")
    doc = nlp("one. two")
    assert len(list(doc.sents)) == 2


def test_two_spaces_after_a_full_stop_still_end_the_sentence():
    assert sents("I pick a fight.  Then I apologise!   Bed.") == ["I pick a fight.", "Then I apologise!", "Bed."]


def test_invisible_separators_are_spaces_to_the_pipeline():
    from breakthrough_nlp.tokenizer import JournalTokenizer

    nlp = spacy.blank("en")
    tokenizer = JournalTokenizer(nlp.tokenizer)
    text = "\ufeffI felt\u200bangry.\u2060 Then calm."
    doc = tokenizer(text)
    assert doc.text == text  # offsets index the original text
    assert [t.text for t in doc if not t.is_space] == ["I", "felt", "angry", ".", "Then", "calm", "."]
    assert all(t.is_space for t in doc if t.text in ("\ufeff", "\u200b", "\u2060"))
    assert [s.text.strip("\ufeff\u2060 ") for s in JournalSentencizer()(doc).sents] == ["I felt\u200bangry.",
                                                                                       "Then calm."]
    assert [t.text for t in tokenizer("No invisible characters.")] == [t.text for t in nlp("No invisible characters.")]
