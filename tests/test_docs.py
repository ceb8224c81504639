"""The documentation site: every chapter is in the sidebar, and the site builds offline with rendered maths.

The site is defined once, in _quarto.yml; `make docs` builds it with smalldocs and checks it with tests/check_site.py.
Here the same build goes into a temporary folder (a few seconds), so a chapter that is not in the sidebar, a page that
loads something from a CDN, or maths left as raw TeX fails `make test`.
"""
import json
import re
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tools"))
from check_site import check_site, expand, sidebar_entries  # noqa: E402
from docs_post_render import hidden_cells  # noqa: E402

CHAPTERS = sorted((ROOT / "nbs").glob("*.ipynb"))
MATH = re.compile(r"(?<![\\$])\$[^$\s][^$]*?(?<!\s)\$|\$\$.+?\$\$", re.S)  # $x$ or $$...$$ in a markdown cell


def chapter_key(p: Path) -> tuple:
    "Reading order: index first, then by the chapter number in front of the name."
    m = re.match(r"(\d+)_", p.name)
    return (p.stem != "index", int(m.group(1)) if m else 10**6, p.name)


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


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    "Build the whole site from _quarto.yml with smalldocs, into a temporary folder."
    from smalldocs.config import load
    from smalldocs.site import Site

    site = Site(load(ROOT), quiet=True)
    site.out = tmp_path_factory.mktemp("docs") / "_site"
    start = time.perf_counter()
    site.build()
    seconds = time.perf_counter() - start
    assert seconds < 120, f"the docs build took {seconds:.0f}s"
    return site.out


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
        if MATH.search(re.sub(r"`[^`\n]*`", "", text)):
            with_maths.append(chapter)
            page = (built / "nbs" / f"{chapter.stem}.html").read_text(encoding="utf-8")
            assert "<math" in page, f"{chapter.name} has maths but its page has no MathML"
            assert "katex" not in page.lower(), f"{chapter.name}: the page still loads KaTeX"
    if not with_maths:
        pytest.skip("no chapter has maths yet; test_maths_step covers the maths step")


def test_maths_step(tmp_path: Path):
    "The post-render step on a small site: inline, display and aligned maths become MathML, and no CDN is loaded."
    from smalldocs.site import build

    (tmp_path / "_quarto.yml").write_text(
        "project:\n  type: website\n  output-dir: _site\n"
        f"  post-render: {json.dumps(str(ROOT / 'tools' / 'docs_post_render.py'))}\n"
        "website:\n  sidebar:\n    contents: [page.qmd]\nformat:\n  html:\n    theme: litera\n", encoding="utf-8")
    (tmp_path / "page.qmd").write_text(
        "# Maths\n\nThe rate $R(Z)=\\tfrac12\\log\\det(I+\\alpha Z^\\top Z)$ with $\\alpha = d/(n\\epsilon^2)$, and\n\n"
        "$$\n\\begin{aligned} \\Delta R &= R(Z) - R_c(Z, \\Pi) \\\\ &\\ge 0 \\end{aligned}\n$$\n", encoding="utf-8")
    site = build(tmp_path, quiet=True)
    page = (site.out / "page.html").read_text(encoding="utf-8")
    assert page.count("<math") == 3, page
    assert "<mtable" in page and "application/x-tex" in page
    assert "\\(" not in page and "katex" not in page.lower()
    assert check_site(site.out, tmp_path) == []
