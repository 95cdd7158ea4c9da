"""Access to the data files that drive behaviour (lexicons, context rules)."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from typing import Any


@lru_cache(maxsize=None)
def load_resource(name: str) -> dict[str, Any]:
    """Load ``breakthrough_nlp/resources/<name>`` (a JSON file shipped in the package)."""
    text = files("breakthrough_nlp").joinpath("resources", name).read_text(encoding="utf-8")
    return json.loads(text)


def lexicons() -> dict[str, list[str]]:
    """The project's word lists, one per feature, without the ``_comment`` key."""
    return {k: v for k, v in load_resource("lexicons.json").items() if not k.startswith("_")}
