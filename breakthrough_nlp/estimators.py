"""A scikit-learn classifier the library needs that scikit-learn does not store safely.

:class:`BoostedTreesClassifier` is gradient boosting over a handful of dense
features. It is fit with scikit-learn's ``HistGradientBoostingClassifier`` and
then keeps only what prediction needs (per tree: split feature, threshold,
children and leaf values) as plain NumPy arrays. That is what lets it be saved
in the library's no-pickle model format (:mod:`breakthrough_nlp.model_io`),
which ``HistGradientBoostingClassifier`` itself (random generators, Cython loss
objects) cannot be, and it predicts with a few vectorized NumPy steps.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from threadpoolctl import threadpool_limits
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_array, check_is_fitted, check_X_y


class BoostedTreesClassifier(ClassifierMixin, BaseEstimator):
    """Binary gradient-boosted trees stored as arrays.

    Parameters mirror ``HistGradientBoostingClassifier``'s; early stopping is
    off so a fit is deterministic for a given ``random_state``.
    """

    def __init__(
        self,
        learning_rate: float = 0.05,
        max_iter: int = 200,
        max_depth: int = 3,
        min_samples_leaf: int = 20,
        l2_regularization: float = 0.0,
        random_state: int | None = 0,
    ) -> None:
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.random_state = random_state

    def fit(self, X, y, sample_weight=None) -> "BoostedTreesClassifier":
        from sklearn.ensemble import HistGradientBoostingClassifier

        X, y = check_X_y(X, y, dtype=np.float64, ensure_all_finite="allow-nan")
        if type_of_target(y) != "binary":
            raise ValueError(f"BoostedTreesClassifier is binary; got target type {type_of_target(y)!r}")
        self.classes_, y01 = np.unique(y, return_inverse=True)
        gb = HistGradientBoostingClassifier(
            learning_rate=self.learning_rate,
            max_iter=self.max_iter,
            max_depth=self.max_depth,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=self.l2_regularization,
            early_stopping=False,
            random_state=self.random_state,
        )
        # One OpenMP thread: on a few thousand rows threads gain little, and when
        # several trainings share the cores (cross-validation jobs, a lab's
        # cluster) spinning OpenMP threads slowed each fit more than tenfold here.
        with threadpool_limits(limits=1, user_api="openmp"):
            gb.fit(X, y01, sample_weight=sample_weight)
        trees = [stage[0].nodes for stage in gb._predictors]
        width = max(len(t) for t in trees)
        shape = (len(trees), width)
        self.feature_ = np.zeros(shape, dtype=np.int64)
        self.threshold_ = np.zeros(shape, dtype=np.float64)
        self.left_ = np.zeros(shape, dtype=np.int64)
        self.right_ = np.zeros(shape, dtype=np.int64)
        self.is_leaf_ = np.ones(shape, dtype=bool)  # padding: unreachable leaves worth 0
        self.missing_left_ = np.zeros(shape, dtype=bool)
        self.value_ = np.zeros(shape, dtype=np.float64)
        for i, nodes in enumerate(trees):
            n = len(nodes)
            if nodes["is_categorical"].any():
                raise ValueError("categorical splits are not supported")
            self.feature_[i, :n] = nodes["feature_idx"]
            self.threshold_[i, :n] = nodes["num_threshold"]
            self.left_[i, :n] = nodes["left"]
            self.right_[i, :n] = nodes["right"]
            self.is_leaf_[i, :n] = nodes["is_leaf"].astype(bool)
            self.missing_left_[i, :n] = nodes["missing_go_to_left"].astype(bool)
            self.value_[i, :n] = nodes["value"]
        self.depth_ = int(max(int(t["depth"].max()) for t in trees))
        self.baseline_ = float(np.ravel(gb._baseline_prediction)[0])
        self.n_features_in_ = X.shape[1]
        return self

    def decision_function(self, X) -> np.ndarray:
        """Log-odds of the second class."""
        check_is_fitted(self, "value_")
        X = check_array(X, dtype=np.float64, ensure_all_finite="allow-nan")
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features; the model was fit with {self.n_features_in_}")
        n_trees = self.value_.shape[0]
        trees = np.arange(n_trees)[None, :]
        rows = np.arange(len(X))[:, None]
        node = np.zeros((len(X), n_trees), dtype=np.int64)
        for _ in range(self.depth_):
            x = X[rows, self.feature_[trees, node]]
            go_left = np.where(np.isnan(x), self.missing_left_[trees, node], x <= self.threshold_[trees, node])
            child = np.where(go_left, self.left_[trees, node], self.right_[trees, node])
            node = np.where(self.is_leaf_[trees, node], node, child)
        return self.baseline_ + self.value_[trees, node].sum(axis=1)

    def predict_proba(self, X) -> np.ndarray:
        p = expit(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X) -> np.ndarray:
        return self.classes_[(self.decision_function(X) > 0).astype(np.int64)]
