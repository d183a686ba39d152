"""Classification figures for the fraud class, and the threshold that maximises its F1."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score

THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.01), 2)


@dataclass(frozen=True)
class Metrics:
    auc: float
    f1: float
    precision: float
    recall: float
    threshold: float

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 6) for k, v in asdict(self).items()}


def measure(y: np.ndarray, probability: np.ndarray, threshold: float) -> Metrics:
    predicted = probability >= threshold
    return Metrics(
        auc=float(roc_auc_score(y, probability)),
        f1=float(f1_score(y, predicted, zero_division=0)),
        precision=float(precision_score(y, predicted, zero_division=0)),
        recall=float(recall_score(y, predicted, zero_division=0)),
        threshold=float(threshold),
    )


def best_f1_threshold(y: np.ndarray, probability: np.ndarray) -> float:
    """The grid threshold with the best fraud-class F1; ties go to the lowest threshold."""
    scores = [f1_score(y, probability >= t, zero_division=0) for t in THRESHOLDS]
    return float(THRESHOLDS[int(np.argmax(scores))])
