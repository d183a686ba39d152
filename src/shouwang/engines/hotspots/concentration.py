"""How much the flagged cells repeat week after week: the sign of a feedback loop.

Patrols sent to flagged cells record more incidents there, which flags the same cells again.
Commanders see this as a high overlap of consecutive weeks' flagged cells and a small number of
distinct cells ever flagged.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Concentration:
    windows: int
    cells_per_window: int
    mean_jaccard: float  # overlap of consecutive windows' flagged cells (1 = always the same)
    distinct_cells: int  # cells flagged at least once
    always_share: float  # share of the flagged cells that are flagged in every window


def concentration(flagged: Sequence[IntArray]) -> Concentration:
    """Report on a sequence of windows' flagged cell sets, in time order."""
    sets = [set(np.asarray(f).tolist()) for f in flagged]
    jaccards = [len(a & b) / len(a | b) for a, b in itertools.pairwise(sets) if a | b]
    counts = Counter(cell for s in sets for cell in s)
    size = int(np.mean([len(s) for s in sets])) if sets else 0
    always = sum(1 for c in counts.values() if c == len(sets))
    return Concentration(
        windows=len(sets),
        cells_per_window=size,
        mean_jaccard=float(np.mean(jaccards)) if jaccards else float("nan"),
        distinct_cells=len(counts),
        always_share=always / size if size else float("nan"),
    )
