"""Execute the course as a reader does: every chapter notebook top to bottom, in reading order, the outputs saved in
the notebook (so the site shows them), and the wall time of each chapter reported.

    python tools/run_course.py                 # every chapter; the long runs flagged `#| slow` are left out
    python tools/run_course.py --slow          # the `#| slow` cells too (GPU-sized runs: hours on a CPU)
    python tools/run_course.py 10_coding_rate 12_nmce   # only these chapters

`make course` runs the first form: what a reader of the course runs on a laptop. A cell flagged `#| slow` is a long
run (a full-scale training, a GPU-sized sweep); it is left out unless asked for, with its outputs cleared. Each chapter runs in a fresh kernel from the `nbs/` folder; a failing cell stops
that chapter (its error is saved in the notebook and reported) and the next chapter runs. Afterwards every executed
notebook is cleaned with `nbdev-clean` (execution counts and metadata; the outputs stay). The times go to
`runs/course_times.json` and are printed as a table. Benchmark notebooks (nbs/bench/) are not chapters.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
SLOW = re.compile(r"^\s*#\|\s*slow\b", re.M)
# stderr lines that describe this machine, not the chapter: tqdm's missing-widgets notice, kernel log lines, progress
# bars redrawn with carriage returns. Warnings the chapter means to show stay, without the kernel's temporary file name.
NOISE = re.compile(r"TqdmWarning: IProgress not found|from \.autonotebook import tqdm|^\[IPKernelApp\]|\d+%\|.*\|")
KERNEL_FILE = re.compile(r"/tmp/ipykernel_\d+/\d+\.py:\d+: ")


def tidy_outputs(nb) -> int:
    "Drop machine noise from the stderr outputs of a notebook and local paths from all of them; returns how many changed."
    changed = 0
    for c in nb.cells:
        keep = []
        for o in c.get("outputs", []):
            if o.get("output_type") == "stream":
                text = o["text"]
                if o.get("name") == "stderr":
                    text = "\n".join(l for l in text.replace("\r", "\n").split("\n") if not NOISE.search(l))
                text = KERNEL_FILE.sub("", text).replace(str(ROOT) + "/", "")
                if text != o["text"]: changed += 1
                if not text.strip(): continue
                o["text"] = text if text.endswith("\n") else text + "\n"
            keep.append(o)
        c["outputs"] = keep
    return changed


def reading_order(p: Path) -> tuple:
    "index first, then by the chapter number in front of the name, then the unnumbered pages."
    m = re.match(r"(\d+)_", p.name)
    return (p.stem != "index", int(m.group(1)) if m else 10**6, p.name)


def run_chapter(path: Path, skip_slow: bool, timeout: int) -> tuple[float, str]:
    "Execute one notebook in place; returns (seconds, error or '')."
    nb = nbformat.read(path, as_version=4)
    held = {}
    if skip_slow:                                 # a skipped cell keeps its source but runs as a no-op
        for i, c in enumerate(nb.cells):
            if c.cell_type == "code" and SLOW.search(c.source):
                held[i], c.source = c.source, "# flagged slow: not run (tools/run_course.py --slow runs it)"
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=False,
                            extra_arguments=["--IPKernelApp.log_level=ERROR"],
                            resources={"metadata": {"path": str(path.parent)}})
    t0, error = time.time(), ""
    try:
        client.execute()
    except CellExecutionError as e:
        error = str(e).strip().splitlines()[-1][:300]
    seconds = time.time() - t0
    for i, src in held.items():
        nb.cells[i].source, nb.cells[i].outputs = src, []
    tidy_outputs(nb)
    nbformat.write(nb, path)
    return seconds, error


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("chapters", nargs="*", help="chapter stems (default: all, in reading order)")
    ap.add_argument("--slow", action="store_true", help="also run the cells flagged `#| slow` (long runs)")
    ap.add_argument("--timeout", type=int, default=3600, help="seconds one cell may take (default 3600)")
    ap.add_argument("--tidy-only", action="store_true", help="do not execute: only tidy the saved outputs")
    a = ap.parse_args(argv)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    paths = sorted((ROOT / "nbs").glob("*.ipynb"), key=reading_order)
    if a.chapters:
        unknown = set(a.chapters) - {p.stem for p in paths}
        if unknown: ap.error(f"no chapter {sorted(unknown)} in nbs/ (the stems are e.g. 10_coding_rate)")
        paths = [p for p in paths if p.stem in a.chapters]
    if a.tidy_only:
        for p in paths:
            nb = nbformat.read(p, as_version=4)
            if tidy_outputs(nb): nbformat.write(nb, p); print("tidied", p.stem)
        return 0
    times, failed = {}, {}
    for p in paths:
        print(f"{p.stem} ...", end=" ", flush=True)
        seconds, error = run_chapter(p, not a.slow, a.timeout)
        times[p.stem] = round(seconds, 1)
        print(f"{seconds:.0f} s" + (f"  FAILED: {error}" if error else ""), flush=True)
        if error: failed[p.stem] = error
    clean = Path(sys.executable).parent / "nbdev-clean"
    for p in paths: subprocess.run([str(clean), "--fname", str(p)], check=False, cwd=ROOT)
    out = ROOT / "runs" / "course_times.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"seconds": times, "total": round(sum(times.values()), 1), "slow_cells_run": a.slow,
                               "cpus": os.cpu_count(), "failed": failed}, indent=1))
    print("\n| chapter | seconds |\n|---|---|")
    for k, v in times.items(): print(f"| {k} | {v:.0f} |")
    print(f"| **total** | **{sum(times.values()):.0f}** ({sum(times.values()) / 60:.1f} min) |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
