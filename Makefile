# Two commands set up a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install lint bench clean train screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	rm -f demo.db
	$(BIN)/armstrack --db demo.db ingest examples/articles
	$(BIN)/armstrack --db demo.db deals
	$(BIN)/armstrack --db demo.db show 1
	@echo
	@echo "The register in a browser (read-only, offline):"
	@echo "  $(BIN)/armstrack serve --db demo.db"
	@echo "  then open http://127.0.0.1:8001/"

test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m pytest

# Rebuild the learned layer from corpus/labels (needs ../shared/data beside the clone):
# fixed seeds and folds, a few minutes on 2 cores.
train: $(STAMP)
	$(BIN)/armstrack learn train --report corpus/figures.json

bench: $(STAMP)
	$(BIN)/python bench/bench_timex.py
	$(BIN)/python bench/bench_kb.py
	$(BIN)/python bench/bench_gate.py
	$(BIN)/python bench/bench_ingest.py
	$(BIN)/python bench/bench_versions.py --limit 2000 --rounds 3

# Screenshots of every page at 1280x800 into docs/screenshots/ (needs Debian's chromium).
screenshots: $(STAMP)
	$(BIN)/python bench/screenshots.py

clean:
	rm -rf $(VENV) demo.db build *.egg-info src/*.egg-info
