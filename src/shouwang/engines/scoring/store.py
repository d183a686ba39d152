"""A trained model on disk: ``booster.txt`` (LightGBM's text format), ``model.json`` (format,
version, feature list, calibration with the additive model's weight, threshold, training
metrics), ``additive.json`` (the additive model, when the model has one) and, for graph models,
``known_labels.csv`` (the training labels that neighbour-label features read when scoring).

Format 1 directories (from before the additive model) load as booster-only models."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import lightgbm as lgb

from shouwang.engines.scoring.additive import AdditiveModel
from shouwang.engines.scoring.errors import ModelDirError
from shouwang.engines.scoring.features import FeatureSpec
from shouwang.engines.scoring.model import MODEL_FORMAT, TrainedModel

BOOSTER = "booster.txt"
META = "model.json"
KNOWN = "known_labels.csv"
ADDITIVE = "additive.json"
READABLE_FORMATS = (1, MODEL_FORMAT)


def save(model: TrainedModel, directory: str | Path) -> Path:
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    model.booster.save_model(str(target / BOOSTER))
    meta: dict[str, Any] = {
        "format": MODEL_FORMAT,
        "version": model.version,
        "trained_at": model.trained_at,
        "raw_features": list(model.spec.raw),
        "derived_features": model.spec.derived,
        "graph_features": model.spec.graph,
        "features": model.features,
        "calibration": {
            "slope": model.slope,
            "intercept": model.intercept,
            "additive_weight": model.additive_weight,
        },
        "additive": model.additive is not None,
        "threshold": model.threshold,
        "metrics": model.metrics,
    }
    (target / META).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    if model.additive is not None:
        (target / ADDITIVE).write_text(json.dumps(model.additive.to_json()) + "\n")
    if model.spec.graph:
        with (target / KNOWN).open("w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["phone_no_m", "label"])
            writer.writerows(sorted(model.known.items()))
    return target


def load(directory: str | Path) -> TrainedModel:
    source = Path(directory)
    for name in (META, BOOSTER):
        if not (source / name).is_file():
            raise ModelDirError("missing_file", str(source / name))
    try:
        meta = json.loads((source / META).read_text())
    except (OSError, ValueError) as exc:
        raise ModelDirError("unreadable", f"{source / META}: {exc}") from None
    if meta.get("format") not in READABLE_FORMATS:
        raise ModelDirError("unsupported_format", str(source / META))
    spec = FeatureSpec(
        tuple(meta["raw_features"]), bool(meta["derived_features"]), bool(meta["graph_features"])
    )
    known: dict[str, int] = {}
    if spec.graph:
        if not (source / KNOWN).is_file():
            raise ModelDirError("missing_file", str(source / KNOWN))
        with (source / KNOWN).open(newline="") as handle:
            known = {row["phone_no_m"]: int(row["label"]) for row in csv.DictReader(handle)}
    additive = _load_additive(source) if meta.get("additive") else None
    try:
        booster = lgb.Booster(model_file=str(source / BOOSTER))
    except lgb.basic.LightGBMError as exc:
        raise ModelDirError("unreadable", f"{source / BOOSTER}: {exc}") from None
    return TrainedModel(
        booster=booster,
        spec=spec,
        features=list(meta["features"]),
        slope=float(meta["calibration"]["slope"]),
        intercept=float(meta["calibration"]["intercept"]),
        threshold=float(meta["threshold"]),
        additive=additive,
        additive_weight=float(meta["calibration"].get("additive_weight", 0.0)),
        known=known,
        metrics=dict(meta["metrics"]),
        version=str(meta["version"]),
        trained_at=str(meta["trained_at"]),
    )


def _load_additive(source: Path) -> AdditiveModel:
    path = source / ADDITIVE
    if not path.is_file():
        raise ModelDirError("missing_file", str(path))
    try:
        return AdditiveModel.from_json(json.loads(path.read_text()))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelDirError("unreadable", f"{path}: {exc}") from None
