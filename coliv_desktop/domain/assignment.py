"""The linear assignment problem (minimum-cost matching of rows to columns), in numpy alone.

`linear_sum_assignment(cost)` returns what scipy's function of the same name returns: the row
indices (ascending) and the column each is matched to, every row of a matrix with no more rows
than columns being matched, and the total cost minimal. The algorithm is the shortest
augmenting path method (Jonker-Volgenant as described by Crouse, 2016, the one scipy uses):
each row in turn extends the matching along the cheapest path of reduced costs, and the dual
prices keep every reduced cost non-negative, so the result is exact. Each step of a path is one
vectorised pass over the columns.

Why not scipy: this was CoLiv's only use of it, and scipy's optimize package (with the second
OpenBLAS it loads) made up 77 MB of the 430 MB desktop bundle and 0.6 s of the first batch plan
(packaging/README.md has the measurements).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


def linear_sum_assignment(cost: npt.ArrayLike) -> tuple[IntArray, IntArray]:
    """Rows and their columns minimising the sum of `cost[row, col]` (finite costs)."""
    matrix = np.asarray(cost, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError("the cost matrix must be two-dimensional")
    if not np.isfinite(matrix).all():
        raise ValueError("the cost matrix must hold finite numbers (price out forbidden pairs)")
    if matrix.shape[0] > matrix.shape[1]:  # match the columns instead, then swap back
        cols, rows = linear_sum_assignment(matrix.T)
        order = np.argsort(rows)
        return rows[order], cols[order]
    n, m = matrix.shape
    col_of_row = _solve(matrix) if n else np.empty(0, dtype=np.int64)
    return np.arange(n, dtype=np.int64), col_of_row


def _solve(cost: npt.NDArray[np.float64]) -> IntArray:
    n, m = cost.shape
    u = np.zeros(n)  # row prices
    v = np.zeros(m)  # column prices
    col_of_row = np.full(n, -1, dtype=np.int64)
    row_of_col = np.full(m, -1, dtype=np.int64)
    for start in range(n):
        shortest = np.full(m, np.inf)  # cheapest reduced-cost path found to each column
        via = np.full(m, -1, dtype=np.int64)  # the row that path reaches the column from
        open_col = np.ones(m, dtype=bool)  # columns not yet settled
        settled_rows = [start]
        row, reached, sink = start, 0.0, -1
        while sink < 0:
            reduced = reached + cost[row] - u[row] - v
            better = open_col & (reduced < shortest)
            shortest[better] = reduced[better]
            via[better] = row
            candidates = np.where(open_col, shortest, np.inf)
            reached = float(candidates.min())
            ties = np.flatnonzero(candidates == reached)
            free = ties[row_of_col[ties] < 0]  # prefer ending the path on a free column
            col = int(free[0] if free.size else ties[0])
            open_col[col] = False
            if row_of_col[col] < 0:
                sink = col
            else:
                row = int(row_of_col[col])
                settled_rows.append(row)
        # New prices keep every reduced cost >= 0 and the matched pairs at exactly 0.
        u[start] += reached
        for other in settled_rows[1:]:
            u[other] += reached - shortest[col_of_row[other]]
        done = ~open_col
        v[done] -= reached - shortest[done]
        col = sink  # flip the path: every row on it takes the column after it
        while True:
            row = int(via[col])
            row_of_col[col] = row
            col_of_row[row], col = col, int(col_of_row[row])
            if row == start:
                break
    return col_of_row
