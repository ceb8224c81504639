"Shared pytest options: `--slow` also runs the notebook cells flagged `#| slow`."
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true", default=False,
                     help="also run notebook cells flagged `#| slow` (long runs; off by default)")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture
def run_slow(request) -> bool:
    return request.config.getoption("--slow") or os.environ.get("DEEPSUBSPACE_SLOW") == "1"
