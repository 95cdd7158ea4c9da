"""Per-document token arrays shared by the span code.

Creating spaCy ``Token`` objects in Python loops dominated the pipeline's run
time. :func:`token_info` reads the columns once with ``Doc.to_array``, classifies
each distinct string once (cached), and keeps the result for as long as the
``Doc`` lives, so segmentation, candidate generation and featurization work on
plain integer and boolean arrays.
"""

from __future__ import annotations

import threading
import unicodedata
import weakref

import numpy as np
from spacy.attrs import IS_PUNCT, IS_SPACE, LOWER, ORTH, SENT_START
from spacy.tokens import Doc

from .resources import lexicons
from .tokenizer import is_blank

EDGE_STRIP = frozenset({".", ",", ";", ":", "!", "?", "…", "...", "-", "*", "•", "–", "—", "·", "+", ">", "#",
                        "##", "###"})
CLAUSE_BREAKS = frozenset({",", ";", ":", "—", "–", "-", "(", "...", "…"})
CLAUSE_OPENERS = frozenset({"but", "and", "so", "because", "that", "yet", "or"})

FINAL_PUNCT = frozenset({".", "!", "?", "…", "...", "?!", "!?", "!!", "??", "!!!", "???", ".."})
CLOSERS = frozenset({'"', "'", "”", "’", ")", "]", "»"})
BULLETS = frozenset({"-", "*", "•", "–", "—", "·", "+", ">"})

# One bit mask per distinct string: bits for span edges and clauses, and for segmentation.
_EDGE, _BREAK, _OPENER, _CUE, NEWLINE = 1, 2, 4, 8, 16
FINAL, EMOJI, CLOSER, BULLET, BLANK, LOWER_START = (1 << k for k in range(5, 11))
_CUE_WORDS: frozenset[str] | None = None
_INFO: "weakref.WeakKeyDictionary[Doc, TokenInfo]" = weakref.WeakKeyDictionary()


def _cue_words() -> frozenset[str]:
    global _CUE_WORDS
    if _CUE_WORDS is None:
        _CUE_WORDS = frozenset(w.lower() for w in lexicons().get("cue", []))
    return _CUE_WORDS


def is_emoji(text: str) -> bool:
    return bool(text) and all(unicodedata.category(ch) in ("So", "Sk", "Mn", "Cf") for ch in text) and any(
        unicodedata.category(ch) == "So" for ch in text
    )


def as_lf(text: str) -> str:
    """``text`` with every line break written as \\n, whether it was \\r\\n or a lone \\r (old Mac files)."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def is_final(text: str) -> bool:
    return text in FINAL_PUNCT or (len(text) > 1 and set(text) <= {".", "!", "?", "…"})


def _classify(text: str) -> int:
    low = text.lower()
    space = is_blank(text)  # whitespace, or an invisible separator the tokenizer made a token
    emoji = is_emoji(text)
    return (
        (_EDGE if (space or text in EDGE_STRIP or emoji) else 0)
        | (_BREAK if low in CLAUSE_BREAKS else 0)
        | (_OPENER if low in CLAUSE_OPENERS else 0)
        | (_CUE if low in _cue_words() else 0)
        | (NEWLINE if space and "\n" in as_lf(text) else 0)
        | (FINAL if is_final(text) else 0)
        | (EMOJI if emoji else 0)
        | (CLOSER if text in CLOSERS else 0)
        | (BULLET if text in BULLETS else 0)
        | (BLANK if space and as_lf(text).count("\n") >= 2 else 0)
        | (LOWER_START if text[:1].islower() else 0)
    )


class OrthClasses:
    """A vectorized cache of ``classify(text)`` keyed by spaCy string ids.

    Known ids are looked up with ``searchsorted``; only new strings reach Python.
    Safe to share between threads: readers take one snapshot of the sorted
    ``(keys, values)`` table, and writers publish a new table under a lock, so a
    reader never sees keys from one table and values from another.
    """

    def __init__(self, classify, max_size: int = 2_000_000) -> None:
        self.classify = classify
        self.max_size = max_size
        self._table: tuple[np.ndarray, np.ndarray] = (np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64))
        self._lock = threading.Lock()

    def _lookup(self, table: tuple[np.ndarray, np.ndarray], uniq: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        keys, vals = table
        if not len(keys):
            return np.zeros(len(uniq), dtype=bool), np.zeros(len(uniq), dtype=np.int64)
        pos = np.minimum(np.searchsorted(keys, uniq), len(keys) - 1)
        known = keys[pos] == uniq
        return known, np.where(known, vals[pos], 0)

    def __call__(self, doc: Doc, orths: np.ndarray) -> np.ndarray:
        if not len(orths):
            return np.zeros(0, dtype=np.int64)
        uniq, inverse = np.unique(orths, return_inverse=True)
        known, vals = self._lookup(self._table, uniq)
        new = uniq[~known]
        if len(new):
            strings = doc.vocab.strings
            new_vals = np.fromiter((self.classify(strings[int(o)]) for o in new), dtype=np.int64, count=len(new))
            vals[~known] = new_vals
            with self._lock:
                keys, old_vals = self._table
                if len(keys) < self.max_size:
                    # Another thread may have added some of these since the snapshot.
                    fresh = ~self._lookup(self._table, new)[0]
                    merged = np.concatenate([keys, new[fresh]])
                    order = np.argsort(merged, kind="stable")
                    self._table = (merged[order], np.concatenate([old_vals, new_vals[fresh]])[order])
        return vals[inverse.reshape(-1)]


class TokenInfo:
    """Arrays for one doc: lower ids, token classes and sentence bounds per token."""

    __slots__ = ("n", "lower", "is_space", "is_punct", "cls", "sent_bounds", "sent_of", "newline", "__weakref__")

    def __init__(self, doc: Doc) -> None:
        n = len(doc)
        self.n = n
        arr = doc.to_array([ORTH, LOWER, IS_SPACE, IS_PUNCT, SENT_START]) if n else np.zeros((0, 5), dtype=np.uint64)
        self.lower: np.ndarray = arr[:, 1].astype(np.uint64, copy=False)
        self.is_space = arr[:, 2].astype(bool)
        self.is_punct = arr[:, 3].astype(bool)
        self.cls = doc_classes(doc)
        self.newline = (self.cls & NEWLINE).astype(bool)
        starts = arr[:, 4].astype(np.int64) == 1
        if n:
            starts[0] = True
        bounds = np.append(np.nonzero(starts)[0], n)
        self.sent_bounds = bounds
        self.sent_of = np.cumsum(starts) - 1  # sentence index of each token

    def edge(self, k: int) -> bool:
        return bool(self.cls[k] & _EDGE)

    def sentence(self, k: int) -> tuple[int, int]:
        """Token bounds of the sentence holding token ``k``."""
        i = int(self.sent_of[k])
        return int(self.sent_bounds[i]), int(self.sent_bounds[i + 1])

    def cue_positions(self, start: int, end: int) -> np.ndarray:
        return np.nonzero(self.cls[start:end] & _CUE)[0] + start


_CLASSES = OrthClasses(_classify)
_DOC_CLASSES: "weakref.WeakKeyDictionary[Doc, np.ndarray]" = weakref.WeakKeyDictionary()


def doc_classes(doc: Doc) -> np.ndarray:
    """Bit mask per token of ``doc`` (``FINAL``, ``NEWLINE``, ``BULLET``…), cached for the doc's life."""
    cls = _DOC_CLASSES.get(doc)
    if cls is None or len(cls) != len(doc):
        cls = _CLASSES(doc, doc.to_array(ORTH)) if len(doc) else np.zeros(0, dtype=np.int64)
        _DOC_CLASSES[doc] = cls
    return cls


def token_info(doc: Doc) -> TokenInfo:
    """The (cached) :class:`TokenInfo` of ``doc``; call after sentence segmentation."""
    info = _INFO.get(doc)
    if info is None or info.n != len(doc):
        info = TokenInfo(doc)
        _INFO[doc] = info
    return info


def forget(doc: Doc) -> None:
    """Drop ``doc``'s cached :class:`TokenInfo`: its sentence starts may have changed since it was
    made (a Doc run through the pipeline again, or segmented by another component)."""
    _INFO.pop(doc, None)


def strip_edges(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Trim whitespace, bullets, emoji and closing punctuation from a token range (guide rule)."""
    edge = token_info(doc).cls
    while start < end and edge[start] & _EDGE:
        start += 1
    while end > start and edge[end - 1] & _EDGE:
        end -= 1
    return start, end


def sentence_units(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges of the sentences, edges stripped, empty ones dropped."""
    bounds = token_info(doc).sent_bounds
    out = []
    for s, e in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        s, e = strip_edges(doc, s, e)
        if e > s:
            out.append((s, e))
    return out


MAX_CLAUSE_CUTS = 4


def clause_candidates(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """Sub-ranges of a sentence that begin or end at a clause break.

    Starts: the sentence start, after a clause punctuation mark, at a clause
    opener ("but", "so", "that"...) and right after it. Ends: the sentence end and
    before a clause punctuation mark. Starts are capped per sentence.
    """
    cls = token_info(doc).cls
    starts = [start]
    ends = [end]
    if cls[start] & _OPENER and start + 1 < end:
        starts.append(start + 1)
    inner = cls[start + 1:end]
    for k in (np.nonzero(inner & (_BREAK | _OPENER))[0] + start + 1).tolist():
        if cls[k] & _BREAK:
            ends.append(k)
        else:
            starts.append(k)
        if k + 1 < end:
            starts.append(k + 1)
    starts = sorted(set(starts))[: MAX_CLAUSE_CUTS * 2 + 1]
    ends = sorted(set(ends))
    ends = ends[:MAX_CLAUSE_CUTS] + [end] if len(ends) > MAX_CLAUSE_CUTS + 1 else ends
    out = set()
    for s in starts:
        for e in ends:
            s2, e2 = strip_edges(doc, s, e)
            if e2 - s2 >= 2:
                out.add((s2, e2))
    return sorted(out)
