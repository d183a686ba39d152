"""Stratified 5-fold cross-validation of the fraud-number model on dev.csv, next to a plain
gradient-boosting baseline and the booster-only model of before, on the same folds:
`.venv/bin/python bench/cv_scoring.py`. The last lines give the gains paired by fold.

Same computation as `shouwang antifraud cv --features dev.csv --graph ... --nodes ...`; the
output is what bench/results/scoring_cv.txt keeps.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

from shouwang.engines.scoring import cross_validate, read_features, read_graph, summary_table


def data_dir() -> Path:
    if os.environ.get("SHOUWANG_DATA_DIR"):
        return Path(os.environ["SHOUWANG_DATA_DIR"])
    return Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    fraud = data_dir() / "sichuan_fraud"
    table = read_features(fraud / "dev.csv", labels=True)
    graph = read_graph(fraud / "node_adj_sparse.npz", fraud / "node_order.csv")
    assert table.labels is not None
    print(
        f"dev.csv: {len(table.ids)} numbers, {int(table.labels.sum())} fraud, "
        f"{len(table.columns)} raw columns; graph {graph.adjacency.shape[0]} nodes, "
        f"{graph.adjacency.nnz // 2} edges"
    )
    print(
        f"{args.folds}-fold stratified CV, seed {args.seed}; {platform.processor() or '?'}, "
        f"{os.cpu_count()} cores (shared with other work while measured)"
    )
    started = time.perf_counter()
    results = cross_validate(table, graph, folds=args.folds, seed=args.seed)
    print(summary_table(results))
    print(f"wall time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
