"""The pipeline's tokenizer: spaCy's English rules, reading invisible word separators as spaces.

Text copied from web pages, note apps and e-books carries characters that separate
words without showing (zero-width space U+200B, word joiner U+2060, a byte order
mark U+FEFF). spaCy's tokenizer splits only at ordinary spaces, so
``"felt\u200bangry"`` would become one unknown word. :class:`JournalTokenizer`
tokenizes a copy of the text with each such character replaced by a space, then
builds the ``Doc`` from the original characters: ``doc.text`` is the text given,
every offset indexes it, and an invisible character becomes a token of its own,
flagged as a space. Text without them is tokenized by spaCy's tokenizer alone, so
it gives exactly spaCy's tokens. ``nlp(text)`` and ``breakthrough_nlp.annotate``
therefore see the same tokens. Characters that belong inside a word or an emoji
(soft hyphen, zero-width joiner and non-joiner) are left to spaCy.
"""

# No `from __future__ import annotations` here: the confection that older spaCy 3.8 releases
# install validates registered functions' signatures from real annotations, not strings.

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Callable

from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import registry

INVISIBLE_SEPARATORS = "\u200b\u2060\ufeff"
"""Characters read as spaces: zero-width space, word joiner, byte order mark."""


def blank_spaces(text: str) -> str:
    """Same-length copy of ``text`` with each invisible separator turned into a space."""
    for ch in INVISIBLE_SEPARATORS:  # str.replace per character is ~40x faster than str.translate here
        if ch in text:
            text = text.replace(ch, " ")
    return text


def is_blank(text: str) -> bool:
    """Whether ``text`` is only whitespace and invisible separators."""
    return not blank_spaces(text).strip()


_BASE_SETTINGS = frozenset({"prefix_search", "suffix_search", "infix_finditer", "token_match", "url_match",
                            "rules", "faster_heuristics"})


class JournalTokenizer:
    """spaCy's tokenizer with invisible separators read as spaces (see the module docstring)."""

    def __init__(self, base: Tokenizer) -> None:
        self.base = base
        self.vocab = base.vocab

    def __call__(self, text: str) -> Doc:
        if not any(ch in text for ch in INVISIBLE_SEPARATORS):
            return self.base(text)
        tokens = self.base(blank_spaces(text))
        words: list[str] = []
        spaces: list[bool] = []
        for t in tokens:
            words.append(text[t.idx:t.idx + len(t)])
            after = text[t.idx + len(t)] if t.whitespace_ else ""
            spaces.append(after == " ")
            if after and after != " ":  # an invisible separator: its own token, so doc.text == text
                words.append(after)
                spaces.append(False)
        for word in set(words):
            if not word.isspace() and is_blank(word):
                self.vocab[word].is_space = True  # a lexeme flag: the featurizers skip it like a space
        return Doc(self.vocab, words=words, spaces=spaces)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    # The rest of spaCy's Tokenizer API is the wrapped tokenizer's: add_special_case, explain,
    # and setting its rules (nlp.tokenizer.infix_finditer = ..., as spaCy's docs show) changes it.
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "base":  # not set yet (copy, unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.base, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _BASE_SETTINGS:
            setattr(self.base, name, value)
        else:
            object.__setattr__(self, name, value)

    # Serialization is the wrapped tokenizer's: its rules are all there is to save.
    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        self.base.to_disk(path, **kwargs)

    def from_disk(self, path: str | Path, **kwargs: Any) -> "JournalTokenizer":
        self.base.from_disk(path, **kwargs)
        return self

    def to_bytes(self, **kwargs: Any) -> bytes:
        return self.base.to_bytes(**kwargs)

    def from_bytes(self, data: bytes, **kwargs: Any) -> "JournalTokenizer":
        self.base.from_bytes(data, **kwargs)
        return self


@registry.tokenizers("breakthrough.JournalTokenizer.v1")
def create_journal_tokenizer() -> Callable[[Language], JournalTokenizer]:
    """The ``[nlp.tokenizer]`` of the pipeline's config (found by ``spacy.load`` through an entry point)."""
    spacy_tokenizer = registry.tokenizers.get("spacy.Tokenizer.v1")()

    def create(nlp: Language) -> JournalTokenizer:
        return JournalTokenizer(spacy_tokenizer(nlp))

    return create
