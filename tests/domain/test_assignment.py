"""The numpy assignment solver against brute force and against scipy's (the reference)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment as reference

from coliv_desktop.domain.assignment import linear_sum_assignment


def brute_force_best(cost: np.ndarray) -> float:
    n, m = cost.shape
    if n <= m:
        options = (cost[np.arange(n), list(cols)].sum()
                   for cols in itertools.permutations(range(m), n))
    else:
        options = (cost[list(rows), np.arange(m)].sum()
                   for rows in itertools.permutations(range(n), m))
    return float(min(options, default=0.0))


def check_matching(cost: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> None:
    assert len(rows) == len(cols) == min(cost.shape)
    assert list(rows) == sorted(set(rows.tolist())), "rows ascending, each once"
    assert len(set(cols.tolist())) == len(cols), "no column used twice"


@pytest.mark.parametrize("seed", range(40))
def test_small_matrices_reach_the_brute_force_optimum(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(0, 6)), int(rng.integers(0, 6))
    cost = rng.integers(-3, 4, size=(n, m)).astype(float)  # many ties
    cost[rng.random((n, m)) < 0.2] = 1e9  # forbidden pairs priced out, as placement does
    rows, cols = linear_sum_assignment(cost)
    check_matching(cost, rows, cols)
    assert cost[rows, cols].sum() == brute_force_best(cost)


@pytest.mark.parametrize(("n", "m"), [(60, 60), (80, 300), (150, 40)])
def test_contested_rooms_match_scipy(n: int, m: int) -> None:
    """Applicants wanting the same rooms (similar rows) make long augmenting paths."""
    rng = np.random.default_rng(n * m)
    base = rng.integers(0, 100, size=m)
    cost = -(base[None, :] + rng.integers(-4, 5, size=(n, m))).astype(float)
    rows, cols = linear_sum_assignment(cost)
    check_matching(cost, rows, cols)
    want_rows, want_cols = reference(cost)
    assert cost[rows, cols].sum() == cost[want_rows, want_cols].sum()


def test_bad_matrices_are_refused() -> None:
    with pytest.raises(ValueError, match="two-dimensional"):
        linear_sum_assignment(np.zeros(3))
    with pytest.raises(ValueError, match="finite"):
        linear_sum_assignment(np.array([[np.inf, 1.0]]))
