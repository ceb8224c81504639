"""The documentation site: every chapter is in the sidebar, and the site builds offline with rendered maths.

The site is defined once, in _quarto.yml; `make docs` builds it with smalldocs and checks it with tests/check_site.py,
then opens every page in headless Chromium with tools/browser_check.py. Here the same build goes into a temporary folder
(about a minute; one build shared by the pytest-xdist workers), so a chapter that is not in the sidebar, a page that
loads something from a CDN, maths left as raw TeX, a console error or an image that does not load fails `make test`.
"""
import fcntl
import json
import os
import re
import shutil
import struct
import sys
import time
import zlib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tools"))
from check_site import check_site, expand, sidebar_entries  # noqa: E402
from browser_check import browser_check, find_chromium, install_chromium  # noqa: E402
from docs_post_render import copy_runs, hidden_cells  # noqa: E402
from run_course import reading_order as chapter_key  # noqa: E402  (the course's reading order, defined once)

CHAPTERS = sorted((ROOT / "nbs").glob("*.ipynb"))
FENCED = re.compile(r"^[ \t]*(`{3,}|~{3,}).*?^[ \t]*\1", re.S | re.M)  # a fenced code block in markdown
MATH = re.compile(r"(?<![\\$])\$[^$\s][^$]*?(?<!\s)\$|\$\$.+?\$\$", re.S)  # $x$ or $$...$$ in a markdown cell


def sections(items, name="sidebar"):
    "Yield (name, contents) for every section of the sidebar, nested ones too."
    for it in items if isinstance(items, list) else [items]:
        if isinstance(it, dict) and ("section" in it or "contents" in it):
            yield str(it.get("section") or name), it.get("contents")
            yield from sections(it.get("contents") or [], str(it.get("section") or name))


def test_every_chapter_is_in_the_sidebar():
    listed = expand(sidebar_entries())
    missing = [p.relative_to(ROOT).as_posix() for p in CHAPTERS if p not in listed]
    assert not missing, (f"chapters missing from the site's sidebar: {missing}. Add one line each, in reading order, "
                         "under their part in _quarto.yml (website.sidebar.contents).")


def test_sidebar_lists_only_pages_that_exist_in_reading_order():
    entries = sidebar_entries()
    gone = [e for e in entries if not any(c in e for c in "*?[") and not e.startswith("api/") and not (ROOT / e).is_file()]
    assert not gone, f"_quarto.yml's sidebar lists files that do not exist: {gone}; remove or fix those lines"
    cfg = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    for name, contents in sections(cfg["website"]["sidebar"]["contents"]):
        globs = [c for c in (contents if isinstance(contents, list) else [contents]) if isinstance(c, str)]
        if globs and all(not c.startswith("api/") for c in globs):
            assert expand(globs), f"sidebar section {name!r} has no page; comment it out until its first chapter exists"
    listed = [p for p in expand(entries) if p.suffix == ".ipynb"]
    assert listed == sorted(listed, key=chapter_key), (
        f"the sidebar's chapters are not in reading order: {[p.name for p in listed]}")


def test_quarto_definition():
    "The one site definition: a Quarto website into _site, with the pages and steps the build relies on."
    cfg = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    assert cfg["project"]["type"] == "website" and cfg["project"]["output-dir"] == "_site"
    for script in ("pre-render", "post-render"):
        assert (ROOT / cfg["project"][script]).is_file(), script
    assert "_site/" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert cfg["smalldocs"]["api"]["packages"] == ["deepsubspace"]
    assert "results.qmd" in sidebar_entries() and (ROOT / "results.qmd").is_file()


def _small_site(tmp: Path, page: str, toc: bool = False, render: str | None = None):
    "Build a one-page site in `tmp` with the project's post-render step; returns smalldocs' Site."
    from smalldocs.site import build
    (tmp / "_quarto.yml").write_text(
        "project:\n  type: website\n  output-dir: _site\n" + (f"  render: {render}\n" if render else "")
        + f"  post-render: {json.dumps(str(ROOT / 'tools' / 'docs_post_render.py'))}\n"
        "website:\n  sidebar:\n    contents: [page.qmd]\nformat:\n  html:\n    theme: litera\n"
        + ("    toc: true\n" if toc else ""), encoding="utf-8")
    (tmp / "page.qmd").write_text(page, encoding="utf-8")
    return build(tmp, quiet=True)


def test_toc_shows_heading_maths(tmp_path: Path):
    "A heading with maths shows it rendered in the page's table of contents, not as TeX."
    site = _small_site(tmp_path, "# Maths\n\n## The loss $L_{\\text{sub}}$\n\nText.\n\n## Plain\n\nMore.\n", toc=True)
    page = (site.out / "page.html").read_text(encoding="utf-8")
    toc = re.findall(r'<a href="#[^"]*"[^>]*class="nav-link"[^>]*>(.*?)</a>', page, re.S)
    assert len(toc) == 2 and "<math" in toc[0] and "The loss" in toc[0] and toc[1] == "Plain", toc
    assert "\\text" not in re.sub(r"<annotation.*?</annotation>", "", toc[0]), toc[0]


def build_site(out: Path) -> Path:
    "Build the whole site from _quarto.yml with smalldocs into `out`; fail if it takes more than two minutes."
    from smalldocs.config import load
    from smalldocs.site import Site

    site = Site(load(ROOT), quiet=True)
    site.out = out
    start = time.perf_counter()
    site.build()
    seconds = time.perf_counter() - start
    assert seconds < 120, f"the docs build took {seconds:.0f}s"
    return site.out


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """Build the whole site into a temporary folder, once: under pytest-xdist the first worker that needs it builds it
    into the run's shared temporary folder (under a lock) and the others reuse it, instead of two builds side by side
    on the same api/ and _results.md."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return build_site(tmp_path_factory.mktemp("docs") / "_site")
    shared = tmp_path_factory.getbasetemp().parent / "docs"
    shared.mkdir(exist_ok=True)
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if (shared / "failed").is_file():
                pytest.fail(f"the shared docs build failed in another worker: {(shared / 'failed').read_text()}")
            if not (shared / "done").is_file():
                try:
                    build_site(shared / "_site")
                except BaseException as e:
                    (shared / "failed").write_text(f"{type(e).__name__}: {e}")
                    raise
                (shared / "done").touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return shared / "_site"


def chromium() -> str:
    "The Chromium binary; installed with apt-get when it is missing and this user may; else the test is skipped."
    found = find_chromium()
    if not found:
        why = install_chromium()
        found = find_chromium()
        if not found:
            pytest.skip(f"Chromium is not installed and could not be installed ({why}); "
                        "install it: apt-get install -y chromium (or `make chromium`)")
    return found


def test_site_is_offline_and_complete(built: Path):
    problems = check_site(built)
    assert not problems, "\n".join(problems)
    for chapter in CHAPTERS:
        page = (built / "nbs" / f"{chapter.stem}.html").read_text(encoding="utf-8")
        for n in hidden_cells(chapter):  # nbdev's `#| hide` cells are not shown
            assert f'id="cell-{n}"' not in page, f"{chapter.name}: the `#| hide` cell {n} is on its page"
    assert (built / "index.html").is_file() and (built / "results.html").is_file()
    assert list((built / "api").glob("*.html")), "no API reference pages were built"


def test_chapter_maths_is_rendered(built: Path):
    "Every chapter whose markdown has $...$ maths shows MathML, with no TeX left for a script to render."
    with_maths = []
    for chapter in CHAPTERS:
        cells = json.loads(chapter.read_text(encoding="utf-8"))["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        if MATH.search(re.sub(r"`[^`\n]*`", "", FENCED.sub("", text))):  # not in code: shell `$VAR`s are no maths
            with_maths.append(chapter)
            page = (built / "nbs" / f"{chapter.stem}.html").read_text(encoding="utf-8")
            assert "<math" in page, f"{chapter.name} has maths but its page has no MathML"
            assert "katex" not in page.lower(), f"{chapter.name}: the page still loads KaTeX"
    if not with_maths:
        pytest.skip("no chapter has maths yet; test_maths_step covers the maths step")


def test_maths_step(tmp_path: Path):
    "The post-render step on a small site: inline, display and aligned maths become MathML, and no CDN is loaded."
    site = _small_site(tmp_path,
        "# Maths\n\nThe rate $R(Z)=\\tfrac12\\log\\det(I+\\alpha Z^\\top Z)$ with $\\alpha = d/(n\\epsilon^2)$, and\n\n"
        "$$\n\\begin{aligned} \\Delta R &= R(Z) - R_c(Z, \\Pi) \\\\ &\\ge 0 \\end{aligned}\n$$\n", render="[page.qmd, results.qmd]")
    page = (site.out / "page.html").read_text(encoding="utf-8")
    assert page.count("<math") == 3, page
    assert "<mtable" in page and "application/x-tex" in page
    assert "\\(" not in page and "katex" not in page.lower()
    assert check_site(site.out, tmp_path) == []


def test_site_in_browser(built: Path):
    "Every page of the real site in headless Chromium: no console error, every image loads, no raw TeX, the results."
    results = ROOT / "runs" / "results.md"
    shots = built.parent / "_screenshots"
    problems, facts = browser_check(built, results if results.is_file() else None, shots, chromium())
    assert not problems, "\n".join(problems)
    assert facts["pages"] >= len(CHAPTERS) + 2, facts
    assert facts["seconds"] < 90, f"the browser pass took {facts['seconds']:.0f}s for {facts['pages']} pages"
    assert sorted(p.name for p in shots.glob("*.png")) == ["chapter_10_coding_rate.png", "home.png", "results.png"]
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in shots.glob("*.png"))


def png(width: int = 4, height: int = 3) -> bytes:
    "A small grey RGB PNG, written by hand (zlib and CRCs): the figure that the fake runs/results.md shows."
    chunk = lambda kind, data: (struct.pack(">I", len(data)) + kind + data  # noqa: E731
                                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\0" + b"\x80" * 3 * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


PNG = png()
RESULTS_MD = """## Comparison: quick

![](comparison_quick_acc.png)

| method | digits | coil20 |
|---|---|---|
| NMCE | 0.90 | 0.70 |

### defaults

| run | acc |
|---|---|
| a | 0.5 |
"""


def small_site(tmp_path: Path, runs: dict[str, bytes | str] | None) -> tuple[Path, Path]:
    "Build a two-page site with the project's pre- and post-render steps and results page, and the given runs/ files."
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "_quarto.yml").write_text(
        "project:\n  type: website\n  output-dir: _site\n  render: [page.qmd, results.qmd]\n"
        f"  pre-render: {json.dumps(str(ROOT / 'tools' / 'docs_pre_render.py'))}\n"
        f"  post-render: {json.dumps(str(ROOT / 'tools' / 'docs_post_render.py'))}\n"
        "website:\n  sidebar:\n    contents: [page.qmd, results.qmd]\nformat:\n  html:\n    theme: litera\n", encoding="utf-8")
    shutil.copy(ROOT / "results.qmd", tmp_path / "results.qmd")
    (tmp_path / "page.qmd").write_text("# Page\n\nMaths $x^2 + \\frac{1}{2}$, and in code `$HOME` and `\\frac`.\n\n"
                                       "```python\nprint('$x$ \\\\frac')\n```\n", encoding="utf-8")
    for name, data in (runs or {}).items():
        f = tmp_path / "runs" / name
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(data) if isinstance(data, bytes) else f.write_text(data, encoding="utf-8")
    from smalldocs.site import build

    return build(tmp_path, quiet=True).out, tmp_path / "runs" / "results.md"


def test_copy_runs(tmp_path: Path):
    "The post-render step copies the figures and tables at the top of runs/ into the site's runs/, not the run folders."
    runs, site = tmp_path / "runs", tmp_path / "_site"
    (runs / "cpu" / "a").mkdir(parents=True)
    site.mkdir()
    for name in ("comparison_quick_acc.png", "results.csv", "comparison.csv", "results.md", "cpu/a/fig.png"):
        (runs / name).write_bytes(PNG)
    copied = copy_runs(runs, site)
    assert sorted(p.relative_to(site).as_posix() for p in copied) == [
        "results.csv", "runs/comparison.csv", "runs/comparison_quick_acc.png", "runs/results.csv"]
    assert (site / "runs" / "comparison_quick_acc.png").read_bytes() == PNG
    assert copy_runs(tmp_path / "nothing", site) == []


def test_results_page_in_browser(tmp_path: Path):
    """The Results page of a small site, in Chromium: it shows the comparison, its figure (copied from runs/ by the
    post-render step) and its tables; and the check finds a missing image, a console error, an exception, raw TeX
    and a Results page without its table."""
    binary = chromium()
    site, results = small_site(tmp_path / "with", {"results.md": RESULTS_MD, "comparison_quick_acc.png": PNG,
                                                   "results.csv": "method,acc\nNMCE,0.9\n", "extra.csv": "a\n1\n"})
    assert (site / "runs" / "extra.csv").is_file(), "the post-render step did not copy runs/*.csv into the site"
    assert 'src="runs/comparison_quick_acc.png"' in (site / "results.html").read_text(encoding="utf-8")
    problems, facts = browser_check(site, results, tmp_path / "shots", binary)
    assert problems == [] and facts["pages"] >= 2, problems
    assert (tmp_path / "shots" / "results.png").is_file()

    # The same site, broken in the ways the check is for: each must be reported.
    (site / "runs" / "comparison_quick_acc.png").unlink()
    page = (site / "page.html").read_text(encoding="utf-8")
    page = page.replace("</main>", "<p>left as TeX: $x_i$ and \\(y\\) and \\frac{a}{b}</p>"
                        "<script>console.error('boom')</script><script>undefined_function()</script></main>")
    (site / "page.html").write_text(page, encoding="utf-8")
    results.write_text(RESULTS_MD + "\n| c | d |\n|---|---|\n| 1 | 2 |\n", encoding="utf-8")
    problems, _ = browser_check(site, results, tmp_path / "shots", binary)
    text = "\n".join(problems)
    for expected in ("results.html: image did not load: runs/comparison_quick_acc.png", "results.html: could not load /runs/",
                     "page.html: console.error: boom", "page.html: uncaught exception: ReferenceError",
                     "left as TeX: $x_i$ and \\(y\\) and \\frac{a}{b}",
                     "results.html: 1 of the 3 table(s) of results.md are not on the page, such as the one with the columns c, d"):
        assert expected in text, f"{expected!r} not reported; found:\n{text}"
    assert "\\frac{1}{2}" not in text and "HOME" not in text, text  # rendered maths and code are not raw TeX


def test_no_results_page_in_browser(tmp_path: Path):
    "Without runs/results.md the Results page shows the 'No results yet' note, and the check knows it."
    binary = chromium()
    site, results = small_site(tmp_path, None)
    problems, _ = browser_check(site, None, tmp_path / "shots", binary)
    assert problems == [], problems
    problems, _ = browser_check(site, _write(tmp_path / "other.md", RESULTS_MD), tmp_path / "shots", binary)
    assert any("No results yet" in p for p in problems) and any("Comparison:" in p for p in problems), problems


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
