"""scikit-learn featurizers over spaCy tokens.

The featurizers take spaCy ``Doc`` or ``Span`` objects, not strings: they hash the
``LOWER`` ids spaCy already computed (``Doc.to_array``) instead of tokenizing the
text a second time, which is what keeps the pipeline close to tokenizer speed.
They are stateless apart from their parameters, so a fitted pipeline needs no
vocabulary on disk, and they follow scikit-learn's estimator contract (``clone``,
``cross_validate`` and grid search work on pipelines that contain them).
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted
from spacy.strings import hash_string  # type: ignore[attr-defined]  # Cython, not in the stubs
from spacy.tokens import Doc, Span

from .context import CATEGORIES
from .labels import NOT_REJECTED
from .resources import lexicons
from .tokens import as_lf, token_info

CONTEXT_KEY = "breakthrough_nlp.context_modifiers"
"""``doc.user_data`` key where the context layer stores modifiers for the featurizer."""

_MULT = np.uint64(1000003)
_SALT_BIGRAM = np.uint64(0x9E3779B97F4A7C15)
_SALT_PREV = np.uint64(0xC2B2AE3D27D4EB4F)
_SALT_FIRST = np.uint64(0x165667B19E3779F9)
_SALT_NEXT = np.uint64(0x27D4EB2F165667C5)
_SALT_TRIGRAM = np.uint64(0x85EBCA77C2B2AE63)
# Hashed stand-ins for the context a sentence at the start or end of an entry lacks.
_EDGE_BEFORE = 0x5B8D0C1E9A3F7B21
_EDGE_AFTER = 0x3C6EF372FE94F82B


def _token_range(item: Doc | Span) -> tuple[Doc, int, int]:
    if isinstance(item, Doc):
        return item, 0, len(item)
    if isinstance(item, Span):
        return item.doc, item.start, item.end
    raise TypeError(f"expected a spaCy Doc or Span, got {type(item).__name__}")


class _LexiconTable:
    """Maps LOWER hashes to lexicon category columns."""

    def __init__(self, lexicon: dict[str, list[str]]) -> None:
        self.names = sorted(lexicon)
        keys: list[int] = []
        cols: list[int] = []
        for j, name in enumerate(self.names):
            for word in lexicon[name]:
                keys.append(hash_string(word.lower()))
                cols.append(j)
        order = np.argsort(np.asarray(keys, dtype=np.uint64), kind="stable")
        self.keys = np.asarray(keys, dtype=np.uint64)[order]
        self.cols = np.asarray(cols, dtype=np.int64)[order]

    def membership(self, lowers: np.ndarray) -> np.ndarray:
        """(n_words, n_lexicons) 0/1 matrix: which lexicons each word belongs to."""
        out = np.zeros((len(lowers), len(self.names)), dtype=np.float64)
        if not len(lowers) or not len(self.keys):
            return out
        left = np.searchsorted(self.keys, lowers, side="left")
        n = np.searchsorted(self.keys, lowers, side="right") - left
        hit = np.nonzero(n > 0)[0]
        if len(hit):
            lens = n[hit]
            offsets = np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens)
            out[np.repeat(hit, lens), self.cols[np.repeat(left[hit], lens) + offsets]] = 1.0
        return out


class TokenFeatures(BaseEstimator, TransformerMixin):
    """Hashed word n-grams plus lexicon counts for a ``Doc`` or a ``Span``.

    Parameters
    ----------
    n_features:
        Size of the hashed n-gram space.
    ngram_range:
        ``(1, 1)`` for words, ``(1, 2)`` adds bigrams, ``(1, 3)`` trigrams too.
    lexicon_weight:
        Scale of the lexicon count block relative to the n-gram block.
    context_window:
        For spans, how many tokens before the span feed the context block
        (previous words and ConText modifiers); 0 turns it off.
    next_window:
        For spans, how many tokens after the span add (salted) word features.
    shape_features:
        Add length, punctuation ratio and position in the document. Off for
        whole entries, where length says more about the writer than the insight.
    pad_context:
        Count each token of ``context_window`` / ``next_window`` that falls outside
        the document as an "entry starts here" / "entry ends here" feature. Without
        it, a sentence with no words around it (a one-sentence entry) puts all of its
        L2 norm on its own words and scores more extremely than the same sentence
        inside an entry.
    lexicon:
        Word lists (name -> words); ``None`` uses the shipped ``lexicons.json``.
    """

    def __init__(
        self,
        n_features: int = 2**16,
        ngram_range: tuple[int, int] = (1, 2),
        lexicon_weight: float = 0.5,
        context_window: int = 0,
        next_window: int = 0,
        shape_features: bool = True,
        lexicon: dict[str, list[str]] | None = None,
        pad_context: bool = False,
    ) -> None:
        self.n_features = n_features
        self.ngram_range = ngram_range
        self.lexicon_weight = lexicon_weight
        self.context_window = context_window
        self.next_window = next_window
        self.shape_features = shape_features
        self.lexicon = lexicon
        self.pad_context = pad_context

    def fit(self, X: Sequence[Doc | Span], y=None) -> "TokenFeatures":
        if self.n_features < 16:
            raise ValueError(f"n_features must be at least 16, got {self.n_features}")
        lo, hi = self.ngram_range
        if not 1 <= lo <= hi <= 3:
            raise ValueError(f"ngram_range must be (lo, hi) with 1 <= lo <= hi <= 3, got {self.ngram_range}")
        self.lexicon_ = dict(self.lexicon) if self.lexicon is not None else lexicons()
        self._table = _LexiconTable(self.lexicon_)
        self.lexicon_names_ = list(self._table.names)
        self.context_names_ = _context_names() if self.context_window else []
        self.n_dense_ = len(self.lexicon_names_) * (2 if self.context_window else 1) + len(self.context_names_) + 4
        self.n_features_out_ = self.n_features + self.n_dense_
        return self

    def __getstate__(self):
        # The lookup table is derived from ``lexicon_``; rebuild it instead of storing it.
        state = super().__getstate__()
        state.pop("_table", None)
        return state

    def _get_table(self) -> _LexiconTable:
        table = getattr(self, "_table", None)
        if table is None:
            table = self._table = _LexiconTable(self.lexicon_)
        return table

    def _doc_tables(self, doc: Doc, table: _LexiconTable) -> dict[str, Any]:
        """Hashes and cumulative lexicon counts over the doc's words, computed once per doc."""
        info = token_info(doc)
        nf = np.uint64(self.n_features)
        words = np.nonzero(~info.is_space)[0]
        lw = info.lower[words]
        lex = table.membership(lw)
        with np.errstate(over="ignore"):
            return {
                "words": words,
                "uni": (lw % nf).astype(np.int64),
                "bi": ((lw[:-1] * _MULT + (lw[1:] ^ _SALT_BIGRAM)) % nf).astype(np.int64),
                "tri": ((((lw[:-2] * _MULT + lw[1:-1]) * _MULT + (lw[2:] ^ _SALT_TRIGRAM)) % nf).astype(np.int64)
                        if self.ngram_range[1] >= 3 else None),
                "prev": ((lw ^ _SALT_PREV) % nf).astype(np.int64),
                "first": ((lw ^ _SALT_FIRST) % nf).astype(np.int64),
                "next": ((lw ^ _SALT_NEXT) % nf).astype(np.int64),
                "lexcum": np.vstack([np.zeros((1, lex.shape[1])), np.cumsum(lex, axis=0)]),
                "punctcum": np.concatenate([[0], np.cumsum(info.is_punct)]),
            }

    def transform(self, X: Sequence[Doc | Span]) -> sp.csr_matrix:
        check_is_fitted(self, "lexicon_")
        table = self._get_table()
        n_lex = len(table.names)
        next_window = getattr(self, "next_window", 0)  # absent in models saved before it existed
        shape = getattr(self, "shape_features", True)
        pad = getattr(self, "pad_context", False)  # absent in models saved before it existed
        edge_before, edge_after = _EDGE_BEFORE % self.n_features, _EDGE_AFTER % self.n_features
        lo, hi = self.ngram_range
        dense = np.zeros((len(X), self.n_dense_), dtype=np.float64)
        cache: dict[int, tuple[Doc, dict[str, np.ndarray]]] = {}
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        for i, item in enumerate(X):
            doc, start, end = _token_range(item)
            hit = cache.get(id(doc))
            if hit is None or hit[0] is not doc:
                hit = cache[id(doc)] = (doc, self._doc_tables(doc, table))
            t = hit[1]
            words = t["words"]
            a, b = np.searchsorted(words, [start, end])
            a, b = int(a), int(b)
            parts = []
            if lo <= 1:
                parts.append(t["uni"][a:b])
            if lo <= 2 <= hi and b - a > 1:
                parts.append(t["bi"][a:b - 1])
            if hi >= 3 and b - a > 2:
                parts.append(t["tri"][a:b - 2])
            pa = a
            if self.context_window:
                pa = int(np.searchsorted(words, max(0, start - self.context_window)))
                parts.append(t["prev"][pa:a])
                if b > a:
                    parts.append(t["first"][a:a + 1])
            if next_window:
                nb = int(np.searchsorted(words, end + next_window))
                parts.append(t["next"][b:nb])
            if pad:
                if self.context_window and start < self.context_window:
                    parts.append(np.full(self.context_window - start, edge_before, dtype=np.int64))
                if next_window and end + next_window > len(doc):
                    parts.append(np.full(end + next_window - len(doc), edge_after, dtype=np.int64))
            idx = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
            cols.append(idx)
            rows.append(np.full(len(idx), i, dtype=np.int64))
            n_tok = max(b - a, 1)
            lexcum = t["lexcum"]
            # Rates, not counts: a long entry is not more of a breakthrough for having more words.
            dense[i, :n_lex] = np.log1p(100.0 * (lexcum[b] - lexcum[a]) / n_tok)
            col = n_lex
            if self.context_window:
                dense[i, col:col + n_lex] = np.log1p(lexcum[a] - lexcum[pa])
                col += n_lex
                dense[i, col:col + len(self.context_names_)] = _context_flags(doc, start, end)
                col += len(self.context_names_)
            if shape:
                n_punct = int(t["punctcum"][end] - t["punctcum"][start])
                dense[i, col] = np.log1p(n_tok)
                dense[i, col + 1] = n_punct / n_tok
                dense[i, col + 2] = start / max(len(doc), 1)
                dense[i, col + 3] = 1.0 if len(doc) and end >= len(doc) - 1 else 0.0
        r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        grams = sp.csr_matrix((np.ones(len(c)), (r, c)), shape=(len(X), self.n_features))  # sums duplicates
        grams.data = 1.0 + np.log(grams.data)
        grams = normalize(grams)
        return sp.hstack([grams, sp.csr_matrix(dense * self.lexicon_weight)], format="csr")

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "lexicon_")
        names = [f"hash_{i}" for i in range(self.n_features)]
        names += [f"lex_{n}" for n in self.lexicon_names_]
        if self.context_window:
            names += [f"prev_lex_{n}" for n in self.lexicon_names_]
            names += [f"context_{n}" for n in self.context_names_]
        names += ["log_tokens", "punct_ratio", "relative_position", "at_end"]
        return np.asarray(names, dtype=object)


def _context_names() -> list[str]:
    return [c.lower() for c in CATEGORIES]


_SCOPES: "weakref.WeakKeyDictionary[Doc, tuple[Any, np.ndarray, np.ndarray, np.ndarray, int]]" = (
    weakref.WeakKeyDictionary())


def _scope_index(doc: Doc) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The doc's modifier scopes sorted by start (starts, ends, category index) and the longest scope,
    built once per set of modifiers so a unit's lookup is a binary search, not a scan of every modifier."""
    mods = doc.user_data.get(CONTEXT_KEY, ())
    hit = _SCOPES.get(doc)
    if hit is None or hit[0] is not mods:
        rows = sorted((ss, se, CATEGORIES.index(c)) for c, _ms, _me, ss, se in mods if c in CATEGORIES)
        arr = np.asarray(rows, dtype=np.int64).reshape(-1, 3)
        longest = int((arr[:, 1] - arr[:, 0]).max()) if len(arr) else 0
        hit = _SCOPES[doc] = (mods, arr[:, 0], arr[:, 1], arr[:, 2], longest)
    return hit[1], hit[2], hit[3], hit[4]


def _context_flags(doc: Doc, start: int, end: int) -> np.ndarray:
    """1.0 per ConText category whose modifier scope overlaps tokens [start, end)."""
    flags = np.zeros(len(CATEGORIES), dtype=np.float64)
    mods = doc.user_data.get(CONTEXT_KEY, ())
    if len(mods) < 32:  # an ordinary entry: a scan is cheaper than the index
        for category, _ms, _me, scope_start, scope_end in mods:
            if scope_start < end and start < scope_end and category in CATEGORIES:
                flags[CATEGORIES.index(category)] = 1.0
        return flags
    starts, ends, cats, longest = _scope_index(doc)
    # A scope overlapping [start, end) starts before ``end`` and, being at most ``longest`` long, after
    # ``start - longest``.
    lo, hi = np.searchsorted(starts, start - longest, side="right"), np.searchsorted(starts, end, side="left")
    near = slice(lo, hi)
    flags[cats[near][ends[near] > start]] = 1.0
    return flags


class BoundaryFeatures(BaseEstimator, TransformerMixin):
    """Features that tell where a realization starts and ends inside its sentence.

    For a candidate ``Span`` these are the words at and around both edges (first,
    first two, previous, previous two, last, next), whether each edge is the
    sentence edge, and the candidate's share of the sentence.
    """

    def __init__(self, n_features: int = 2**16) -> None:
        self.n_features = n_features

    def fit(self, X: Sequence[Span], y=None) -> "BoundaryFeatures":
        if self.n_features < 16:
            raise ValueError(f"n_features must be at least 16, got {self.n_features}")
        self.n_features_out_ = self.n_features + 4
        return self

    def transform(self, X: Sequence[Span]) -> sp.csr_matrix:
        check_is_fitted(self, "n_features_out_")
        rows, cols, vals = [], [], []
        dense = np.zeros((len(X), 4))
        for i, span in enumerate(X):
            doc, start, end = _token_range(span)
            info = token_info(doc)
            lower, space = info.lower, info.is_space
            first_sent, last_sent = info.sentence(start), info.sentence(end - 1)
            mask = (1 << 64) - 1

            def word(k: int, sent: tuple[int, int] = first_sent) -> int:
                return int(lower[k]) if sent[0] <= k < sent[1] and not space[k] else 0

            def pair(x: int, y: int) -> int:
                return (x * 1000003 + y) & mask

            keys = [
                word(start),
                pair(word(start), word(start + 1)),
                word(start - 1),
                pair(word(start - 2), word(start - 1)),
                word(end - 1, last_sent),
                word(end, last_sent),
                pair(word(start - 1), word(start)),
            ]
            for slot, h in enumerate(keys):
                rows.append(i)
                cols.append(((h ^ (slot * 0x9E3779B1 + 1)) & mask) % self.n_features)
                vals.append(1.0)
            n_sent = max(last_sent[1] - first_sent[0], 1)
            dense[i] = [start == first_sent[0], end >= last_sent[1] - 1, (end - start) / n_sent, np.log1p(end - start)]
        grams = sp.csr_matrix((vals, (rows, cols)), shape=(len(X), self.n_features))
        return sp.hstack([grams, sp.csr_matrix(dense)], format="csr")


def _logits(p, eps: float = 1e-4) -> np.ndarray:
    """Log-odds of probabilities clipped to ``[eps, 1 - eps]``, so 0.01 and 0.1 differ as
    much to a model as 0.5 and 0.9."""
    p = np.clip(np.asarray(p, dtype=np.float64), eps, 1 - eps)
    return np.log(p / (1 - p))


def _logit(p: float, eps: float = 1e-3) -> float:
    return float(_logits(p, eps))


def _between(doc: Doc, a: Span, b: Span) -> str:
    """The text between adjacent spans ``a`` and ``b`` (``Doc.text`` would join every token of the doc)."""
    if not len(a) or b.start < a.end:
        return ""
    return doc[a.end - 1].whitespace_ + "".join(doc[k].text_with_ws for k in range(a.end, b.start))


class JoinFeatures(BaseEstimator, TransformerMixin):
    """Features for "does sentence B continue the realization of sentence A?".

    ``X`` holds ``(A, B)`` pairs of adjacent sentence spans, or ``(A, B, score_A,
    score_B)`` with the detector's probabilities for each. The scores matter
    because one half of an insight often reads like an insight on its own ("I am
    angry at Dad") while the other does not ("I am not angry at Caleb."); they
    enter as probabilities and as log-odds, which separate a weak half (0.1) from
    an unrelated line ("Groceries.", 0.005). Other
    features: the first and first two words of each sentence, the last word and
    final mark of A, negation in either, a blank line or line break between
    them, B starting in lowercase, and both lengths.
    """

    _NEG = frozenset({"not", "n't", "never", "no", "nothing", "isn't", "wasn't", "aren't", "don't", "didn't"})
    N_DENSE = 12

    def __init__(self, n_features: int = 2**14) -> None:
        self.n_features = n_features

    def fit(self, X: Sequence[tuple], y=None) -> "JoinFeatures":
        if self.n_features < 16:
            raise ValueError(f"n_features must be at least 16, got {self.n_features}")
        self.n_features_out_ = self.n_features + self.N_DENSE
        return self

    def transform(self, X: Sequence[tuple]) -> sp.csr_matrix:
        check_is_fitted(self, "n_features_out_")
        # Models saved before scores and negation were added have 5 dense columns.
        legacy = self.n_features_out_ - self.n_features == 5
        neg_ids = np.asarray(sorted(hash_string(w) for w in self._NEG), dtype=np.uint64)
        rows, cols = [], []
        dense = np.zeros((len(X), self.N_DENSE))
        for i, item in enumerate(X):
            a, b = item[0], item[1]
            has_scores = len(item) >= 4
            sa, sb = (float(item[2]), float(item[3])) if has_scores else (0.0, 0.0)
            doc = a.doc
            strings = doc.vocab.strings
            # Token arrays, not Token objects: this runs on every pair near an accepted sentence.
            lower = token_info(doc).lower
            la, lb = lower[a.start:a.end], lower[b.start:b.end]
            gap = _between(doc, a, b)
            last_a = strings[int(la[-1])] if len(la) else ""
            a_words = [strings[int(x)] for x in la[:2]]
            b_words = [strings[int(x)] for x in lb[:2]]
            neg_a = bool(np.isin(la, neg_ids).any())
            neg_b = bool(np.isin(lb, neg_ids).any())
            keys = [
                "b1=" + (b_words[0] if b_words else ""),
                "b2=" + " ".join(b_words),
                "a1=" + (a_words[0] if a_words else ""),
                "a2=" + " ".join(a_words),
                "a_last=" + last_a,
                "gap=" + "".join(ch for ch in gap if not ch.isspace())[:3],
                f"neg={int(neg_a)}{int(neg_b)}",
            ]
            if legacy:
                keys = [keys[0], keys[1], keys[4], keys[5]]
            for key in keys:
                rows.append(i)
                cols.append(hash_string(key) % self.n_features)
            lf_gap = as_lf(gap)
            dense[i] = [
                "\n\n" in lf_gap,
                "\n" in lf_gap,
                doc[b.start].text[:1].islower() if len(b) else False,
                np.log1p(len(a)),
                np.log1p(len(b)),
                has_scores,
                sa,
                sb,
                min(sa, sb),
                abs(sa - sb),
                _logit(sa) if has_scores else 0.0,
                _logit(sb) if has_scores else 0.0,
            ]
        grams = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(X), self.n_features))
        if legacy:
            dense = dense[:, :5]
        return sp.hstack([grams, sp.csr_matrix(dense)], format="csr")


class EntryWords(BaseEstimator, TransformerMixin):
    """The words of the whole entry a span sits in, scaled by ``weight``.

    For the span labeler: "I see it now" is a patterns insight in an entry about
    repeating the same fight and a values one in an entry about quitting a job;
    the span's own words do not say which. Each distinct entry is featurized
    once (with ``words``, a :class:`TokenFeatures`; unigrams and lexicon rates,
    no shape features by default) and its row is repeated for its spans.
    """

    def __init__(self, words: TokenFeatures | None = None, weight: float = 0.5) -> None:
        self.words = words
        self.weight = weight

    def _words(self) -> TokenFeatures:
        return self.words if self.words is not None else TokenFeatures(ngram_range=(1, 1), shape_features=False)

    def fit(self, X: Sequence[Span], y=None) -> "EntryWords":
        if self.weight < 0:
            raise ValueError(f"weight must be >= 0, got {self.weight}")
        self.words_ = clone(self._words()).fit([_token_range(x)[0] for x in X])
        self.n_features_out_ = self.words_.n_features_out_
        return self

    def transform(self, X: Sequence[Span]) -> sp.csr_matrix:
        check_is_fitted(self, "words_")
        docs: list[Doc] = []
        row_of: dict[int, int] = {}
        rows = []
        for x in X:
            doc = _token_range(x)[0]
            if id(doc) not in row_of:
                row_of[id(doc)] = len(docs)
                docs.append(doc)
            rows.append(row_of[id(doc)])
        if not docs:
            return sp.csr_matrix((0, self.n_features_out_))
        return (self.words_.transform(docs)[np.asarray(rows)] * self.weight).tocsr()

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "words_")
        return np.asarray([f"entry_{n}" for n in self.words_.get_feature_names_out()], dtype=object)


class SpanEvidence(BaseEstimator, TransformerMixin):
    """Entry-level features from the realization marker's output.

    Reads ``doc.spans["realization_candidates"]`` and ``doc.spans["realizations"]``
    (written by ``breakthrough_realizations``, which runs first) so the entry
    labels can lean on sentence-level evidence: a one-line wish ("I want to
    figure out why") has the words of a values insight, but its only sentence
    was rejected as hypothetical. Features: the best score among sentences not
    rejected by a context rule, the best score overall, the share of sentences
    rejected by context, the share of sentences that are unrejected and score at
    least 0.3 (a share, not a count, so long entries are not favoured), and the
    best marked span score per span category. Zeros when the marker did not run.
    """

    def __init__(self, key: str = "realization_candidates", spans_key: str = "realizations") -> None:
        self.key = key
        self.spans_key = spans_key

    def fit(self, X: Sequence[Doc], y=None) -> "SpanEvidence":
        from .labels import SPAN_LABELS

        self.span_labels_ = list(SPAN_LABELS)
        self.n_features_out_ = 4 + len(self.span_labels_)
        return self

    def transform(self, X: Sequence[Doc]) -> sp.csr_matrix:
        check_is_fitted(self, "n_features_out_")
        out = np.zeros((len(X), self.n_features_out_))
        for i, doc in enumerate(X):
            group = doc.spans.get(self.key) if isinstance(doc, Doc) else None
            if group is not None and len(group):
                scores = np.asarray(group.attrs.get("scores", []), dtype=float)
                reasons = group.attrs.get("reasons", [])
                ok = np.asarray([r in NOT_REJECTED for r in reasons], dtype=bool)
                if len(scores) == len(ok) and len(scores):
                    out[i, :4] = [scores[ok].max() if ok.any() else 0.0, scores.max(), 1.0 - ok.mean(),
                                  ((scores >= 0.3) & ok).mean()]
            marked = doc.spans.get(self.spans_key) if isinstance(doc, Doc) else None
            if marked is not None and len(marked):
                for span, score in zip(marked, marked.attrs.get("scores", [])):
                    if span.label_ in self.span_labels_:
                        j = 4 + self.span_labels_.index(span.label_)
                        out[i, j] = max(out[i, j], float(score))
        return sp.csr_matrix(out)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "n_features_out_")
        names = ["best_unrejected_score", "best_score", "rejected_share", "strong_sentence_share"]
        return np.asarray(names + [f"best_{lab}_span" for lab in self.span_labels_], dtype=object)


class EntryContextFeatures(BaseEstimator, TransformerMixin):
    """Where a sentence stands in its entry, for rescoring the detector's output.

    ``X`` holds ``(sentence, detector_score)`` pairs and must contain every
    sentence of each entry it touches (the realization marker always passes whole
    entries). The detector reads one sentence and the words around it; whether
    that sentence is *the* insight also depends on the rest of the entry: a 0.4
    that is the strongest line of an entry that reads like a breakthrough is
    likelier than a 0.4 next to a 0.9 in an entry about errands. Features, per
    sentence: the entry model's log-odds that the entry holds any realization,
    the sentence's log-odds, the entry's best log-odds and the gap to it, its
    rank in the entry, its neighbours' log-odds, its relative position, first
    or last, the number of sentences and the sentence length.

    The entry model (hashed words of the whole entry into a logistic regression)
    is fit inside; like scikit-learn's ``TargetEncoder``, ``fit_transform``
    returns cross-fitted entry scores so the downstream classifier learns from
    scores that look like those on new text.
    """

    NAMES = ("entry_logit", "position", "n_sentences", "log_length", "is_last", "is_first", "sentence_logit",
             "entry_best_logit", "gap_to_best", "is_best", "rank", "previous_logit", "next_logit")

    def __init__(self, C: float = 4.0, n_features: int = 2**18, cv: int = 5,
                 features: Sequence[str] | None = None) -> None:
        self.C = C
        self.n_features = n_features
        self.cv = cv
        self.features = features

    def _columns(self) -> list[int]:
        names = list(self.NAMES) if self.features is None else list(self.features)
        unknown = sorted(set(names) - set(self.NAMES))
        if unknown:
            raise ValueError(f"unknown entry-context features {unknown}; choose from {list(self.NAMES)}")
        return [self.NAMES.index(n) for n in names]

    def _uses_entry_model(self) -> bool:
        return self.features is None or "entry_logit" in self.features

    def _entry_model(self):
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline

        return Pipeline([
            ("features", TokenFeatures(n_features=self.n_features, shape_features=False)),
            ("clf", LogisticRegression(C=self.C, class_weight="balanced", solver="liblinear", max_iter=3000)),
        ])

    @staticmethod
    def _entries(X: Sequence[tuple]) -> tuple[list[Doc], np.ndarray]:
        index: dict[int, int] = {}
        docs: list[Doc] = []
        owner = np.zeros(len(X), dtype=np.int64)
        for i, item in enumerate(X):
            doc = item[0].doc
            j = index.get(id(doc))
            if j is None:
                j = index[id(doc)] = len(docs)
                docs.append(doc)
            owner[i] = j
        return docs, owner

    def _fit(self, X: Sequence[tuple], y) -> tuple[list[Doc], np.ndarray, np.ndarray]:
        if self.cv < 2:
            raise ValueError(f"cv must be at least 2, got {self.cv}")
        docs, owner = self._entries(X)
        y = np.asarray(y, dtype=np.int64)
        y_entry = np.zeros(len(docs), dtype=np.int64)
        np.maximum.at(y_entry, owner, y)
        if len(set(y_entry.tolist())) < 2:
            raise ValueError("EntryContextFeatures needs entries with and without a positive sentence")
        self.columns_ = self._columns()
        self.entry_model_ = self._entry_model().fit(docs, y_entry) if self._uses_entry_model() else None
        self.n_features_out_ = len(self.columns_)
        return docs, owner, y_entry

    def fit(self, X: Sequence[tuple], y=None) -> "EntryContextFeatures":
        if y is None:
            raise ValueError("EntryContextFeatures.fit needs the sentence labels y")
        self._fit(X, y)
        return self

    def fit_transform(self, X: Sequence[tuple], y=None, **fit_params) -> np.ndarray:
        if y is None:
            raise ValueError("EntryContextFeatures.fit_transform needs the sentence labels y")
        from sklearn.model_selection import StratifiedKFold

        docs, owner, y_entry = self._fit(X, y)
        entry = np.full(len(docs), 0.5)
        if self.entry_model_ is None:
            return self._features(X, owner, entry)
        folds = StratifiedKFold(n_splits=min(self.cv, len(docs)))
        for fit_idx, pred_idx in folds.split(np.zeros(len(docs)), y_entry):
            model = self._entry_model().fit([docs[k] for k in fit_idx], y_entry[fit_idx])
            entry[pred_idx] = model.predict_proba([docs[k] for k in pred_idx])[:, 1]
        return self._features(X, owner, entry)

    def transform(self, X: Sequence[tuple]) -> np.ndarray:
        check_is_fitted(self, "n_features_out_")
        docs, owner = self._entries(X)
        if self.entry_model_ is None or not docs:
            entry = np.full(len(docs), 0.5)
        else:
            entry = self.entry_model_.predict_proba(docs)[:, 1]
        return self._features(X, owner, entry)

    def _features(self, X: Sequence[tuple], owner: np.ndarray, entry: np.ndarray) -> np.ndarray:
        out = np.zeros((len(X), len(self.NAMES)))
        if not len(X):
            return out
        starts = np.asarray([item[0].start for item in X])
        logit = _logits([float(item[1]) for item in X])
        entry_logit = _logits(entry)
        order = np.lexsort((starts, owner))
        bounds = np.flatnonzero(np.diff(owner[order])) + 1
        for idx in np.split(order, bounds):
            s = logit[idx]
            m = len(idx)
            best = s.max()
            rank = (s[None, :] > s[:, None]).sum(axis=1)
            lengths = np.asarray([len(X[k][0]) for k in idx])
            out[idx] = np.column_stack([
                np.full(m, entry_logit[owner[idx[0]]]),
                np.arange(m) / max(m - 1, 1),
                np.full(m, m),
                np.log1p(lengths),
                np.arange(m) == m - 1,
                np.arange(m) == 0,
                s,
                np.full(m, best),
                s - best,
                rank == 0,
                np.minimum(rank, 5),
                np.concatenate([[_logits(0.0)], s[:-1]]),
                np.concatenate([s[1:], [_logits(0.0)]]),
            ])
        return out[:, self.columns_]

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "n_features_out_")
        return np.asarray([self.NAMES[j] for j in self.columns_], dtype=object)
