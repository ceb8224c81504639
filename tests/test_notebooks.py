"""Every chapter notebook's inline tests, one pytest test per notebook.

`nbdev.test.test_nb` executes a notebook in-process (execnb), skipping cells flagged with `tst_flags`
(`#| slow`) unless pytest is given `--slow`. Benchmark notebooks (`nbs/bench/`) are not tests: the batch
runner executes them, and `tests/test_bench.py` runs one at toy size.
"""
from pathlib import Path

import pytest
from nbdev.test import test_nb as run_notebook_tests

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "nbs").glob("*.ipynb"))


def test_there_are_chapters():
    assert len(NOTEBOOKS) >= 8, [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook(nb: Path, run_slow: bool):
    flags = ["slow"]
    ok, seconds = run_notebook_tests(nb, skip_flags=[] if run_slow else flags,
                                     force_flags=flags if run_slow else [], basepath=ROOT)
    assert ok, f"{nb.name} failed after {seconds:.1f}s (traceback above)"
