"""A preset on several processes (`deepsubspace run --nproc 2`: torchrun, gloo on CPU) gives the same labels, so the
same metrics, as on one process with the same global batch.

The runs are the comparison notebook's (nbs/bench/compare.ipynb) at toy size on digits, through the command a user
types. Augmentation and LSD-C's compositions are off: each rank draws its own random views, so with them on two
processes see other views than one process does (the same distribution, not the same draws). What is compared is
everything else the ranks share: the sharded global batch, the gathers and all-reduces of the losses, the memory
banks, the duals and the read-out. NMCE and LSD-C run by default; CoKe, IDFD, NCSC and DSC with `--slow`.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FAST, SLOW = ["NMCE", "LSDC"], ["CoKe", "IDFD", "NCSC", "DSC"]


def _settings(tmp: Path, estimators: list[str]) -> Path:
    ini = tmp / "settings.ini"
    ini.write_text(f"""[dist:quick]
notebook = {ROOT / 'nbs/bench/compare.ipynb'}
sweep = estimator
estimator = {' '.join(estimators)}
dataset = digits
epochs = 2
budget = 0.02
augment = none
compose = none
threads = 1
""")
    return ini


def _run(ini: Path, out: Path, nproc: int) -> dict:
    cmd = [sys.executable, "-c", "import sys; from deepsubspace.bench import main; sys.exit(main(sys.argv[1:]))",
           "run", "--settings", str(ini), "--out", str(out), "--nproc", str(nproc)]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ini.parent)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return {f.parent.name: json.loads(f.read_text()) for f in out.rglob("metrics.json")}


@pytest.mark.parametrize("which", ["fast", "slow"])
def test_two_processes_match_one(tmp_path: Path, which: str, run_slow: bool):
    if which == "slow" and not run_slow: pytest.skip("CoKe, IDFD, NCSC and DSC on 2 processes: run with --slow")
    ini = _settings(tmp_path, FAST if which == "fast" else SLOW)
    one, two = _run(ini, tmp_path / "one", 1), _run(ini, tmp_path / "two", 2)
    assert sorted(one) == sorted(two) and len(one) == len(FAST if which == "fast" else SLOW)
    for run, a in one.items():
        b = two[run]
        assert (a["processes"], b["processes"]) == (1, 2), run              # the runner started two ranks...
        if "refused" not in a["metrics"] and "refused" not in b["metrics"]:
            assert (a["world_size"], b["world_size"]) == (1, 2), run        # ...which joined one process group
            for m in ("acc", "nmi", "ari", "largest_cluster"):
                assert b["metrics"][m] == pytest.approx(a["metrics"][m], abs=1e-6), (run, m)
    if "estimator=DSC" in two:    # full batch: 1797 digits do not split over 2 ranks, and DSC says so
        assert "divisible" in two["estimator=DSC"]["metrics"]["refused"]
