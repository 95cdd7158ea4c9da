"""A ConText-style layer: modifiers that take a would-be realization out of scope.

As in medspaCy's ConText, each rule is data (``resources/context_rules.json``): a
literal phrase or a spaCy ``Matcher`` pattern, a category such as ``NEGATED`` or
``OTHER_EXPERIENCER``, and a direction. A modifier's scope runs from the match in
its direction to the nearest terminator ("but", ";", a line break), the sentence
edge or ``max_scope`` tokens, whichever comes first. The realization marker uses
the modifiers two ways: as features for the learned scorer, and to reject a
candidate whose cue falls inside a modifier's scope (with the reason kept).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from .resources import load_resource
from .tokens import token_info

CATEGORIES: tuple[str, ...] = tuple(load_resource("context_rules.json")["categories"])
DIRECTIONS = ("forward", "backward", "bidirectional")
DEFAULT_MAX_SCOPE = 20


@dataclass(frozen=True)
class ContextRule:
    """One modifier rule. Give exactly one of ``literal`` or ``pattern``."""

    category: str
    direction: str
    literal: str | None = None
    pattern: list[dict[str, Any]] | None = field(default=None, hash=False, compare=False)
    max_scope: int = DEFAULT_MAX_SCOPE

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown context category {self.category!r}; expected one of {CATEGORIES}")
        if self.direction not in DIRECTIONS:
            raise ValueError(f"unknown direction {self.direction!r}; expected one of {DIRECTIONS}")
        if (self.literal is None) == (self.pattern is None):
            raise ValueError("a context rule needs exactly one of 'literal' or 'pattern'")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ContextRule":
        known = {"literal", "pattern", "category", "direction", "max_scope"}
        extra = set(data) - known
        if extra:
            raise ValueError(f"unknown keys in context rule {data!r}: {sorted(extra)}")
        return cls(
            category=data["category"],
            direction=data["direction"],
            literal=data.get("literal"),
            pattern=data.get("pattern"),
            max_scope=int(data.get("max_scope", DEFAULT_MAX_SCOPE)),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"category": self.category, "direction": self.direction}
        if self.literal is not None:
            out["literal"] = self.literal
        else:
            out["pattern"] = self.pattern
        if self.max_scope != DEFAULT_MAX_SCOPE:
            out["max_scope"] = self.max_scope
        return out


@dataclass(frozen=True)
class Modifier:
    """A matched modifier: its category, token span, scope and the rule's text."""

    category: str
    start: int
    end: int
    scope_start: int
    scope_end: int
    rule: str


def default_rules(extra_rules: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    """The shipped rule data, with ``extra_rules`` appended."""
    data = dict(load_resource("context_rules.json"))
    data["rules"] = list(data["rules"]) + list(extra_rules)
    return data


class _LowerPattern:
    """A ``Matcher`` pattern of ``LOWER`` tests (a string or ``{"IN": [...]}``, optionally ``"OP": "?"``),
    matched with NumPy over the doc's ``LOWER`` ids.

    spaCy's ``Matcher`` creates a ``Token`` object for every token of every doc,
    which made the four shipped patterns cost more than the rest of the context
    layer; these patterns need no ``Token``. Matches are the same as the
    ``Matcher``'s (every variant with and without each optional token).
    """

    def __init__(self, variants: list[list[np.ndarray]]) -> None:
        self.variants = variants

    @classmethod
    def compile(cls, vocab: Vocab, pattern: list[dict[str, Any]]) -> "_LowerPattern | None":
        """The compiled pattern, or None when it uses anything beyond LOWER and ``"OP": "?"``."""
        specs: list[tuple[np.ndarray, bool]] = []
        for tok in pattern:
            if not isinstance(tok, dict) or set(tok) - {"LOWER", "OP"} or "LOWER" not in tok:
                return None
            op = tok.get("OP")
            if op not in (None, "?"):
                return None
            value = tok["LOWER"]
            if isinstance(value, str):
                words = [value]
            elif isinstance(value, dict) and set(value) == {"IN"} and all(isinstance(w, str) for w in value["IN"]):
                words = list(value["IN"])
            else:
                return None
            ids = np.asarray(sorted(vocab.strings.add(w.lower()) for w in words), dtype=np.uint64)
            specs.append((ids, op == "?"))
        variants: list[list[np.ndarray]] = [[]]
        for ids, optional in specs:
            variants = [v + [ids] for v in variants] + (variants if optional else [])
        variants = [v for v in variants if v]
        return cls(variants) if variants else None

    def __call__(self, lower: np.ndarray) -> list[tuple[int, int]]:
        n = len(lower)
        out: list[tuple[int, int]] = []
        for v in self.variants:
            width = len(v)
            if width > n:
                continue
            ok = np.isin(lower[: n - width + 1], v[0])
            for j in range(1, width):
                if not ok.any():
                    break
                ok &= np.isin(lower[j : n - width + 1 + j], v[j])
            out.extend((int(k), int(k) + width) for k in np.nonzero(ok)[0])
        return out


class ContextMatcher:
    """Find modifiers and their scopes in a ``Doc``."""

    def __init__(self, vocab: Vocab, rules: Iterable[ContextRule], terminators: Iterable[str],
                 make_doc: Callable[[str], Doc] | None = None) -> None:
        self.vocab = vocab
        self.rules = list(rules)
        self.terminators = frozenset(t.lower() for t in terminators)
        # LOWER ids are the string hashes of the lowercased text.
        self._terminator_ids = np.asarray(sorted(vocab.strings.add(t) for t in self.terminators), dtype=np.uint64)
        self._phrase = PhraseMatcher(vocab, attr="LOWER")
        self._matcher = Matcher(vocab)
        self._arrays: list[tuple[int, _LowerPattern]] = []  # (rule index, pattern) matched without Token objects
        if make_doc is None:
            import spacy

            make_doc = spacy.blank("en", vocab=vocab).make_doc
        for i, rule in enumerate(self.rules):
            key = f"ctx{i}"
            if rule.literal is not None:
                self._phrase.add(key, [make_doc(rule.literal)])
                continue
            assert rule.pattern is not None  # Rule checks that it has exactly one of the two
            if (compiled := _LowerPattern.compile(vocab, rule.pattern)) is not None:
                self._arrays.append((i, compiled))
            else:
                self._matcher.add(key, [rule.pattern])

    @classmethod
    def from_data(cls, vocab: Vocab, data: dict[str, Any],
                  make_doc: Callable[[str], Doc] | None = None) -> "ContextMatcher":
        """Build from a dict in the resource file's format; ``make_doc`` tokenizes literals."""
        rules = [ContextRule.from_dict(r) for r in data.get("rules", [])]
        return cls(vocab, rules, data.get("terminators", []), make_doc)

    @classmethod
    def default(cls, vocab: Vocab, extra_rules: Iterable[dict[str, Any]] = (),
                make_doc: Callable[[str], Doc] | None = None) -> "ContextMatcher":
        """The shipped rules, plus ``extra_rules`` (dicts in the resource file's format)."""
        return cls.from_data(vocab, default_rules(extra_rules), make_doc)

    @classmethod
    def from_file(cls, vocab: Vocab, path: str | Path) -> "ContextMatcher":
        return cls.from_data(vocab, json.loads(Path(path).read_text(encoding="utf-8")))

    def to_data(self) -> dict[str, Any]:
        return {"terminators": sorted(self.terminators), "rules": [r.to_dict() for r in self.rules]}

    def __call__(self, doc: Doc) -> list[Modifier]:
        matches = [(int(self.vocab.strings[m][3:]), s, e) for m, s, e in self._phrase(doc)]
        if len(self._matcher):
            matches += [(int(self.vocab.strings[m][3:]), s, e) for m, s, e in self._matcher(doc)]
        info = token_info(doc)
        for i, pattern in self._arrays:
            matches += [(i, s, e) for s, e in pattern(info.lower)]
        if not matches:
            return []
        stops = np.isin(info.lower, self._terminator_ids) | info.newline
        out: list[Modifier] = []
        for rule_index, start, end in sorted(matches, key=lambda m: (m[1], m[2], m[0])):
            rule = self.rules[rule_index]
            s_start, s_end = self._scope(info, stops, rule, start, end)
            out.append(Modifier(rule.category, start, end, s_start, s_end, rule.literal or "<pattern>"))
        return out

    def _scope(self, info, stops: np.ndarray, rule: ContextRule, start: int, end: int) -> tuple[int, int]:
        sent_start, sent_end = info.sentence(start)
        s_start, s_end = start, end
        if rule.direction in ("forward", "bidirectional"):
            limit = min(sent_end, end + rule.max_scope)
            while s_end < limit and not stops[s_end]:
                s_end += 1
        if rule.direction in ("backward", "bidirectional"):
            limit = max(sent_start, start - rule.max_scope)
            while s_start > limit and not stops[s_start - 1]:
                s_start -= 1
        return s_start, s_end
