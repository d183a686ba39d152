"""Stratified k-fold cross-validation of the model next to a plain gradient-boosting baseline.

Each fold trains through ``model.train`` on the training folds only (its calibration, threshold
and neighbour-label features read only training labels) and scores the validation fold through
``TrainedModel.score``, the same path the ``score`` command takes. The baseline is LightGBM with
its default settings on the raw columns at threshold 0.5, on the same folds. The booster-only
variant is the model as it was before the additive model joined it (same features, same
booster, Platt scaling alone), so the gain of the stack shows on the same folds.
"""

from __future__ import annotations

from dataclasses import dataclass

import lightgbm as lgb
import numpy as np
from sklearn.model_selection import StratifiedKFold

from shouwang.engines.scoring.dataset import CallGraph, FeatureTable
from shouwang.engines.scoring.errors import InputError
from shouwang.engines.scoring.features import FeatureSpec
from shouwang.engines.scoring.metrics import Metrics, measure
from shouwang.engines.scoring.model import ROUNDS, train

BASELINE = "baseline: LightGBM defaults, raw columns, threshold 0.5"
BOOSTER_ONLY = "booster only (before): raw + derived"
WITHOUT_GRAPH = "model: raw + derived features"
WITH_GRAPH = "model: raw + derived + call graph"


@dataclass(frozen=True)
class Variant:
    name: str
    spec: FeatureSpec | None  # None: the plain baseline
    additive: bool = True


@dataclass(frozen=True)
class FoldResult:
    variant: str
    fold: int
    metrics: Metrics


def _baseline(train_rows: FeatureTable, held: FeatureTable, seed: int) -> np.ndarray:
    assert train_rows.labels is not None
    plain = lgb.LGBMClassifier(random_state=seed, n_jobs=1, verbose=-1)
    plain.fit(train_rows.values, train_rows.labels)
    probabilities = np.asarray(plain.predict_proba(held.values))
    return probabilities[:, 1]


def cross_validate(
    table: FeatureTable,
    graph: CallGraph | None = None,
    *,
    folds: int = 5,
    seed: int = 0,
    inner_folds: int = 5,
    rounds: int = ROUNDS,
) -> list[FoldResult]:
    """Every variant on the same ``folds`` stratified folds; the graph variant only with a graph."""
    if table.labels is None:
        raise InputError("missing_column", column="label")
    y = table.labels
    without_graph = FeatureSpec(table.columns, derived=True, graph=False)
    variants = [
        Variant(BASELINE, None),
        Variant(BOOSTER_ONLY, without_graph, additive=False),
        Variant(WITHOUT_GRAPH, without_graph),
    ]
    if graph is not None:
        variants.append(Variant(WITH_GRAPH, FeatureSpec(table.columns, derived=True, graph=True)))
    results: list[FoldResult] = []
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for fold, (train_idx, held_idx) in enumerate(splitter.split(table.values, y), start=1):
        fitting, held = table.select(train_idx), table.select(held_idx)
        assert held.labels is not None
        for variant in variants:
            if variant.spec is None:
                probability, threshold = _baseline(fitting, held, seed), 0.5
            else:
                model = train(
                    fitting,
                    graph,
                    spec=variant.spec,
                    inner_folds=inner_folds,
                    seed=seed,
                    rounds=rounds,
                    additive=variant.additive,
                )
                scores = model.score(held, graph, explain=False)
                probability, threshold = scores.probability, model.threshold
            metrics = measure(held.labels, probability, threshold)
            results.append(FoldResult(variant.name, fold, metrics))
    return results


PAIRS = ((WITHOUT_GRAPH, BOOSTER_ONLY), (WITHOUT_GRAPH, BASELINE), (WITH_GRAPH, WITHOUT_GRAPH))


def summary_table(results: list[FoldResult]) -> str:
    """Per-fold rows and a mean ± sd line per variant, then the paired gains of ``PAIRS``."""
    lines = [
        f"{'variant':46} {'fold':>4} {'AUC':>7} {'F1':>7} {'prec':>7} {'recall':>7} {'thr':>5}"
    ]
    variants = list(dict.fromkeys(r.variant for r in results))
    for variant in variants:
        rows = [r for r in results if r.variant == variant]
        for r in rows:
            m = r.metrics
            lines.append(
                f"{variant:46} {r.fold:>4} {m.auc:7.4f} {m.f1:7.4f} {m.precision:7.4f} "
                f"{m.recall:7.4f} {m.threshold:5.2f}"
            )
        lines.append(f"{variant:46} mean ± sd over {len(rows)} folds: " + _spread(rows))
    present = set(variants)
    lines += [paired_gain(results, a, b) for a, b in PAIRS if {a, b} <= present]
    return "\n".join(lines)


def paired_gain(results: list[FoldResult], variant: str, reference: str) -> str:
    """``variant`` minus ``reference`` fold by fold (same folds, so the fold-to-fold spread of
    the data cancels): mean ± sd of the AUC and F1 differences, and on how many folds AUC rose."""
    by_fold = {(r.variant, r.fold): r.metrics for r in results}
    folds = sorted(f for v, f in by_fold if v == variant and (reference, f) in by_fold)
    auc = np.array([by_fold[variant, f].auc - by_fold[reference, f].auc for f in folds])
    f1 = np.array([by_fold[variant, f].f1 - by_fold[reference, f].f1 for f in folds])
    return (
        f"{variant} minus {reference}, paired by fold: AUC {auc.mean():+.4f} ± "
        f"{auc.std(ddof=1):.4f} (higher on {int((auc > 0).sum())} of {len(folds)} folds), "
        f"F1 {f1.mean():+.4f} ± {f1.std(ddof=1):.4f}"
    )


def _spread(rows: list[FoldResult]) -> str:
    parts = []
    for label, key in (
        ("AUC", "auc"),
        ("F1", "f1"),
        ("precision", "precision"),
        ("recall", "recall"),
    ):
        values = np.array([getattr(r.metrics, key) for r in rows])
        parts.append(f"{label} {values.mean():.4f} ± {values.std(ddof=1):.4f}")
    return ", ".join(parts)
