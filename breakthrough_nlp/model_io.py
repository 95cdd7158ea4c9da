"""Safe persistence for the scikit-learn parts of the pipeline.

Pickle and joblib files run arbitrary code when loaded. The estimators are stored
with ``skops.io``, which rebuilds only an allow-list of types and refuses the rest,
and every file is recorded with its SHA-256 and the library versions that wrote it.
A file whose checksum does not match its record, or that needs types outside the
allow-list, is refused unless the caller passes ``trusted=True``.
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path
from typing import Any

import skops.io as sio

# Every type the shipped estimators are built from. Anything else in a file is refused.
TRUSTED_TYPES: list[str] = [
    "breakthrough_nlp.features.TokenFeatures",
    "breakthrough_nlp.features.BoundaryFeatures",
    "breakthrough_nlp.features.JoinFeatures",
    "breakthrough_nlp.features.SpanEvidence",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.multioutput.MultiOutputClassifier",
    "sklearn.pipeline.Pipeline",
]


class ModelLoadError(RuntimeError):
    """A model file could not be loaded safely; the message says why and what to do."""


def library_versions() -> dict[str, str]:
    import numpy
    import scipy
    import sklearn
    import spacy

    from . import __version__

    return {
        "breakthrough_nlp": __version__,
        "spacy": spacy.__version__,
        "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "skops": _skops_version(),
    }


def _skops_version() -> str:
    from importlib.metadata import version

    return version("skops")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def dumps(estimator: Any) -> tuple[bytes, str]:
    """Serialize an estimator; return the bytes and their SHA-256."""
    data = sio.dumps(estimator)
    return data, sha256_bytes(data)


def loads(data: bytes, *, expected_sha256: str | None, trusted: bool = False, what: str = "model") -> Any:
    """Rebuild an estimator written by :func:`dumps`, refusing anything unsafe."""
    digest = sha256_bytes(data)
    if expected_sha256 is not None and digest != expected_sha256 and not trusted:
        raise ModelLoadError(
            f"{what}: checksum mismatch (expected {expected_sha256[:12]}…, got {digest[:12]}…). "
            "The file was changed after the model was saved. Retrain it, or load with trusted=True "
            "if you know where it came from."
        )
    untrusted = sio.get_untrusted_types(data=data)
    extra = sorted(set(untrusted) - set(TRUSTED_TYPES))
    if extra and not trusted:
        raise ModelLoadError(
            f"{what}: the file needs types this package does not trust: {', '.join(extra)}. "
            "Load with trusted=True only if you trust the file's author."
        )
    return sio.loads(data, trusted=sorted(set(untrusted)) if untrusted else None)


def check_versions(recorded: dict[str, str], *, what: str = "model") -> None:
    """Warn, naming both versions, when the model was written by another library version."""
    current = library_versions()
    for lib in ("scikit-learn", "spacy"):
        rec = recorded.get(lib)
        if rec and _minor(rec) != _minor(current[lib]):
            warnings.warn(
                f"{what} was saved with {lib} {rec}, but {lib} {current[lib]} is installed. "
                f"Predictions may differ; install {lib}=={rec} or retrain with "
                "`breakthrough-nlp train`.",
                UserWarning,
                stacklevel=3,
            )


def _minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ModelLoadError(f"model file missing: {path}") from None
