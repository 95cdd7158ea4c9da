"""The label set, defined once (see ANNOTATION_GUIDE.md)."""

from __future__ import annotations

LABELS: tuple[str, ...] = ("feelings", "patterns", "values")
"""Entry-level categories, in their canonical order."""

SPAN_LABELS: tuple[str, ...] = LABELS + ("other",)
"""Categories a realization span may carry; ``other`` fits none of the three."""

SPANS_KEY = "realizations"
CANDIDATES_KEY = "realization_candidates"

# Reasons a candidate sentence carries in ``doc.spans[CANDIDATES_KEY].attrs["reasons"]``;
# any other reason is a context rule's category and the words that triggered it.
ACCEPTED = "accepted"
BELOW_THRESHOLD = "below threshold"
JOINED = "joined to a neighbouring realization"
NOT_REJECTED = frozenset({ACCEPTED, BELOW_THRESHOLD, JOINED})


def fixed_key(setting: str, value: str, expected: str) -> str:
    """The ``doc.spans`` keys are part of the API: the categorizer's features, ``annotate``, ``render``
    and ``evaluate`` read them by name, so a renamed key would leave them reading nothing."""
    if value != expected:
        raise ValueError(f"{setting} is fixed to {expected!r} (got {value!r}): the categorizer, annotate, render "
                         f"and evaluate read doc.spans[{expected!r}]; copy the spans to another key after the "
                         "pipeline if you need one")
    return value


def probability_setting(name: str, value: float | None) -> float | None:
    """A component setting that is a probability: a float strictly between 0 and 1, or None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 < float(value) < 1.0:
        raise ValueError(f"{name} must be a number between 0 and 1 (exclusive) or null, got {value!r}")
    return float(value)
