"""Sentence boundaries for journal text.

spaCy's rule-based ``sentencizer`` splits on final punctuation only. Journals break
that assumption: entries are lists, lines without a full stop, paragraphs
separated by blank lines, and lowercase run-ons ("ok. then i went home"). This
component starts a sentence

* after ``.``, ``!``, ``?``, ``…`` (and any closing quotes or brackets), whatever
  the case of the next word;
* at every blank line, and at every line break unless the text looks hard-wrapped
  (a long line continued by a lowercase word);
* at a bullet marker and after a run of emoji that ends a thought.

It has no state, so it needs no ``to_disk``.
"""

from __future__ import annotations

import unicodedata

from spacy.language import Language
from spacy.tokens import Doc

FINAL_PUNCT = frozenset({".", "!", "?", "…", "...", "?!", "!?", "!!", "??", "!!!", "???", ".."})
CLOSERS = frozenset({'"', "'", "”", "’", ")", "]", "»"})
BULLETS = frozenset({"-", "*", "•", "–", "—", "·", "+", ">"})
HARD_WRAP_MIN_LINE = 50


def is_emoji(text: str) -> bool:
    return bool(text) and all(unicodedata.category(ch) in ("So", "Sk", "Mn", "Cf") for ch in text) and any(
        unicodedata.category(ch) == "So" for ch in text
    )


def _is_final(text: str) -> bool:
    return text in FINAL_PUNCT or (len(text) > 1 and set(text) <= {".", "!", "?", "…"})


@Language.factory("breakthrough_sentencizer")
def make_sentencizer(nlp: Language, name: str) -> "JournalSentencizer":
    """Sentence boundaries for journal text (lists, lines, blank-line paragraphs)."""
    return JournalSentencizer(name=name)


class JournalSentencizer:
    def __init__(self, *, name: str = "breakthrough_sentencizer") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        starts = [False] * n
        starts[0] = True
        line_start_char = 0
        i = 0
        while i < n:
            tok = doc[i]
            text = tok.text
            if tok.is_space and "\n" in text:
                j = i + 1
                if j < n:
                    blank = text.count("\n") >= 2
                    prev_line_len = tok.idx - line_start_char
                    nxt = doc[j].text
                    hard_wrapped = (
                        not blank
                        and prev_line_len >= HARD_WRAP_MIN_LINE
                        and nxt[:1].islower()
                        and i > 0
                        and not _is_final(doc[i - 1].text)
                    )
                    if not hard_wrapped:
                        starts[j] = True
                line_start_char = tok.idx + len(text)
            elif _is_final(text) or is_emoji(text):
                j = i + 1
                while j < n and (doc[j].text in CLOSERS or _is_final(doc[j].text) or is_emoji(doc[j].text)):
                    j += 1
                if j < n and not (doc[j].is_space or doc[j].is_punct and doc[j].text not in BULLETS):
                    if _is_final(text) or not doc[j].is_punct:
                        starts[j] = True
                i = j
                continue
            i += 1
        for k in range(n):
            # A sentence never starts on whitespace: move the start to the next word.
            if starts[k] and doc[k].is_space and k + 1 < n and k > 0:
                starts[k] = False
                starts[k + 1] = True
        for k, tok in enumerate(doc):
            tok.is_sent_start = starts[k]
        return doc
