"""Write `.devcheck/dev.ini`: copies of settings.ini presets, with the few overrides a short GPU check needs.

Used by tools/gpu_check.sh (see there). Each section copies a preset of settings.ini and changes only what is listed
here, so the check runs the presets' own settings: the kNN NCSC preset on one seed on CUDA, the double spiral without
its unconstrained baseline, and the CIFAR-10 NMCE preset shortened to 100 + 30 + 30 steps (a throughput check: the
machine has no CIFAR, so gpu_check.sh writes random images in CIFAR's format; its ACC means nothing).
"""
import configparser
import sys
from pathlib import Path

OVERRIDES = {   # new section: (preset of settings.ini, overrides; None drops a key)
    "speed:full": ("coding_rate_speed:full", {}),
    "ncsc:full": ("ncsc_mnist_knn:cpu", {"sweep": None, "seed": 0, "device": "cuda", "threads": 4}),
    "ensc:full": ("ensc_scale:full", {}),
    "spiral:full": ("double_spiral:full", {"baseline": False, "device": "cuda"}),
    "dsc:full": ("dsc_yaleb:full", {"device": "cuda"}),
    "nmce:full": ("nmce_cifar10:full", {"tcr_steps": 100, "head_steps": 30, "finetune_steps": 30, "device": "cuda"}),
}

def main(root: Path = Path(__file__).resolve().parents[1]) -> Path:
    src = configparser.ConfigParser(interpolation=None); src.optionxform = str; src.read(root / "settings.ini")
    out = configparser.ConfigParser(interpolation=None); out.optionxform = str
    for new, (old, over) in OVERRIDES.items():
        d = dict(src[old])
        d["notebook"] = "../" + d["notebook"]          # the ini lives in .devcheck/
        for k, v in over.items():
            if v is None: d.pop(k, None)
            else: d[k] = str(v)
        out[new] = d
    path = root / ".devcheck" / "dev.ini"
    path.parent.mkdir(exist_ok=True)
    with open(path, "w") as f: out.write(f)
    return path

if __name__ == "__main__": print(main(*[Path(a) for a in sys.argv[1:]]))
