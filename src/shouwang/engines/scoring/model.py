"""Training and scoring the fraud-number model: LightGBM and an additive model, stacked and
calibrated by one logistic regression, with an F1 threshold.

Training (``train``) fits on the rows it is given and nothing else:
1. features from ``FeatureSpec`` (neighbour-label features read only these rows' labels);
2. out-of-fold scores of both models over the same rows (``inner_folds`` stratified folds); a
   logistic regression on them gives ``p = sigmoid(w_b * booster + w_a * additive + c)``, which
   is the calibration and the stack in one, and the threshold that maximises the fraud class's
   F1 on those out-of-fold probabilities;
3. both models refitted on all rows.

The raw log-odds are ``booster + additive_weight * additive`` with ``additive_weight = w_a / w_b``
(booster units), so the calibration keeps its old form ``p = sigmoid(slope * raw + intercept)``
with ``slope = w_b``. With ``additive=False`` (or if the stack gives either model a weight that
is not positive) the additive model is left out and this is plain Platt scaling of the booster.

Reasons: LightGBM's ``pred_contrib`` gives per-feature SHAP values in the booster's log-odds; the
additive model's terms are its exact per-feature contributions. Per feature, the booster's value
plus ``additive_weight`` times the additive term, with the two biases likewise, sum to the raw
log-odds exactly. Calibration is one increasing linear map of the raw log-odds, so each reason's
share of the calibrated log-odds is its contribution times ``slope``, and the order of reasons is
the same on both scales.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import lightgbm as lgb
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from shouwang.engines.scoring.additive import AdditiveModel, fit_additive
from shouwang.engines.scoring.dataset import CallGraph, FeatureTable
from shouwang.engines.scoring.errors import InputError
from shouwang.engines.scoring.features import FeatureSpec
from shouwang.engines.scoring.metrics import Metrics, best_f1_threshold, measure

# 2: the additive model and its weight; format 1 directories (booster only) still load.
MODEL_FORMAT = 2

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

    def as_json(self) -> dict[str, float | str | None]:
        """For a JSON file: a missing value (NaN, which JSON cannot hold) is null."""
        value = self.value if math.isfinite(self.value) else None
        return {
            "feature": self.feature,
            "value": value,
            "contribution": self.contribution,
            "calibrated": self.calibrated,
        }


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
    """A booster and (optionally) an additive model, with the weight that combines them, their
    calibration, threshold, feature spec, and the labels the features may read."""

    booster: Any
    spec: FeatureSpec
    features: list[str]
    slope: float
    intercept: float
    threshold: float
    additive: AdditiveModel | None = None
    additive_weight: float = 0.0
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

    def raw_log_odds(self, x: np.ndarray) -> np.ndarray:
        """The uncalibrated score of feature rows ``x`` (from ``matrix``): what ``calibrate``
        takes. Online scoring of one number is ``calibrate(raw_log_odds(row))``."""
        booster = np.asarray(self.booster.predict(x, raw_score=True, num_threads=1))
        if self.additive is None:
            return booster
        return np.asarray(booster + self.additive_weight * self.additive.log_odds(x))

    def _contributions(self, x: np.ndarray) -> np.ndarray:
        shap = np.asarray(self.booster.predict(x, pred_contrib=True, num_threads=1))
        if self.additive is None:
            return shap
        terms = self.additive.terms(x)
        bias = np.full((len(x), 1), self.additive.bias)
        return np.asarray(shap + self.additive_weight * np.hstack([terms, bias]))

    def score(
        self, table: FeatureTable, graph: CallGraph | None = None, *, explain: bool = True
    ) -> Scores:
        if self.spec.graph and graph is None:
            raise InputError("needs_graph")
        x = self.matrix(table, graph)
        log_odds = self.raw_log_odds(x)
        contributions = (
            self._contributions(x) if explain else np.zeros((len(x), len(self.features) + 1))
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


def _base_scores(
    x_fit: np.ndarray,
    y_fit: np.ndarray,
    x_score: np.ndarray,
    names: list[str],
    rounds: int,
    additive: bool,
) -> np.ndarray:
    """Raw scores of ``x_score`` from models fitted on the ``fit`` rows: one column per model."""
    columns = [fit_booster(x_fit, y_fit, names, rounds).predict(x_score, raw_score=True)]
    if additive:
        columns.append(fit_additive(x_fit, y_fit).log_odds(x_score))
    return np.column_stack(columns)


def _oof_scores(
    x: np.ndarray,
    y: np.ndarray,
    names: list[str],
    *,
    folds: int,
    seed: int,
    rounds: int,
    additive: bool,
) -> np.ndarray:
    out = np.zeros((len(y), 2 if additive else 1))
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for fit_rows, held_rows in splitter.split(x, y):
        fit_x, fit_y = x[fit_rows], y[fit_rows]
        out[held_rows] = _base_scores(fit_x, fit_y, x[held_rows], names, rounds, additive)
    return out


def _fit_stack(scores: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Weights and intercept of the logistic regression on the models' out-of-fold scores; with
    one column this is Platt scaling. ``C`` is large: two or three parameters on thousands of
    rows need no penalty."""
    stack = LogisticRegression(C=1e6).fit(scores, y)
    return np.asarray(stack.coef_[0]), float(stack.intercept_[0])


def _version(booster: Any, additive: AdditiveModel | None) -> str:
    text = booster.model_to_string() + ("" if additive is None else repr(additive.to_json()))
    return f"{datetime.now(UTC):%Y%m%d}-{hashlib.sha256(text.encode()).hexdigest()[:10]}"


def train(
    table: FeatureTable,
    graph: CallGraph | None = None,
    *,
    spec: FeatureSpec | None = None,
    inner_folds: int = 5,
    seed: int = 0,
    rounds: int = ROUNDS,
    additive: bool = True,
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
    oof = _oof_scores(x, y, names, folds=inner_folds, seed=seed, rounds=rounds, additive=additive)
    weights, intercept = _fit_stack(oof, y)
    if additive and not (weights > 0).all():
        # a model the stack weighs against would break the reasons' order: booster alone
        oof = oof[:, :1]
        weights, intercept = _fit_stack(oof, y)
    calibrated = _sigmoid(oof @ weights + intercept)
    threshold = best_f1_threshold(y, calibrated)
    held_out: Metrics = measure(y, calibrated, threshold)
    booster = fit_booster(x, y, names, rounds)
    final_additive = fit_additive(x, y) if len(weights) == 2 else None
    return TrainedModel(
        booster=booster,
        spec=spec,
        features=names,
        slope=float(weights[0]),
        intercept=intercept,
        threshold=threshold,
        additive=final_additive,
        additive_weight=float(weights[1] / weights[0]) if final_additive is not None else 0.0,
        known=known,
        metrics={
            "rows": len(y),
            "fraud_rows": int(y.sum()),
            "inner_folds": inner_folds,
            "stack_weights": [round(float(w), 6) for w in weights],
            "out_of_fold": held_out.as_dict(),
        },
        version=_version(booster, final_additive),
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
