"""The notebooks are the source: the library must be what they export, and they must be committed clean.

`make test` runs `nbdev-export` before pytest, so a library that differs from git's copy means either the
notebooks were changed without exporting, or `deepsubspace/*.py` was edited by hand.
"""
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "nbs").rglob("*.ipynb"))


def _in_git() -> bool:
    try:
        out = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=ROOT, capture_output=True, text=True)
    except FileNotFoundError:
        return False
    return out.returncode == 0 and out.stdout.strip() == "true"


@pytest.mark.skipif(not _in_git(), reason="not a git checkout")
def test_library_matches_notebooks():
    out = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all", "--", "deepsubspace"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    changed = [line for line in out.splitlines() if not line.endswith(".npz")]
    assert not changed, ("deepsubspace/ differs from git after `nbdev-export`:\n" + "\n".join(changed) +
                         "\nEdit the notebooks in nbs/, run `make export`, and commit both.")


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[str(p.relative_to(ROOT / "nbs")) for p in NOTEBOOKS])
def test_notebook_is_clean(nb: Path, tmp_path: Path):
    copy = tmp_path / nb.name
    shutil.copy(nb, copy)
    subprocess.run([str(Path(shutil.which("nbdev-clean") or ROOT / ".venv/bin/nbdev-clean")), "--fname", str(copy)],
                   cwd=ROOT, check=True, capture_output=True)
    assert copy.read_bytes() == nb.read_bytes(), f"{nb.name} is not clean: run `make clean-nbs` and commit it"
