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

# No `from __future__ import annotations` here: the confection that older spaCy 3.8 releases
# install validates registered functions' signatures from real annotations, not strings.

import numpy as np
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from .tokens import BLANK, BULLET, CLOSER, EMOJI, FINAL, LOWER_START, NEWLINE, doc_classes

HARD_WRAP_MIN_LINE = 50


@Language.factory("breakthrough_sentencizer")
def make_sentencizer(nlp: Language, name: str) -> "JournalSentencizer":
    """Sentence boundaries for journal text (lists, lines, blank-line paragraphs)."""
    return JournalSentencizer(name=name)


class JournalSentencizer:
    """Rule-based sentence starts for journals (see the module docstring).

    Works on ``Doc.to_array`` columns and a per-string cache of token classes, so
    the Python work grows with the number of boundaries, not of tokens.
    """

    def __init__(self, *, name: str = "breakthrough_sentencizer") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        arr = doc.to_array([ORTH, IDX, IS_SPACE, IS_PUNCT])
        orths = arr[:, 0]
        classes = doc_classes(doc)
        is_space = arr[:, 2].astype(bool)
        is_punct = arr[:, 3].astype(bool)
        starts = np.zeros(n, dtype=bool)
        starts[0] = True
        # Line breaks.
        line_start_char = 0
        for idx in np.nonzero(classes & NEWLINE)[0]:
            i = int(idx)
            if i + 1 < n:
                prev_line_len = int(arr[i, 1]) - line_start_char
                hard_wrapped = (
                    not classes[i] & BLANK
                    and prev_line_len >= HARD_WRAP_MIN_LINE
                    and classes[i + 1] & LOWER_START
                    and i > 0
                    and not classes[i - 1] & FINAL
                )
                if not hard_wrapped:
                    starts[i + 1] = True
            line_start_char = int(arr[i, 1]) + len(doc.vocab.strings[int(orths[i])])
        # Final punctuation and emoji, then any closing quotes or brackets.
        enders = np.nonzero(classes & (FINAL | EMOJI))[0]
        skip_until = -1
        for idx in enders:
            i = int(idx)
            if i < skip_until:
                continue
            j = i + 1
            while j < n and classes[j] & (CLOSER | FINAL | EMOJI):
                j += 1
            skip_until = j
            # Two spaces after a full stop (a typing habit) or an invisible separator is a
            # token of its own; the sentence starts at the word after it. Line breaks are
            # handled above.
            while j < n and is_space[j] and not classes[j] & NEWLINE:
                j += 1
            if j < n and not (is_space[j] or (is_punct[j] and not classes[j] & BULLET)):
                if classes[i] & FINAL or not is_punct[j]:
                    starts[j] = True
        # A sentence never starts on whitespace: move the start to the next word.
        moved = np.nonzero(starts[1:-1] & is_space[1:-1])[0] + 1
        starts[moved] = False
        starts[moved + 1] = True
        sent = np.where(starts, 1, -1).astype(np.int64).astype(np.uint64)  # spaCy: 1 start, -1 not
        doc.from_array([SENT_START], sent.reshape(-1, 1))  # type: ignore[arg-type]  # thinc's Ints2d
        return doc
