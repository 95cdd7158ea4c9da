"""The label set, defined once (see ANNOTATION_GUIDE.md)."""

from __future__ import annotations

LABELS: tuple[str, ...] = ("feelings", "patterns", "values")
"""Entry-level categories, in their canonical order."""

SPAN_LABELS: tuple[str, ...] = LABELS + ("other",)
"""Categories a realization span may carry; ``other`` fits none of the three."""

SPANS_KEY = "realizations"
CANDIDATES_KEY = "realization_candidates"
