"""Every public estimator, built with nothing but the number of clusters, gives a non-degenerate clustering.

This is what a user meets first: `Estimator(k).fit(X)`. Each estimator is fitted with its defaults on scikit-learn's
digits (images, 1797 x 1 x 8 x 8) and on a vector set (1500 points on five 4-dimensional subspaces of R^30, the
course's model of subspace data), and no cluster may hold more than half the points. The deep estimators' training
is cut by their one knob for it, `budget` (a multiplier of every step and epoch count); every other setting is the
default. NCSC gets 0.3: at a tenth of its schedule its classifier has not yet spread over the clusters (two clusters
on digits), which is a property of a shortened run, not of the defaults. At full budget the accuracy of the
defaults is measured by the `defaults` benchmark (`deepsubspace run --only defaults`), not here: tests check
behaviour, benchmarks measure quality.
"""
import inspect
import types
import warnings

import numpy as np
import pytest
import torch

import deepsubspace as ds

ESTIMATORS = ["KMeansBaseline", "SpectralBaseline", "LSR", "SSC", "EnSC", "OnlineConstrainedKMeans",
              "NMCE", "DSC", "NCSC", "CoKe", "IDFD", "LSDC"]
BUDGET = {"NCSC": 0.3}   # the deep estimators' training, cut to this share of the defaults' schedule
DEFAULT_BUDGET = 0.1     # ... for the others (seconds per fit on 2 cores)


def _public_estimators() -> set[str]:
    return {n for n in dir(ds) if inspect.isclass(getattr(ds, n)) and issubclass(getattr(ds, n), ds.ClusteringEstimator)
            and getattr(ds, n) is not ds.ClusteringEstimator}


def test_every_public_estimator_is_covered():
    assert _public_estimators() <= set(ESTIMATORS), sorted(_public_estimators() - set(ESTIMATORS))


@pytest.fixture(scope="module")
def datasets():
    digits = ds.load_dataset("digits")
    X, y = ds.union_of_subspaces(300, 5, 4, 30, noise=0.01, seed=0)
    subspaces = types.SimpleNamespace(n_clusters=5, y=y)
    return {"digits": (digits, digits.float(), digits.flat()), "subspaces": (subspaces, X, X)}


@pytest.mark.parametrize("dataset", ["digits", "subspaces"])
@pytest.mark.parametrize("name", ESTIMATORS)
def test_defaults_are_not_degenerate(name, dataset, datasets):
    torch.set_num_threads(1)
    cls = getattr(ds, name)
    data, images, rows = datasets[dataset]
    X = images if cls._allow_images else rows
    sig = inspect.signature(cls).parameters
    kwargs = {"budget": BUDGET.get(name, DEFAULT_BUDGET)} if "budget" in sig else {}
    if "progress" in sig: kwargs["progress"] = False
    est = cls(data.n_clusters, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # e.g. a ConvergenceWarning of a shortened fit: not what is tested here
        labels = est.fit(X).labels_
    assert labels.shape == (len(X),)
    sizes = np.bincount(labels)
    assert sizes.max() <= len(X) / 2, (f"{name} with its defaults put {sizes.max()} of {len(X)} points in one "
                                       f"cluster on {dataset}: sizes {sorted(sizes, reverse=True)}")
    assert (sizes > 0).sum() >= 2
