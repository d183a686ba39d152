"""Training and scoring the fraud-number model: LightGBM, Platt calibration, an F1 threshold.

Training (``train``) fits on the rows it is given and nothing else:
1. features from ``FeatureSpec`` (neighbour-label features read only these rows' labels);
2. out-of-fold raw scores over the same rows (``inner_folds`` stratified folds) to fit the
   calibration ``p = sigmoid(slope * log_odds + intercept)`` and pick the threshold that maximises
   the fraud class's F1 on those out-of-fold probabilities;
3. the final booster on all rows.

Reasons: LightGBM's ``pred_contrib`` gives per-feature SHAP values in the booster's log-odds; they
plus the bias sum to the raw log-odds exactly. Calibration is one increasing linear map of the
log-odds, so the calibrated log-odds are ``slope * (bias + sum(contributions)) + intercept``:
each reason's share of the calibrated log-odds is its contribution times ``slope``, and the
order of reasons is the same on both scales.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import lightgbm as lgb
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from shouwang.engines.scoring.dataset import CallGraph, FeatureTable
from shouwang.engines.scoring.errors import InputError
from shouwang.engines.scoring.features import FeatureSpec
from shouwang.engines.scoring.metrics import Metrics, best_f1_threshold, measure

MODEL_FORMAT = 1

# Chosen on dev.csv cross-validation (docs/scoring.md); small trees and a slow rate generalise
# better than LightGBM's defaults on 4,000 rows.
PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.03,
    "num_leaves": 31,
    "min_data_in_leaf": 20,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "feature_fraction": 0.7,
    "num_threads": 1,
    "verbosity": -1,
    "deterministic": True,
    "seed": 7,
}
ROUNDS = 400


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)))


def fit_booster(x: np.ndarray, y: np.ndarray, names: list[str], rounds: int = ROUNDS) -> Any:
    data = lgb.Dataset(x, label=y, feature_name=names, free_raw_data=True)
    return lgb.train(PARAMS, data, num_boost_round=rounds)


@dataclass(frozen=True)
class Reason:
    """One feature's push on a score: ``contribution`` in the booster's log-odds (positive means
    towards fraud), ``calibrated`` the same on the calibrated log-odds scale."""

    feature: str
    value: float
    contribution: float
    calibrated: float


@dataclass(frozen=True)
class Scores:
    """Scores of ``ids``: calibrated ``probability``, ``flagged`` at the model's threshold,
    the raw ``log_odds``, and per-feature ``contributions`` with the ``bias`` column last."""

    ids: tuple[str, ...]
    probability: np.ndarray
    flagged: np.ndarray
    log_odds: np.ndarray
    features: tuple[str, ...]
    values: np.ndarray
    contributions: np.ndarray
    slope: float

    def reasons(self, row: int, top: int = 5) -> list[Reason]:
        """The ``top`` features that pushed this number's score up the most (fraud side)."""
        pushes = self.contributions[row, :-1]
        order = np.argsort(-pushes)[:top]
        return [
            Reason(
                self.features[j],
                float(self.values[row, j]),
                float(pushes[j]),
                float(pushes[j] * self.slope),
            )
            for j in order
            if pushes[j] > 0
        ]


@dataclass
class TrainedModel:
    """A booster with its calibration, threshold, feature spec, and the labels it may read."""

    booster: Any
    spec: FeatureSpec
    features: list[str]
    slope: float
    intercept: float
    threshold: float
    known: dict[str, int] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    version: str = ""
    trained_at: str = ""

    def matrix(self, table: FeatureTable, graph: CallGraph | None) -> np.ndarray:
        names, x = self.spec.build(table, graph, self.known)
        if names != self.features:
            raise ValueError("feature names differ from the model's")
        return x

    def calibrate(self, log_odds: np.ndarray) -> np.ndarray:
        return _sigmoid(self.slope * log_odds + self.intercept)

    def score(
        self, table: FeatureTable, graph: CallGraph | None = None, *, explain: bool = True
    ) -> Scores:
        if self.spec.graph and graph is None:
            raise InputError("needs_graph")
        x = self.matrix(table, graph)
        log_odds = np.asarray(self.booster.predict(x, raw_score=True))
        contributions = (
            np.asarray(self.booster.predict(x, pred_contrib=True))
            if explain
            else np.zeros((len(x), len(self.features) + 1))
        )
        probability = self.calibrate(log_odds)
        return Scores(
            table.ids,
            probability,
            probability >= self.threshold,
            log_odds,
            tuple(self.features),
            x,
            contributions,
            self.slope,
        )


def _oof_log_odds(
    x: np.ndarray, y: np.ndarray, names: list[str], folds: int, seed: int, rounds: int
) -> np.ndarray:
    out = np.zeros(len(y))
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for fit_rows, held_rows in splitter.split(x, y):
        booster = fit_booster(x[fit_rows], y[fit_rows], names, rounds)
        out[held_rows] = booster.predict(x[held_rows], raw_score=True)
    return out


def _fit_calibration(log_odds: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    platt = LogisticRegression(C=1e6).fit(log_odds.reshape(-1, 1), y)
    return float(platt.coef_[0, 0]), float(platt.intercept_[0])


def train(
    table: FeatureTable,
    graph: CallGraph | None = None,
    *,
    spec: FeatureSpec | None = None,
    inner_folds: int = 5,
    seed: int = 0,
    rounds: int = ROUNDS,
) -> TrainedModel:
    """Fit a model on ``table``'s labelled rows; see the module docstring for the steps."""
    if table.labels is None:
        raise InputError("missing_column", column="label")
    y = table.labels.astype(np.int64)
    if len(np.unique(y)) < 2 or min(np.bincount(y)) < inner_folds:
        raise InputError("single_class", column="label")
    spec = spec or FeatureSpec(table.columns, derived=True, graph=graph is not None)
    known = dict(zip(table.ids, (int(v) for v in y), strict=True)) if spec.graph else {}
    names, x = spec.build(table, graph, known)
    oof = _oof_log_odds(x, y, names, inner_folds, seed, rounds)
    slope, intercept = _fit_calibration(oof, y)
    calibrated = _sigmoid(slope * oof + intercept)
    threshold = best_f1_threshold(y, calibrated)
    held_out: Metrics = measure(y, calibrated, threshold)
    booster = fit_booster(x, y, names, rounds)
    text = booster.model_to_string()
    digest = hashlib.sha256(text.encode()).hexdigest()[:10]
    now = datetime.now(UTC)
    return TrainedModel(
        booster=booster,
        spec=spec,
        features=names,
        slope=slope,
        intercept=intercept,
        threshold=threshold,
        known=known,
        metrics={
            "rows": len(y),
            "fraud_rows": int(y.sum()),
            "inner_folds": inner_folds,
            "out_of_fold": held_out.as_dict(),
        },
        version=f"{now:%Y%m%d}-{digest}",
        trained_at=now.isoformat(timespec="seconds"),
    )
