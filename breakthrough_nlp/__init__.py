"""breakthrough-nlp: find breakthrough moments in personal journal text.

>>> import breakthrough_nlp
>>> nlp = breakthrough_nlp.load()
>>> doc = nlp("Every time I say yes to everything I end up burned out.")
>>> doc.cats, doc._.breakthroughs, doc.spans["realizations"]
"""

__version__ = "0.1.0"

from typing import TYPE_CHECKING  # noqa: E402

from .labels import LABELS, SPAN_LABELS  # noqa: E402
from .model_io import ModelLoadError  # noqa: E402
from .api import DEFAULT_MODEL, annotate, annotate_frame, load  # noqa: E402
# Timelines, indicators and pictures; matplotlib is imported only when a plot is drawn.
from .timelines import Timeline, timeline  # noqa: E402
from .indicators import connecting_phases, insight_causal_trend, word_rates  # noqa: E402
from .viz import plot_timeline, render  # noqa: E402
from .extensions import register_extensions as _register_extensions  # noqa: E402

# Doc._.breakthroughs exists as soon as the package is imported: in spawned workers, for an
# unpickled pipeline and for docs read back from a DocBin, where no component is constructed.
_register_extensions()

# Training and evaluation import scikit-learn's model code; load them on first use so
# `import breakthrough_nlp` stays fast.
_LAZY = {
    "read_corpus": ("corpus", "read_jsonl"),
    "validate_corpus": ("corpus", "validate"),
    "train": ("training", "train"),
    "fit_pipeline": ("training", "fit_pipeline"),
    "TrainConfig": ("training", "TrainConfig"),
    "evaluate": ("evaluation", "evaluate"),
}


if TYPE_CHECKING:  # what the lazy names are, for type checkers and editors
    from .corpus import read_jsonl as read_corpus, validate as validate_corpus  # noqa: F401
    from .evaluation import evaluate  # noqa: F401
    from .training import TrainConfig, fit_pipeline, train  # noqa: F401


if not TYPE_CHECKING:  # hidden from type checkers, which would otherwise accept any name (DEFAULT_MODLE)
    def __getattr__(name: str) -> object:
        if name in _LAZY:
            import importlib

            module, attr = _LAZY[name]
            return getattr(importlib.import_module(f".{module}", __name__), attr)
        raise AttributeError(f"module 'breakthrough_nlp' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = ["__version__", "LABELS", "SPAN_LABELS", "DEFAULT_MODEL", "ModelLoadError", "load", "annotate",
           "annotate_frame",
           "read_corpus", "validate_corpus", "train", "fit_pipeline", "TrainConfig", "evaluate",
           "Timeline", "timeline", "insight_causal_trend", "connecting_phases", "word_rates",
           "plot_timeline", "render"]
