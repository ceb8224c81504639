"""A training run killed with SIGKILL mid-way, then resumed from its checkpoint, ends with exactly the parameters of an
uninterrupted run (the engine chapter checks the same with an in-process exception)."""
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import torch

SCRIPT = textwrap.dedent('''
    import os, signal, sys, torch
    from torch import nn
    from deepsubspace.engine import Method, Callback, TrainConfig, train
    out, ckdir, kill_at = sys.argv[1], sys.argv[2], int(sys.argv[3])

    class AE(Method):
        def __init__(self):
            super().__init__()
            self.net = nn.Sequential(nn.Linear(6, 12), nn.BatchNorm1d(12), nn.ReLU(), nn.Dropout(0.2), nn.Linear(12, 6))
        def training_step(self, batch, step):
            x = batch["x"] + 0.1 * torch.randn_like(batch["x"])
            return {"loss": (self.net(x) - batch["x"]).pow(2).mean()}

    class Kill(Callback):
        def on_step_end(self, tr):
            if tr.step == kill_at: os.kill(os.getpid(), signal.SIGKILL)

    torch.manual_seed(0); X = torch.randn(300, 6)
    torch.manual_seed(1); m = AE()
    cfg = TrainConfig(steps=40, batch_size=32, optimizer="sgd", lr=0.05, schedule="cosine", warmup_steps=5,
                      progress=False, checkpoint_dir=ckdir or None, checkpoint_every=5, log_every=5)
    train(m, X, cfg, callbacks=[Kill()] if kill_at > 0 else [])
    torch.save(m.state_dict(), out)
''')


def _run(tmp: Path, out: str, ckdir: str, kill_at: int) -> int:
    script = tmp / "run.py"
    script.write_text(SCRIPT)
    return subprocess.run([sys.executable, str(script), str(tmp / out), ckdir, str(kill_at)],
                          capture_output=True, text=True).returncode


def test_sigkill_then_resume_matches_uninterrupted(tmp_path: Path):
    assert _run(tmp_path, "straight.pt", "", 0) == 0
    ck = str(tmp_path / "ck")
    rc = _run(tmp_path, "resumed.pt", ck, 23)
    assert rc == -signal.SIGKILL, rc                      # really killed, no chance to clean up
    assert not (tmp_path / "resumed.pt").exists()
    saved = torch.load(Path(ck) / "last.pt", weights_only=True)
    assert saved["step"] == 20
    assert _run(tmp_path, "resumed.pt", ck, 0) == 0         # resumes from step 20
    a = torch.load(tmp_path / "straight.pt", weights_only=True)
    b = torch.load(tmp_path / "resumed.pt", weights_only=True)
    for k in a:
        assert torch.equal(a[k], b[k]), k
