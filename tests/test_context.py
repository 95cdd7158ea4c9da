import spacy

from breakthrough_nlp.context import ContextMatcher
from breakthrough_nlp.segmenter import JournalSentencizer


def _mods(text, matcher=None):
    nlp = spacy.blank("en")
    doc = JournalSentencizer()(nlp.make_doc(text))
    matcher = matcher or ContextMatcher.default(nlp.vocab)
    return doc, matcher(doc)


def test_negation_scope_stops_at_terminator():
    doc, mods = _mods("I still don't understand it, but now I see what I do.")
    neg = [m for m in mods if m.category == "NEGATED"]
    assert neg
    scope = doc[neg[0].scope_start:neg[0].scope_end].text
    assert "understand" in scope and "see" not in scope


def test_other_experiencer_and_question():
    doc, mods = _mods("My brother realized he was wrong. Is this what a breakthrough feels like?")
    cats = {m.category for m in mods}
    assert {"OTHER_EXPERIENCER", "ASKED"} <= cats


def test_scope_does_not_cross_sentences():
    doc, mods = _mods("I hope so. Every time I rush I fall apart.")
    hyp = [m for m in mods if m.category == "HYPOTHETICAL"][0]
    assert hyp.scope_end <= 4


def test_users_can_extend_rules_with_data():
    nlp = spacy.blank("en")
    extra = [{"literal": "my horoscope says", "category": "QUOTED", "direction": "forward"}]
    matcher = ContextMatcher.default(nlp.vocab, extra)
    doc, mods = _mods("My horoscope says I always run from love.", matcher)
    assert any(m.category == "QUOTED" for m in mods)


def test_invalid_rule_is_rejected_with_message():
    import pytest

    nlp = spacy.blank("en")
    with pytest.raises(ValueError, match="unknown context category"):
        ContextMatcher.from_data(nlp.vocab, {"rules": [{"literal": "x", "category": "NOPE", "direction": "forward"}]})


def test_extra_rules_through_config_reject_candidates(nlp):
    import breakthrough_nlp
    from breakthrough_nlp.api import default_model_path

    text = "My horoscope says I always run from love."
    custom = breakthrough_nlp.load(default_model_path(), config={
        "components.breakthrough_realizations.extra_context_rules": [
            {"literal": "my horoscope says", "category": "QUOTED", "direction": "forward"}]})
    doc = custom(text)
    assert doc.spans["realization_candidates"].attrs["reasons"][0].startswith("QUOTED")


def test_lower_patterns_match_exactly_what_spacys_matcher_matches():
    from spacy.matcher import Matcher

    from breakthrough_nlp.context import default_rules
    from breakthrough_nlp.tokens import token_info

    nlp = spacy.blank("en")
    matcher = ContextMatcher.default(nlp.vocab)
    assert matcher._arrays and not len(matcher._matcher)  # the shipped patterns all take the array path
    ref = Matcher(nlp.vocab)
    for i, _ in matcher._arrays:
        ref.add(str(i), [matcher.rules[i].pattern])
    texts = [
        "I realized I left my keys. Realized left the door open. I noticed the stove was on.",
        "My sister realized she hates her job, and he finally understood. They learned nothing.",
        "realised i'd forgotten a thing. noticed I had to go. Our kids know. her boss admitted it",
        "Nothing to see here at all.",
        "",
    ]
    for text in texts:
        doc = JournalSentencizer()(nlp.make_doc(text))
        want = sorted((int(nlp.vocab.strings[m]), s, e) for m, s, e in ref(doc))
        got = sorted((i, s, e) for i, p in matcher._arrays for s, e in p(token_info(doc).lower))
        assert got == want, text
    assert len(default_rules()["rules"]) == len(matcher.rules)


def test_other_matcher_patterns_still_work_through_spacy():
    nlp = spacy.blank("en")
    extra = [{"pattern": [{"LOWER": "day"}, {"IS_DIGIT": True}, {"LOWER": "of", "OP": "+"}],
              "category": "GENERIC", "direction": "forward"}]
    matcher = ContextMatcher.default(nlp.vocab, extra)
    assert len(matcher._matcher) == 1
    doc, mods = _mods("Day 12 of the program and I see that I hide.", matcher)
    assert [(m.category, doc[m.start:m.end].text) for m in mods if m.category == "GENERIC"] == [("GENERIC", "Day 12 of")]
