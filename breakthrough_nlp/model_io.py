"""Safe persistence for the scikit-learn parts of the pipeline.

Pickle and joblib files run arbitrary code when loaded, and skops (the usual
safe alternative) takes seconds to import. The estimators here are stored in a
format that cannot execute code: a NumPy ``.npz`` archive (read with
``allow_pickle=False``) holding every array, plus a JSON tree of the objects'
state. Loading rebuilds only classes on an allow-list (:data:`TRUSTED_TYPES`) by
setting their state; any other class is refused unless the caller passes
``trusted=True``. Every file is recorded with its SHA-256 and the library
versions that wrote it: a changed file is refused, a version mismatch warns.
"""

from __future__ import annotations

import contextvars
import hashlib
import importlib
import io
import json
import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = "breakthrough-nlp-estimator/1"

_TRUST: contextvars.ContextVar[bool] = contextvars.ContextVar("breakthrough_nlp_trust", default=False)


@contextmanager
def trusting(trusted: bool) -> Iterator[None]:
    """Trust the model files loaded inside the block.

    Set by ``breakthrough_nlp.load(trusted=True)``, which is the only way to
    grant trust: a setting in the model folder's own config could let a
    tampered folder switch off the checks that are meant to catch it.
    """
    token = _TRUST.set(bool(trusted))
    try:
        yield
    finally:
        _TRUST.reset(token)


def warn_config_trust(trusted: bool, name: str) -> None:
    """The components' ``trusted`` config setting is kept so that saved configs load, but ignored."""
    if trusted:
        warnings.warn(f"component '{name}': 'trusted' in the config is ignored; trust model files with "
                      "breakthrough_nlp.load(path, trusted=True)", UserWarning, stacklevel=3)


def caller_trusts() -> bool:
    """Whether the caller loading a model now granted trust (see :func:`trusting`)."""
    return _TRUST.get()

# Every class the shipped estimators are built from. Anything else in a file is refused.
TRUSTED_TYPES: frozenset[str] = frozenset({
    "breakthrough_nlp.features.TokenFeatures",
    "breakthrough_nlp.features.BoundaryFeatures",
    "breakthrough_nlp.features.JoinFeatures",
    "breakthrough_nlp.features.SpanEvidence",
    "breakthrough_nlp.features.EntryWords",
    "breakthrough_nlp.features.EntryContextFeatures",
    "breakthrough_nlp.estimators.BoostedTreesClassifier",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.multioutput.MultiOutputClassifier",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.pipeline.Pipeline",
})


class ModelLoadError(RuntimeError):
    """A model file could not be loaded safely; the message says why and what to do."""


def library_versions() -> dict[str, str]:
    import scipy
    import sklearn
    import spacy

    from . import __version__

    return {
        "breakthrough_nlp": __version__,
        "spacy": spacy.__version__,
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
    }


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------- encoding
class _Encoder:
    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}

    def encode(self, value: Any) -> Any:
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float):
            return value if math.isfinite(value) else {"$float": repr(value)}
        if isinstance(value, np.generic):
            return {"$scalar": value.dtype.str, "v": self.encode(value.item())}
        if isinstance(value, np.ndarray):
            if value.dtype.hasobject:
                raise TypeError("object arrays cannot be stored safely")
            key = f"a{len(self.arrays)}"
            self.arrays[key] = value
            return {"$array": key}
        if isinstance(value, tuple):
            return {"$tuple": [self.encode(v) for v in value]}
        if isinstance(value, list):
            return [self.encode(v) for v in value]
        if isinstance(value, dict):
            if not all(isinstance(k, str) for k in value):
                raise TypeError(f"dict keys must be strings, got {[type(k).__name__ for k in value]}")
            return {"$dict": {k: self.encode(v) for k, v in value.items()}}
        cls = type(value)
        path = f"{cls.__module__}.{cls.__qualname__}"
        state = value.__getstate__() if hasattr(value, "__getstate__") else value.__dict__
        if state is None:
            state = {}
        if not isinstance(state, dict):
            raise TypeError(f"cannot store {path}: its state is not a dict")
        return {"$object": path, "state": self.encode(state)}


def dumps(estimator: Any) -> tuple[bytes, str]:
    """Serialize an estimator; return the bytes and their SHA-256."""
    enc = _Encoder()
    tree = enc.encode(estimator)
    header = json.dumps({"format": FORMAT, "tree": tree}, sort_keys=True)
    buf = io.BytesIO()
    np.savez_compressed(buf, __tree__=np.array(header), **enc.arrays)  # type: ignore[arg-type]
    data = buf.getvalue()
    return data, sha256_bytes(data)


# ------------------------------------------------------------------- decoding
def _find_types(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        if "$object" in node:
            found.add(node["$object"])
        for v in node.values():
            _find_types(v, found)
    elif isinstance(node, list):
        for v in node:
            _find_types(v, found)


def _class(path: str) -> type:
    module, _, name = path.rpartition(".")
    obj: Any = importlib.import_module(module)
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def _fill_new_params(obj: Any) -> None:
    """Give an estimator the constructor parameters its saved state lacks, at their defaults.

    A parameter added or dropped between scikit-learn versions would otherwise make the
    first prediction fail (``LogisticRegression.multi_class`` exists up to 1.7 and not
    after, so a model saved with 1.8+ broke on 1.7, the last release for Python 3.10).
    """
    get_names = getattr(type(obj), "_get_param_names", None)
    if get_names is None or not isinstance(getattr(obj, "__dict__", None), dict):
        return
    import inspect

    params = inspect.signature(type(obj).__init__).parameters
    for name in get_names():
        if name not in obj.__dict__ and name in params and params[name].default is not inspect.Parameter.empty:
            obj.__dict__[name] = params[name].default


class _Decoder:
    def __init__(self, arrays: Any) -> None:
        self.arrays = arrays

    def decode(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self.decode(v) for v in node]
        if not isinstance(node, dict):
            return node
        if "$array" in node:
            return self.arrays[node["$array"]]
        if "$float" in node:
            return float(node["$float"])
        if "$scalar" in node:
            return np.dtype(node["$scalar"]).type(self.decode(node["v"]))
        if "$tuple" in node:
            return tuple(self.decode(v) for v in node["$tuple"])
        if "$dict" in node:
            return {k: self.decode(v) for k, v in node["$dict"].items()}
        if "$object" in node:
            cls: Any = _class(node["$object"])
            obj = cls.__new__(cls)
            state = self.decode(node["state"])
            if hasattr(obj, "__setstate__"):
                obj.__setstate__(state)
            else:
                obj.__dict__.update(state)
            _fill_new_params(obj)
            return obj
        raise ModelLoadError(f"unreadable model file: unknown node {sorted(node)}")


def loads(data: bytes, *, expected_sha256: str | None, trusted: bool = False, what: str = "model") -> Any:
    """Rebuild an estimator written by :func:`dumps`, refusing anything unsafe."""
    digest = sha256_bytes(data)
    if expected_sha256 is not None and digest != expected_sha256 and not trusted:
        raise ModelLoadError(
            f"{what}: checksum mismatch (expected {expected_sha256[:12]}…, got {digest[:12]}…). "
            "The file was changed after the model was saved. Retrain it, or load with trusted=True "
            "if you know where it came from."
        )
    try:
        archive = np.load(io.BytesIO(data), allow_pickle=False)
        header = json.loads(str(archive["__tree__"]))
    except (ValueError, KeyError, OSError) as e:
        raise ModelLoadError(f"{what}: not a breakthrough-nlp model file ({e})") from None
    if header.get("format") != FORMAT:
        raise ModelLoadError(f"{what}: unsupported model file format {header.get('format')!r}; expected {FORMAT}")
    types: set[str] = set()
    _find_types(header["tree"], types)
    extra = sorted(types - TRUSTED_TYPES)
    if extra and not trusted:
        raise ModelLoadError(
            f"{what}: the file needs types this package does not trust: {', '.join(extra)}. "
            "Load with trusted=True only if you trust the file's author."
        )
    arrays = {k: archive[k] for k in archive.files if k != "__tree__"}
    return _Decoder(arrays).decode(header["tree"])


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
