# Two entry points: `make report` and `make test`. Both set up .venv from pyproject.toml first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DATA   ?= demo
ENGINE ?= auto
REPORT ?= .

YEARS  ?= 2007-2024

.PHONY: report test test-spark setup bench clean data check-site preview

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

# REPORT is the report folder (default the project's own; e.g. REPORT=examples/batteries).
# DATA, ENGINE and REPORT reach the build through the environment, never as shell text: DATA is split into
# folders as a shell splits words, so a folder with spaces is quoted: DATA='"my folder" totals'.
report: export TRADE_REPORT_DATA := $(DATA)
report: export TRADE_REPORT_ENGINE := $(ENGINE)
report: export TRADE_REPORT_REPORT := $(REPORT)
report: $(STAMP)
	$(BIN)/python -m analysis --report "$$TRADE_REPORT_REPORT" build --data-words "$$TRADE_REPORT_DATA" --engine "$$TRADE_REPORT_ENGINE"

# The website on http://127.0.0.1:$(PORT)/, rebuilt as chapters, the package or the data change (Ctrl-C stops it).
PORT ?= 8000
preview: export TRADE_REPORT_DATA := $(DATA)
preview: export TRADE_REPORT_REPORT := $(REPORT)
preview: export TRADE_REPORT_PORT := $(PORT)
preview: $(STAMP)
	$(BIN)/python -m analysis.preview --data-words "$$TRADE_REPORT_DATA" --port "$$TRADE_REPORT_PORT" --report "$$TRADE_REPORT_REPORT"

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

# The Spark tests (local mode, needs Java 17+): installs the spark extra, then runs only them.
test-spark: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test,spark]"
	$(BIN)/python -m pytest -q -m spark

data: $(STAMP)
	$(BIN)/python -m analysis fetch --years $(YEARS)

# The website in a real browser: every page loads, links resolve, search works (installs chromium if missing).
check-site: $(STAMP)
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	$(BIN)/python -m pytest -q tests/test_e2e.py -k site

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_build.py
	$(BIN)/python benchmarks/bench_indicators.py
	$(BIN)/python benchmarks/bench_bulk.py

clean:
	rm -rf _book _freeze data/processed/*/ figures/*.png figures/*.pdf
