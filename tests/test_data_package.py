"""The bundled datasets ship inside the package and load without pickle."""
import numpy as np

from deepsubspace.data import DATASETS, _bundled_dir, load_dataset


def test_bundled_npz_files_are_in_the_package():
    files = [d.file for d in DATASETS.values() if d.bundled and d.file.endswith(".npz")]
    assert len(files) == 6
    for f in files:
        p = _bundled_dir() / f
        assert p.is_file(), f"missing package data {p}"
        with np.load(p, allow_pickle=False) as z:
            assert {"X", "y"} <= set(z.files)


def test_every_bundled_dataset_loads():
    for name, info in DATASETS.items():
        if info.bundled:
            d = load_dataset(name)
            assert d.X.dtype == np.float32 and len(d) == info.n and d.n_clusters == info.n_clusters
