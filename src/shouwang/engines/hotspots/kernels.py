"""Spatial spreading of cell counts to neighbouring cells, shared by the KDE-like models.

A kernel is a sparse cell-by-cell matrix ``K`` (``K[i, j]`` = weight of cell ``j``'s events at
cell ``i``), built once per grid and kernel and memoised on the grid. It works for any grid whose
cells have centres, square or H3, and costs O(cells x neighbours) instead of O(cells x events).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.spatial import cKDTree

from .grid import Grid

FloatArray = npt.NDArray[np.float64]


def cell_side(grid: Grid) -> float:
    """The side of a square of the mean active cell area: the grid's length unit."""
    return float(np.sqrt(grid.cell_areas[grid.active].mean()))


def neighbour_matrix(
    grid: Grid, radius: float, weight: Callable[[FloatArray], FloatArray], key: object
) -> sparse.csr_matrix:
    """``K[i, j] = weight(distance between centres)`` for active cells within ``radius`` metres."""
    cache_key = ("kernel", key, float(radius))
    if cache_key in grid.cache:
        matrix: sparse.csr_matrix = grid.cache[cache_key]
        return matrix
    cx, cy = grid.centres
    ids = np.flatnonzero(grid.active)
    tree = cKDTree(np.column_stack([cx[ids], cy[ids]]))
    # Centres closer than the radius (at least the cell itself, whatever the radius).
    pairs = tree.sparse_distance_matrix(tree, max(radius, 1e-9), output_type="ndarray")
    values = weight(np.asarray(pairs["v"], dtype=np.float64))
    matrix = sparse.csr_matrix(
        (values, (ids[pairs["i"]], ids[pairs["j"]])), shape=(grid.n_cells, grid.n_cells)
    )
    grid.cache[cache_key] = matrix
    return matrix


def gaussian(grid: Grid, bandwidth: float) -> sparse.csr_matrix:
    """Gaussian kernel of ``bandwidth`` metres, cut at three bandwidths."""

    def weight(d: FloatArray) -> FloatArray:
        return np.exp(-0.5 * (d / bandwidth) ** 2)

    return neighbour_matrix(grid, 3.0 * bandwidth, weight, ("gaussian", bandwidth))


def inverse_distance(grid: Grid, radius: float) -> sparse.csr_matrix:
    """Bowers-Johnson weights ``1 / (1 + d)`` with ``d`` in cells, within ``radius`` metres."""
    side = cell_side(grid)

    def weight(d: FloatArray) -> FloatArray:
        return 1.0 / (1.0 + np.round(d / side))

    return neighbour_matrix(grid, radius + 1e-6 * side, weight, ("inverse", radius))


def spread(matrix: sparse.csr_matrix, counts: FloatArray) -> FloatArray:
    return np.asarray(matrix @ counts, dtype=np.float64)
