# The two commands of the README, plus the authoring helpers. Every target creates the environment if it is missing.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Extra pytest arguments, e.g. `make test ARGS="--slow"` to run the cells flagged slow too.
ARGS ?=
# OpenMP threads sleep instead of spinning while they wait: on a small shared machine (2 cores, pytest -n 2, or a
# benchmark beside other work) spinning threads fight for the cores and small torch ops get 10-20x slower.
export OMP_WAIT_POLICY ?= PASSIVE

.PHONY: bench test export clean-nbs docs serve-docs course chromium

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## 1. The main job: run a batch of benchmark notebooks and print the comparison and the tables. SCALE=quick (default:
## every method once on digits and COIL-20, minutes), SCALE=cpu (every preset, all seeds and bundled sets: hours on
## 2 cores), SCALE=full (the papers' settings, for a GPU; DATA_ROOT=... names the folder of the large sets).
## JOBS runs that many presets side by side, the CPU threads split between them.
SCALE ?= quick
JOBS ?= 2
DATA_ROOT ?=
bench: $(STAMP)
	$(BIN)/deepsubspace run --scale $(SCALE) --jobs $(JOBS) --out runs $(if $(DATA_ROOT),--data-root $(DATA_ROOT))

## 2. The tests: export the notebooks, then every notebook's inline tests and tests/ under pytest.
test: $(STAMP) chromium
	$(BIN)/nbdev-export
	$(BIN)/python -m pytest -n 2 $(ARGS)

## The course as a reader runs it: every chapter top to bottom in reading order (the `#| slow` cells too), the outputs
## saved in the notebooks (the site shows them), the time of each chapter printed and written to runs/course_times.json.
course: $(STAMP)
	$(BIN)/nbdev-export
	$(BIN)/python tools/run_course.py

export: $(STAMP)
	$(BIN)/nbdev-export

clean-nbs: $(STAMP)
	$(BIN)/nbdev-clean

## The documentation site, offline: smalldocs builds _site from _quarto.yml (its pre-/post-render steps write the API
## pages, copy runs/results.md and its figures into the Results page and render the maths to MathML), then a check that
## no page loads anything from the network and that every chapter in the sidebar was built, then every page opened in
## headless Chromium (no console error, every image loaded, no raw TeX, the results shown; screenshots in _screenshots/).
docs: $(STAMP) chromium
	$(BIN)/nbdev-export
	$(BIN)/smalldocs render
	$(BIN)/python tests/check_site.py _site
	$(BIN)/python tools/browser_check.py _site

## Chromium, for the browser check of the site (docs, test): installed with apt-get when it is missing (sudo if not root).
APT := $(shell [ "$$(id -u)" = 0 ] || ! command -v sudo >/dev/null || echo sudo) env DEBIAN_FRONTEND=noninteractive apt-get
chromium:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
	  { echo "installing Chromium: apt-get install -y chromium"; \
	    $(APT) install -y chromium || { $(APT) update && $(APT) install -y chromium; }; }

## Build, then serve the site at http://127.0.0.1:4200 (`.venv/bin/smalldocs preview` also rebuilds on every change).
serve-docs: docs
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _site 4200
