"""breakthrough-nlp: find breakthrough moments in personal journal text.

>>> import breakthrough_nlp
>>> nlp = breakthrough_nlp.load()
>>> doc = nlp("Every time I say yes to everything I end up burned out.")
>>> doc.cats, doc._.breakthroughs, doc.spans["realizations"]
"""

__version__ = "0.1.0"

from .labels import LABELS, SPAN_LABELS  # noqa: E402
from .api import DEFAULT_MODEL, annotate, annotate_frame, load  # noqa: E402
# Timelines, indicators and pictures; matplotlib is imported only when a plot is drawn.
from .timeline import Timeline, timeline  # noqa: E402
from .indicators import connecting_phases, insight_causal_trend, word_rates  # noqa: E402
from .viz import plot_timeline, render  # noqa: E402

__all__ = ["__version__", "LABELS", "SPAN_LABELS", "DEFAULT_MODEL", "load", "annotate", "annotate_frame",
           "Timeline", "timeline", "insight_causal_trend", "connecting_phases", "word_rates",
           "plot_timeline", "render"]
