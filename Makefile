# Two commands do all the set-up:  make lab  and  make test.
# Both create .venv with the machine's python3 when it is missing and (re)install the
# project only when pyproject.toml changed (the stamp file is keyed on its hash).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-16)
PYTEST_ARGS ?=
# The sweep cache of the notebooks lives in the checkout (git-ignored): a fresh clone runs
# every experiment for real, a rerun in the same checkout is quick.
export BACKPROP_CACHE ?= $(CURDIR)/.cache/sweeps
NBVAL  := --nbval-lax --nbval-current-env --nbval-cell-timeout=1800 \
          --nbval-sanitize-with notebooks/nbval_sanitize.cfg

.PHONY: lab test lint bench notebooks clean-venv

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $@

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

lint: $(STAMP)
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest tests notebooks $(NBVAL) $(PYTEST_ARGS)

notebooks: $(STAMP)
	$(BIN)/python scripts/execute_notebooks.py

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_train.py

clean-venv:
	rm -rf $(VENV)
