"""Reading per-number feature tables and the call graph, with errors that say where.

A feature table is a CSV with one row per phone number: ``phone_no_m`` (the number's
pseudonymous id), numeric feature columns, and optionally ``label`` (1 fraud, 0 not). The call
graph is a scipy CSR matrix saved as its parts (``indptr``, ``indices``, ``data``, ``shape``) with
row i belonging to node i of a ``node,phone_no_m`` CSV.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import scipy.sparse as sp

from shouwang.engines.scoring.errors import InputError

ID_COLUMN = "phone_no_m"
LABEL_COLUMN = "label"


@dataclass(frozen=True)
class FeatureTable:
    """Numbers (``ids``) by ``columns``; missing values are NaN; ``labels`` only when known."""

    ids: tuple[str, ...]
    columns: tuple[str, ...]
    values: np.ndarray
    labels: np.ndarray | None = None

    def select(self, rows: np.ndarray) -> FeatureTable:
        labels = None if self.labels is None else self.labels[rows]
        return FeatureTable(
            tuple(self.ids[i] for i in rows), self.columns, self.values[rows], labels
        )

    def column(self, name: str) -> np.ndarray:
        return self.values[:, self.columns.index(name)]


@dataclass(frozen=True)
class CallGraph:
    """Undirected call graph: ``adjacency`` is symmetric 0/1; ``index`` maps a number to its row."""

    adjacency: sp.csr_matrix
    index: dict[str, int]

    def rows_of(self, ids: Sequence[str]) -> np.ndarray:
        """Graph rows of ``ids``; -1 for a number the graph does not hold (scored as isolated)."""
        return np.array([self.index.get(i, -1) for i in ids], dtype=np.int64)


def _read_strings(path: Path) -> pl.DataFrame:
    if not path.is_file():
        raise InputError("unreadable", file=str(path), value="not a file")
    try:
        return pl.read_csv(path, infer_schema=False)
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError) as exc:
        raise InputError("unreadable", file=str(path), value=str(exc)[:200]) from None


def _numeric(frame: pl.DataFrame, name: str, file: str) -> np.ndarray:
    text = frame[name].str.strip_chars()
    parsed = text.cast(pl.Float64, strict=False)
    bad = parsed.is_null() & text.is_not_null() & (text != "")
    if bad.any():
        row = int(bad.arg_true()[0])
        raise InputError("bad_value", file=file, row=row + 1, column=name, value=text[row])
    return parsed.to_numpy().astype(np.float64)


def read_features(
    path: str | Path, *, columns: Sequence[str] | None = None, labels: bool | None = None
) -> FeatureTable:
    """Read a feature CSV.

    ``columns``: the feature columns to take, in that order (a model's list); every one must be
    present. Without it, every column but the id and the label. ``labels``: True requires the
    label column, False ignores it, None takes it when present.
    """
    file = Path(path)
    frame = _read_strings(file)
    name = str(file)
    if frame.height == 0:
        raise InputError("empty", file=name)
    if ID_COLUMN not in frame.columns:
        raise InputError("missing_column", file=name, column=ID_COLUMN)
    ids = frame[ID_COLUMN].str.strip_chars()
    blank = ids.is_null() | (ids == "")
    if blank.any():
        raise InputError("bad_value", file=name, row=int(blank.arg_true()[0]) + 1, column=ID_COLUMN)
    duplicated = ids.is_duplicated()
    if duplicated.any():
        row = int(duplicated.arg_true()[1])
        raise InputError("duplicate_id", file=name, row=row + 1, column=ID_COLUMN, value=ids[row])
    wanted = (
        list(columns)
        if columns is not None
        else [c for c in frame.columns if c not in (ID_COLUMN, LABEL_COLUMN)]
    )
    for column in wanted:
        if column not in frame.columns:
            raise InputError("missing_column", file=name, column=column)
    values = (
        np.column_stack([_numeric(frame, c, name) for c in wanted])
        if wanted
        else np.empty((frame.height, 0))
    )
    label_values = None
    if labels is True and LABEL_COLUMN not in frame.columns:
        raise InputError("missing_column", file=name, column=LABEL_COLUMN)
    if labels is not False and LABEL_COLUMN in frame.columns:
        raw = _numeric(frame, LABEL_COLUMN, name)
        wrong = ~np.isin(raw, (0.0, 1.0))
        if wrong.any():
            row = int(np.flatnonzero(wrong)[0])
            value = frame[LABEL_COLUMN][row]
            raise InputError(
                "bad_value", file=name, row=row + 1, column=LABEL_COLUMN, value=str(value or "")
            )
        label_values = raw.astype(np.int8)
    return FeatureTable(tuple(ids.to_list()), tuple(wanted), values, label_values)


def read_graph(npz_path: str | Path, nodes_path: str | Path) -> CallGraph:
    """Read the call graph; directions and multiplicities are dropped (who called whom, not how
    often, is what the neighbourhood features use)."""
    npz = Path(npz_path)
    try:
        with np.load(npz) as parts:
            indptr, indices, data = parts["indptr"], parts["indices"], parts["data"]
            shape = tuple(int(v) for v in parts["shape"])
    except (OSError, KeyError, ValueError) as exc:
        raise InputError("unreadable", file=str(npz), value=str(exc)[:200]) from None
    if len(shape) != 2 or shape[0] != shape[1]:
        raise InputError("bad_value", file=str(npz), column="shape", value=str(shape))
    try:
        matrix = sp.csr_matrix((data, indices, indptr), shape=shape)
    except ValueError as exc:
        raise InputError("unreadable", file=str(npz), value=str(exc)[:200]) from None
    nodes = _read_strings(Path(nodes_path))
    name = str(nodes_path)
    for column in ("node", ID_COLUMN):
        if column not in nodes.columns:
            raise InputError("missing_column", file=name, column=column)
    node = _numeric(nodes, "node", name)
    expected = np.arange(shape[0], dtype=np.float64)
    if len(node) != shape[0] or not np.array_equal(np.sort(node), expected):
        raise InputError("bad_value", file=name, column="node", value=f"{shape[0]} nodes expected")
    index = {str(p): int(n) for p, n in zip(nodes[ID_COLUMN].to_list(), node, strict=True)}
    symmetric = (matrix + matrix.T).tocsr()
    symmetric.setdiag(0)
    symmetric.eliminate_zeros()
    symmetric.data = np.ones_like(symmetric.data, dtype=np.float64)
    return CallGraph(symmetric, index)
