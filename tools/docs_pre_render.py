"""Pre-render step of the documentation site (`project.pre-render` in _quarto.yml; smalldocs and Quarto both run it).

1. The results page: copies the benchmark table that `make bench` (`deepsubspace run --scale quick --out runs`) wrote,
   runs/results.md, to _results.md, which results.qmd includes. Without it, _results.md says how to produce it.
   Relative links in the table (to a run's folder or figures) are rewritten to point into runs/.
2. Under Quarto only: writes the API reference pages (api/*.qmd) with smalldocs, as `smalldocs render` does by
   itself before this script runs.

Run from the project root (both tools do); the project root is also taken from QUARTO_PROJECT_DIR.
"""
import datetime as dt
import os
import re
import sys
from pathlib import Path

ROOT = Path(os.environ.get("QUARTO_PROJECT_DIR") or Path(__file__).resolve().parents[1])
RUNS = ROOT / "runs"
TABLE, CSV = RUNS / "results.md", RUNS / "results.csv"
OUT = ROOT / "_results.md"
# A Markdown link or image whose target is relative: `](target)` not starting with a scheme, `/` or `#`.
REL_LINK = re.compile(r"\]\((?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)([^)\s]+)")

MISSING = """::: {.callout-note}
## No results yet
This page shows `runs/results.md`, the table the benchmark batch runner writes. There is none in this checkout.
Produce it, then rebuild the site:

```bash
make bench      # deepsubspace run --scale quick --out runs  ->  runs/results.md, runs/results.csv
make docs
```
:::
"""


def results_markdown() -> str:
    "The text that results.qmd includes: the runner's table with where it comes from, or how to make it."
    if not TABLE.is_file():
        return MISSING
    table = TABLE.read_text(encoding="utf-8")
    table = REL_LINK.sub(lambda m: f"](runs/{m.group(1)}", table)
    when = dt.datetime.fromtimestamp(TABLE.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    source = f"*From `runs/results.md`, written {when}.*"
    if CSV.is_file():
        source += ' Download the same table as <a href="results.csv">CSV</a>.'
    return f"{source}\n\n{table.rstrip()}\n"


def write_if_changed(path: Path, text: str) -> None:
    "Write a file only when its text changes, so that a preview's file watcher does not loop."
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def api_pages_for_quarto() -> None:
    "Write api/*.qmd with smalldocs when Quarto runs this script (smalldocs has already written them)."
    if os.environ.get("SMALLDOCS") == "1":
        return
    try:
        from smalldocs.api import build_from_config
        from smalldocs.config import load
    except ImportError:
        print("docs_pre_render: smalldocs is not installed (pip install -e '.[dev]'); the API pages are not rebuilt",
              file=sys.stderr)
        return
    build_from_config(load(ROOT))


if __name__ == "__main__":
    write_if_changed(OUT, results_markdown())
    print(f"docs_pre_render: {OUT.name} from {TABLE.relative_to(ROOT) if TABLE.is_file() else 'nothing (no results yet)'}",
          file=sys.stderr)
    api_pages_for_quarto()
