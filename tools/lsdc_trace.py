"""Trace an LSD-C fit on a bundled set: every 100 clustering steps, the ACC of the head's argmax, the ACC of k-means on
the backbone's features z, the precision of the in-batch kNN pair labels of z, and the largest and smallest cluster.

A diagnostic for people working on the method, not a benchmark: it reads the labels to *measure* the run (they never
reach the training step), so any setting chosen from its output has seen labels and must be disclosed as such.

    .venv/bin/python tools/lsdc_trace.py digits 7
    .venv/bin/python tools/lsdc_trace.py usps 7 "{'pretext_epochs': 18}"

Arguments: a dataset name, a seed, and optionally a Python dict literal of `LSDC` keyword arguments.
"""
import ast
import sys

import numpy as np
import torch
from sklearn.cluster import KMeans

from deepsubspace.data import load_dataset
from deepsubspace.lsdc import LSDC, LSDCMethod, pair_label_counts, pair_labels
from deepsubspace.metrics import evaluate


def main(dataset: str, seed: int, kwargs: dict) -> None:
    torch.set_num_threads(1)
    data = load_dataset(dataset)
    X = data.float()
    if X.ndim == 3: X = X[:, None]
    Xt, y, K = torch.as_tensor(X), data.y, data.n_clusters
    batch = np.random.default_rng(0).choice(len(X), min(256, len(X)), replace=False)   # one fixed batch for precision
    fit_step = LSDCMethod.training_step

    def traced_step(self, b, step):
        if step % 100 == 0:
            was = self.net.training
            self.net.eval()
            with torch.no_grad():
                z, logits = (torch.cat(t) for t in zip(*(self.net(Xt[i:i + 1024]) for i in range(0, len(Xt), 1024))))
            self.net.train(was)
            head = logits.argmax(1).numpy()
            km = KMeans(K, n_init=5, random_state=0).fit_predict(z.numpy())
            tp, pos, _ = pair_label_counts(pair_labels(z[batch], "knn", self.k), y[batch])
            precision = tp / pos
            share = np.bincount(head, minlength=K) / len(X)
            print(f"step {step:5d}  head ACC {evaluate(y, head)['acc']:.3f}  k-means(z) ACC {evaluate(y, km)['acc']:.3f}  "
                  f"kNN precision {precision:.3f}  clusters {share.max():.3f} .. {share.min():.3f}", flush=True)
        return fit_step(self, b, step)

    LSDCMethod.training_step = traced_step
    try: labels = LSDC(K, random_state=seed, progress=False, **kwargs).fit_predict(X)
    finally: LSDCMethod.training_step = fit_step
    print("final", {k: round(v, 3) for k, v in evaluate(y, labels).items()})


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4): sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]), ast.literal_eval(sys.argv[3]) if len(sys.argv) == 4 else {})
