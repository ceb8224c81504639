"""The batch runner end to end on the real baselines notebook at toy size: papermill executes the preset, the run folder
holds the executed notebook, metrics.json and the figure, and the table is aggregated (the `make bench` path)."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_presets_parse_and_reference_existing_notebooks():
    from deepsubspace.bench import load_presets
    presets = load_presets(ROOT / "settings.ini")
    assert {p.scale for p in presets} == {"quick", "cpu", "full"}
    for p in presets:
        assert (ROOT / p.notebook).exists(), p


def test_quick_scale_compares_every_estimator_on_digits_and_coil20():
    "`make bench` (the quick scale) gives the comparison a row for every public estimator on two real sets."
    import inspect
    import deepsubspace as ds
    from deepsubspace.bench import load_presets
    estimators = {n for n in dir(ds) if inspect.isclass(getattr(ds, n)) and issubclass(getattr(ds, n), ds.ClusteringEstimator)
                  and getattr(ds, n) is not ds.ClusteringEstimator}
    quick = [p for p in load_presets(ROOT / "settings.ini", "quick") if p.label]
    for d in ("digits", "coil20"):
        covered = {p.params["estimator"] for p in quick if p.params["dataset"] == d}
        assert covered == estimators, (d, sorted(estimators ^ covered))
    assert len(quick) == len({(p.label, p.params["dataset"]) for p in quick}), "quick runs one seed per cell"


def test_cli_runs_baseline_preset(tmp_path: Path):
    out = tmp_path / "runs"
    cmd = [sys.executable, "-c", "import sys; from deepsubspace.bench import main; sys.exit(main(sys.argv[1:]))",
           "run", "--settings", str(ROOT / "settings.ini"), "--scale", "cpu", "--out", str(out), "--only", "dataset=digits,method=kmeans$"]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    run = out / "cpu/baselines/dataset=digits,method=kmeans"
    m = json.loads((run / "metrics.json").read_text())
    assert m["run_id"] == "baselines:cpu/dataset=digits,method=kmeans" and m["n_clusters"] == 10
    assert abs(m["metrics"]["acc"] - 0.792) < 0.02, m          # sklearn digits, k-means on pixels (shared README: .792)
    assert (run / "run.ipynb").exists() and (run / "confusion.png").exists()
    table = (out / "results.md").read_text()
    assert "digits" in table and "| acc |" in table.replace(" acc ", " acc ")
    r2 = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)   # finished runs are skipped
    assert r2.returncode == 0 and "1 skipped" in r2.stdout, r2.stdout
    m["params"]["n_neighbors"] = 99                                          # a run of other parameters is not reused
    (run / "metrics.json").write_text(json.dumps(m))
    r3 = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
    assert r3.returncode == 0 and "1 run, 0 skipped" in r3.stdout, r3.stdout
