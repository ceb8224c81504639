"""Post-render step of the documentation site (`project.post-render` in _quarto.yml; smalldocs and Quarto both run it).

1. Maths, offline. smalldocs writes maths as Pandoc does for KaTeX (`<span class="math inline">\\(x^2\\)</span>`, and
   `\\[...\\]` for display) and loads KaTeX from a CDN. This script renders each of them to MathML on the server with
   latex2mathml (pure Python), which browsers draw natively, keeps the TeX as an annotation, and removes the KaTeX
   <link>/<script> tags, so the site needs no network. Under Quarto (`html-math-method: mathml`) Pandoc has already
   written MathML and this step finds nothing to do. A heading with maths is shown with it in the page's table of
   contents too (smalldocs writes the TOC entry as the heading's plain text, which would show the TeX).
2. nbdev's `#| hide` cells (setup and imports, see HELPERS.md) are removed from the chapter pages: smalldocs, like
   Quarto, reads only Quarto's cell options (`#| include: false`), and nbdev's own pre-processing does not run here.
   smalldocs gives the cell of index N the id `cell-N`, which is how the cell is found in the page.
3. Copies runs/results.csv into the site as results.csv, for the results page's download link, and the figures and
   tables at the top of runs/ (runs/*.png, runs/*.csv: the comparison plots that runs/results.md shows, whose links
   the pre-render step points into runs/) into the site's runs/ folder, so that the Results page's images load.

Usage: run by the site build with QUARTO_PROJECT_OUTPUT_DIR set; by hand: `python tools/docs_post_render.py [SITE_DIR]`.
"""
import html
import json
import os
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(os.environ.get("QUARTO_PROJECT_DIR") or Path(__file__).resolve().parents[1])
MATH = re.compile(r'<span class="math (inline|display)">\\[(\[](.*?)\\[)\]]</span>', re.S)
KATEX_TAGS = re.compile(r'<link\b[^>]*\bhref="[^"]*katex[^"]*"[^>]*>\s*|<script\b[^>]*\bsrc="[^"]*katex[^"]*"[^>]*>\s*</script>\s*')
# TeX environments and commands KaTeX reads that latex2mathml does not: rewritten to ones it does, or dropped.
ENVIRONMENTS = [
    (re.compile(r"\\begin\{alignedat\}\{\d+\}"), r"\\begin{align*}"),
    (re.compile(r"\\(begin|end)\{(aligned|alignedat|align)\}"), r"\\\1{align*}"),
    (re.compile(r"\\(begin|end)\{(gathered|gather\*?)\}"), lambda m: r"\begin{array}{c}" if m.group(1) == "begin" else r"\end{array}"),
    (re.compile(r"\\(begin|end)\{equation\*?\}"), ""),
    (re.compile(r"\\(label|tag)\{[^{}]*\}|\\nonumber\b|\\notag\b"), ""),
    (re.compile(r"\\dfrac\b"), r"\\frac"),
]


def normalise(tex: str) -> str:
    "Rewrite the TeX that latex2mathml does not read into TeX it does."
    for pat, repl in ENVIRONMENTS:
        tex = pat.sub(repl, tex)
    return tex.strip()


def to_mathml(
    tex: str,  # The TeX, as written between the dollars
    display: bool,  # Display maths (a block) or inline
) -> str:  # A <math> element, with the TeX kept as an annotation
    "Render TeX as MathML; raise ValueError when latex2mathml cannot read it."
    from latex2mathml.converter import convert  # here, so that a Quarto build (which writes MathML itself) needs no latex2mathml

    try:
        out = convert(normalise(tex), display="block" if display else "inline")
    except Exception as e:  # latex2mathml raises its own exception types (and IndexError/KeyError) on bad input
        raise ValueError(f"{type(e).__name__}: {e}") from e
    head, _, rest = out.partition(">")
    inner = rest.rsplit("</math>", 1)[0]
    note = f'<annotation encoding="application/x-tex">{html.escape(tex)}</annotation>'
    return f"{head}><semantics><mrow>{inner}</mrow>{note}</semantics></math>"


def render_maths(
    page: str,  # A page's HTML
    warn,  # Called with a message for each formula that could not be rendered
) -> tuple[str, int]:  # The page with MathML in place of the TeX, and how many formulas were rendered
    "Replace every smalldocs maths span by MathML, and drop KaTeX's tags when nothing is left for it."
    done = 0

    def sub(m: re.Match) -> str:
        nonlocal done
        kind, tex = m.group(1), html.unescape(m.group(2))
        try:
            mathml = to_mathml(tex, kind == "display")
        except ValueError as e:
            warn(f"cannot render {tex!r} ({e}); it is shown as TeX")
            return f'<span class="math {kind} math-error" title="not rendered">{m.group(2)}</span>'
        done += 1
        return f'<span class="math {kind}">{mathml}</span>'

    page = MATH.sub(sub, page)
    page = KATEX_TAGS.sub("", page)
    if done:
        page = toc_maths(page)
    return page, done


HEADING = re.compile(r'<h([1-6])\b[^>]*\bdata-anchor-id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
ANCHOR_TAG = re.compile(r"<a\b[^>]*>|</a>")


def toc_maths(
    page: str,  # A page's HTML, its maths already MathML
) -> str:  # The page, with the TOC entry of each heading that has maths showing the heading's maths
    "Put the rendered heading (MathML) in the table-of-contents links of headings with maths, in place of their TeX text."
    for m in HEADING.finditer(page):
        if '<span class="math' not in m.group(3):
            continue
        inner = ANCHOR_TAG.sub("", m.group(3)).strip()  # no link inside the TOC's link
        link = re.compile(r'(<a href="#' + re.escape(m.group(2)) + r'"[^>]*\bclass="nav-link"[^>]*>)(.*?)(</a>)', re.S)
        page = link.sub(lambda a: a.group(1) + inner + a.group(3), page)
    return page


def hidden_cells(
    notebook: Path,  # A chapter notebook
) -> list[int]:  # The indices of its code cells flagged `#| hide`
    "Find the cells nbdev hides from the docs: code cells with a `#| hide` line among their leading `#|` lines."
    out = []
    for n, cell in enumerate(json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])):
        src = cell.get("source", "")
        lines = ("".join(src) if isinstance(src, list) else src).split("\n")
        flags = [ln[2:].strip() for ln in lines[: next((i for i, ln in enumerate(lines) if not ln.startswith("#|")), len(lines))]]
        if cell.get("cell_type") == "code" and "hide" in flags:
            out.append(n)
    return out


def drop_cells(
    page: str,  # A chapter's HTML
    cells: list[int],  # The indices of the cells to remove
) -> str:  # The page without those cells' <div id="cell-N"> blocks
    "Remove whole cell divs from a page, by id, with their nested divs."
    for n in cells:
        start = page.find(f'<div id="cell-{n}" class="cell">')
        if start < 0:
            continue
        depth, i = 0, start
        for m in re.compile(r"<div\b|</div>").finditer(page, start):
            depth += 1 if m.group(0) == "<div" else -1
            if depth == 0:
                i = m.end()
                break
        else:
            continue  # unbalanced: leave the page as it is
        page = page[:start] + page[i:].lstrip("\n")
    return page


def copy_runs(
    runs: Path,  # The runner's output folder, runs/
    out_dir: Path,  # The built site
) -> list[Path]:  # The files copied, as they are in the site
    "Copy runs/results.csv to the site's root, and runs/*.png and runs/*.csv (top level only) to the site's runs/."
    copied = []
    if (runs / "results.csv").is_file():
        shutil.copyfile(runs / "results.csv", out_dir / "results.csv")
        copied.append(out_dir / "results.csv")
    files = sorted(f for pat in ("*.png", "*.csv") for f in runs.glob(pat) if f.is_file()) if runs.is_dir() else []
    if files:
        (out_dir / "runs").mkdir(exist_ok=True)
    for f in files:
        shutil.copyfile(f, out_dir / "runs" / f.name)  # copyfile: the site's usual permissions, not the run's
        copied.append(out_dir / "runs" / f.name)
    return copied


def main(out_dir: Path) -> int:
    "Post-process every page of the built site; copy the results CSV and the runs' figures."
    if not out_dir.is_dir():
        print(f"docs_post_render: {out_dir} is not a built site", file=sys.stderr)
        return 1
    pages = formulas = 0
    for f in sorted(out_dir.rglob("*.html")):
        text = f.read_text(encoding="utf-8")
        nb = ROOT / f.relative_to(out_dir).with_suffix(".ipynb")
        new = drop_cells(text, hidden_cells(nb)) if nb.is_file() else text
        new, n = render_maths(new, lambda msg, f=f: print(f"docs_post_render: {f.relative_to(out_dir)}: {msg}", file=sys.stderr))
        if new != text:
            f.write_text(new, encoding="utf-8")
        pages += n > 0
        formulas += n
    copied = copy_runs(ROOT / "runs", out_dir)
    print(f"docs_post_render: {formulas} formula(s) rendered to MathML on {pages} page(s); "
          f"{len(copied)} file(s) copied from runs/", file=sys.stderr)
    return 0


if __name__ == "__main__":
    arg = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("QUARTO_PROJECT_OUTPUT_DIR", "_site")
    out = Path(arg)
    sys.exit(main(out if out.is_absolute() else (ROOT / out).resolve()))
