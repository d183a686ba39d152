"""Fraud-number detection (诈骗号码识别) and the early-warning rules engine (预警规则).

Model: ``read_features`` / ``read_graph`` load per-number features and the call graph;
``train`` fits LightGBM and an additive spline model, stacked and calibrated by one logistic
regression, with an F1 threshold (``save_model`` / ``load_model`` keep it in a directory);
``TrainedModel.score`` gives calibrated probabilities, flags and per-feature reasons;
``cross_validate`` compares it with a plain baseline on stratified folds.

Records: ``features_duckdb`` (and ``spark_records.features_spark``) turn raw call, SMS,
app-traffic and billing records into the same per-number features.

Rules: ``shouwang.engines.scoring.rules`` (rules as data, a streaming evaluator, backtests).
See docs/scoring.md.
"""

from shouwang.engines.scoring.cv import FoldResult, cross_validate, summary_table
from shouwang.engines.scoring.dataset import CallGraph, FeatureTable, read_features, read_graph
from shouwang.engines.scoring.errors import InputError, ModelDirError, ScoringError
from shouwang.engines.scoring.features import FeatureSpec
from shouwang.engines.scoring.model import Reason, Scores, TrainedModel, train
from shouwang.engines.scoring.records import FEATURE_COLUMNS, TABLES, features_duckdb
from shouwang.engines.scoring.store import load as load_model
from shouwang.engines.scoring.store import save as save_model

__all__ = [
    "FEATURE_COLUMNS",
    "TABLES",
    "CallGraph",
    "FeatureSpec",
    "FeatureTable",
    "FoldResult",
    "InputError",
    "ModelDirError",
    "Reason",
    "Scores",
    "ScoringError",
    "TrainedModel",
    "cross_validate",
    "features_duckdb",
    "load_model",
    "read_features",
    "read_graph",
    "save_model",
    "summary_table",
    "train",
]
