"""Check a built documentation site offline (not a pytest file: `make docs` runs it after the build).

    python tests/check_site.py [SITE_DIR]      # default _site; exit 1 on any problem

It checks that
- no page loads anything from the network: no http(s):// or protocol-relative URL in <script src>, <link href>
  (stylesheets, preloads, icons), <img>/<iframe>/<source> src, a module `import` in an inline script, or a CSS @import/url()
  in a page or in a stylesheet of the site;
- the scripts and stylesheets a page loads exist in the site;
- every page that _quarto.yml lists in the sidebar was built (the chapters, the results page, the API pages);
- no maths was left as raw TeX (a formula the maths step could not render is reported).
It also notes (without failing) the chapters whose page has no title but their file name: smalldocs and Quarto take a
notebook's title from a `# Title` in its FIRST cell (or a `title:` front matter), not from a later cell.
tests/test_docs.py imports `check_site` and `sidebar_entries` from here.
"""
import re
import sys
from pathlib import Path
from urllib.parse import unquote

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?//")  # http://, https://, //host
TAG = re.compile(r"<(script|link|img|iframe|source|embed|object)\b([^>]*)>", re.I)
ATTR = re.compile(r"""\b(src|href|data)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
REL = re.compile(r"""\brel\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
# Links that load nothing: a <link> with only these rels is metadata, not a resource.
INERT_RELS = {"canonical", "alternate", "license", "author", "me", "next", "prev", "search"}
INLINE_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.S | re.I)
STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.S | re.I)
JS_IMPORT = re.compile(r"""(?:\bimport\s*\(?|\bfrom)\s*['"]((?:https?:)?//[^'"]+)""")
CSS_URL = re.compile(r"""@import\s+(?:url\()?\s*['"]?((?:https?:)?//[^'")\s;]+)|url\(\s*['"]?((?:https?:)?//[^'")\s]+)""", re.I)
RAW_MATH = re.compile(r'<span class="math (?:inline|display)[^"]*">\\[(\[]|class="math[^"]*math-error')


def sidebar_entries(
    config: Path = ROOT / "_quarto.yml",  # The site definition
) -> list[str]:  # Every path or glob listed in website.sidebar, in order
    "List the sources that the sidebar of _quarto.yml names: plain paths, globs and hrefs of sections, in order."
    cfg = yaml.safe_load(config.read_text(encoding="utf-8"))
    bars = (cfg.get("website") or {}).get("sidebar") or []
    out: list[str] = []

    def walk(items) -> None:
        for it in items if isinstance(items, list) else [items]:
            if isinstance(it, str):
                out.append(it)
            elif isinstance(it, dict):
                for key in ("href", "file"):
                    if isinstance(it.get(key), str) and not EXTERNAL.match(it[key]):
                        out.append(it[key])
                walk(it.get("contents") or [])

    for bar in bars if isinstance(bars, list) else [bars]:
        walk(bar.get("contents", []) if isinstance(bar, dict) else bar)
    return out


def expand(
    entries: list[str],  # Paths and globs, relative to the project root
    root: Path = ROOT,  # The project root
) -> list[Path]:  # The files they name that exist, in order
    "Expand the globs of the sidebar into the files they match."
    files: list[Path] = []
    for e in entries:
        e = e.lstrip("/")
        found = sorted(root.glob(e)) if any(c in e for c in "*?[") else [root / e]
        files += [f for f in found if f.is_file() and f not in files]
    return files


def external_refs(
    text: str,  # A page's HTML
) -> list[str]:  # One line for each resource it loads from the network
    "Find what a page loads from outside the site."
    bad = []
    for m in TAG.finditer(text):
        tag, attrs = m.group(1).lower(), m.group(2)
        if tag == "link":
            rel = REL.search(attrs)
            rels = set((next(g for g in rel.groups() if g is not None) if rel else "").lower().split())
            if rels and rels <= INERT_RELS:
                continue
        for a in ATTR.finditer(attrs):
            url = next(g for g in a.groups()[1:] if g is not None)
            if tag != "a" and EXTERNAL.match(url.strip()):
                bad.append(f"<{tag} {a.group(1)}={url}>")
    for body in INLINE_SCRIPT.findall(text):
        bad += [f"script import {u}" for u in JS_IMPORT.findall(body)]
    for body in STYLE.findall(text):
        bad += [f"css {u1 or u2}" for u1, u2 in CSS_URL.findall(body)]
    return bad


def local_refs(
    text: str,  # A page's HTML
) -> list[str]:  # The site-relative targets of its <script src> and stylesheet <link href>
    "List the local scripts and stylesheets a page loads."
    out = []
    for m in TAG.finditer(text):
        tag, attrs = m.group(1).lower(), m.group(2)
        rel = REL.search(attrs)
        rels = (next(g for g in rel.groups() if g is not None) if rel else "").lower().split()
        if tag == "script" or (tag == "link" and "stylesheet" in rels):
            for a in ATTR.finditer(attrs):
                url = next(g for g in a.groups()[1:] if g is not None)
                if a.group(1).lower() in ("src", "href") and not EXTERNAL.match(url) and not url.startswith(("data:", "#")):
                    out.append(unquote(url.split("#")[0].split("?")[0]))
    return out


def check_site(
    site: Path,  # The built site
    root: Path = ROOT,  # The project root, whose _quarto.yml lists the pages
) -> list[str]:  # One line per problem; empty when the site is fine
    "Check a built site; see the module's docstring."
    problems = []
    pages = sorted(site.rglob("*.html"))
    if not pages:
        return [f"{site}: no HTML pages; build the site first (make docs)"]
    for page in pages:
        name = page.relative_to(site).as_posix()
        text = page.read_text(encoding="utf-8", errors="replace")
        problems += [f"{name}: loads {b} from the network" for b in external_refs(text)]
        for ref in local_refs(text):
            if not (page.parent / ref).resolve().is_file():
                problems.append(f"{name}: loads {ref}, which is not in the site")
        if RAW_MATH.search(text):
            problems.append(f"{name}: maths left as TeX (not rendered to MathML); see the build's docs_post_render lines")
    for css in sorted(site.rglob("*.css")):
        for u1, u2 in CSS_URL.findall(css.read_text(encoding="utf-8", errors="replace")):
            problems.append(f"{css.relative_to(site).as_posix()}: loads {u1 or u2} from the network")
    for src in expand(sidebar_entries(root / "_quarto.yml"), root):
        built = site / src.relative_to(root).with_suffix(".html")
        if not built.is_file():
            problems.append(f"{src.relative_to(root).as_posix()} is in the sidebar but {built.relative_to(site).as_posix()} was not built")
    return problems


def untitled(
    site: Path,  # The built site
    root: Path = ROOT,  # The project root
) -> list[str]:  # The chapters (sidebar notebooks) whose page title is only their file name
    "List the chapters whose title fell back to the file name, such as `00 metrics` for nbs/00_metrics.ipynb."
    out = []
    for src in expand(sidebar_entries(root / "_quarto.yml"), root):
        built = site / src.relative_to(root).with_suffix(".html")
        if src.suffix == ".ipynb" and built.is_file():
            m = re.search(r"<title>(.*?)</title>", built.read_text(encoding="utf-8", errors="replace"), re.S)
            if m and m.group(1).split(" – ")[0].strip() == src.stem.replace("-", " ").replace("_", " "):
                out.append(src.relative_to(root).as_posix())
    return out


if __name__ == "__main__":
    arg = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_site"
    site = arg if arg.is_absolute() else (Path.cwd() / arg)
    found = check_site(site)
    for p in found:
        print(f"check_site: {p}", file=sys.stderr)
    bare = untitled(site)
    if bare:
        print(f"check_site: note: titled by file name only (make the `# Title` markdown cell the notebook's first cell): {', '.join(bare)}",
              file=sys.stderr)
    n = len(list(site.rglob("*.html")))
    print(f"check_site: {n} page(s) in {site}: " + (f"{len(found)} problem(s)" if found else "offline, every sidebar page built, maths rendered"),
          file=sys.stderr)
    sys.exit(1 if found else 0)
