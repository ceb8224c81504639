#!/bin/bash
# A short GPU check of the presets (the CUDA path: AMP, speed, the paper-size runs), run on a GPU machine from the
# repository root. Each step is `deepsubspace run` of one section of .devcheck/dev.ini (tools/gpu_check_presets.py
# writes it from settings.ini), under its own time limit and a global deadline, so that one slow step cannot eat the
# others; results are tarred into $OUT/runs.tgz after every step (checkpoints left out), so a cut run still returns
# what finished.
#
#   python3 tools/gpu_check_presets.py                      # here, before sending the tree (needs only the stdlib)
#   BUDGET=450 STEPS="speed:90 ncsc:100 ensc:120 dsc:80 nmce:90 spiral:300" OUT=/some/dir bash tools/gpu_check.sh
#
# STEPS: name:max_seconds, in order. The machine needs torch with CUDA, scikit-learn, scipy, matplotlib, and papermill
# with a Jupyter kernel: if a folder .whl/ of wheels is there (e.g. `pip download papermill ipykernel fastcore
# --python-version 3.12 --only-binary=:all: --platform manylinux_2_28_x86_64 -d .whl` on a machine with internet,
# keeping only what the GPU machine lacks), they are installed into /tmp/site first.
# Data: .devcheck/data/*.npz are copied into the data root (put eyaleb48x42.npz there for the dsc step), and random
# CIFAR-format images are written for the nmce step.
OUT=${OUT:-$PWD/gpu_check}; mkdir -p "$OUT"
START=$(date +%s); DEADLINE=$((START + ${BUDGET:-520}))
if [ -d .whl ]; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
  export PYTHONPATH=/tmp/site
fi
export PYTHONPATH=${PYTHONPATH:+$PYTHONPATH:}$PWD PYTHONUNBUFFERED=1 MPLBACKEND=Agg
{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv; nproc
  python3 -c "import sys,torch,numpy,scipy,sklearn,deepsubspace; print(sys.version.split()[0], 'torch', torch.__version__, 'cuda', torch.version.cuda, torch.cuda.is_available(), 'numpy', numpy.__version__, 'scipy', scipy.__version__, 'sklearn', sklearn.__version__)"
} 2>&1 | tee "$OUT/env.txt"
DATA=/tmp/gpu_check_data; R=/tmp/gpu_check_runs; mkdir -p $DATA $R
cp .devcheck/data/*.npz $DATA/ 2>/dev/null
python3 - $DATA <<'PY'
import numpy as np, os, pickle, sys
d = os.path.join(sys.argv[1], "cifar-10-batches-py"); os.makedirs(d, exist_ok=True)
rng = np.random.default_rng(0)
for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
    with open(os.path.join(d, name), "wb") as f:
        pickle.dump({b"data": rng.integers(0, 256, (10000, 3072), dtype=np.uint8),
                     b"labels": rng.integers(0, 10, 10000).tolist()}, f)
PY
step() {  # step NAME MAX_SECONDS
  local left=$((DEADLINE - $(date +%s))); local t=$(( $2 < left ? $2 : left ))
  if [ $t -lt 20 ]; then echo "SKIP $1 (no time left)" | tee -a "$OUT/steps.txt"; return; fi
  local t0=$(date +%s) before=$(pgrep -f ipykernel_launcher)
  timeout -k 5 $t python3 -c "import sys; from deepsubspace.bench import main; sys.exit(main(sys.argv[1:]))" \
    run --settings .devcheck/dev.ini --scale full --only "^$1:" --out $R --data-root $DATA 2>&1 | tail -25
  local rc=${PIPESTATUS[0]} p
  for p in $(pgrep -f ipykernel_launcher); do   # a kernel this step left behind (a kernel also exits when its parent does)
    grep -qx "$p" <<<"$before" || kill "$p" 2>/dev/null
  done; sleep 1
  echo "STEP $1 rc=$rc seconds=$(( $(date +%s) - t0 )) limit=$t" | tee -a "$OUT/steps.txt"
  (cd $(dirname $R) && tar czf "$OUT/runs.tgz" --exclude='*.pt' $(basename $R))
}
for s in ${STEPS:-speed:100 ncsc:120 ensc:150 spiral:240 dsc:100 nmce:120}; do step ${s%%:*} ${s##*:}; done
echo "total $(( $(date +%s) - START )) s" | tee -a "$OUT/steps.txt"
