"""Custom ``Doc._`` attributes, declared in one idempotent place.

Only what spaCy has no field for lives here: probabilities go to ``doc.cats`` and
spans to ``doc.spans``. Values are kept in ``doc.user_data`` as plain lists so they
survive ``Doc.to_bytes`` (and therefore ``nlp.pipe(..., n_process=2)``).
"""

from __future__ import annotations

from spacy.tokens import Doc

BREAKTHROUGHS_KEY = "breakthrough_nlp.breakthroughs"


def _get_breakthroughs(doc: Doc) -> tuple[str, ...]:
    return tuple(doc.user_data.get(BREAKTHROUGHS_KEY, ()))


def _set_breakthroughs(doc: Doc, value) -> None:
    doc.user_data[BREAKTHROUGHS_KEY] = list(value)


def register_extensions() -> None:
    if not Doc.has_extension("breakthroughs"):
        Doc.set_extension("breakthroughs", getter=_get_breakthroughs, setter=_set_breakthroughs)
