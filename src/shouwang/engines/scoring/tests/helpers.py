"""Shared helpers of the scoring tests: where the data is, and small slices of it."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import polars as pl

from shouwang.engines.scoring.dataset import CallGraph, FeatureTable, read_features, read_graph


def data_dir() -> Path:
    if os.environ.get("SHOUWANG_DATA_DIR"):
        return Path(os.environ["SHOUWANG_DATA_DIR"])
    return Path(__file__).resolve().parents[5] / ".." / "shared" / "data"


def fraud_dir() -> Path:
    return data_dir() / "sichuan_fraud"


def dev_slice(path: Path, rows: int = 500, seed: int = 3) -> Path:
    """A stratified-enough random slice of dev.csv written to ``path``."""
    frame = pl.read_csv(fraud_dir() / "dev.csv", infer_schema_length=10000)
    frame.sample(rows, seed=seed).write_csv(path)
    return path


def slice_table(rows: int = 500, seed: int = 3) -> FeatureTable:
    table = read_features(fraud_dir() / "dev.csv")
    picked = np.random.default_rng(seed).choice(len(table.ids), rows, replace=False)
    return table.select(np.sort(picked))


def graph() -> CallGraph:
    return read_graph(fraud_dir() / "node_adj_sparse.npz", fraud_dir() / "node_order.csv")
