# Two commands do all the set-up:  make lab  and  make test.
# Both create .venv with the machine's python3 when it is missing and (re)install the
# project only when pyproject.toml changed (the stamp file is keyed on its hash).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-16)
PYTEST_ARGS ?=
# The browser tests (tests/test_browser.py) drive Debian's chromium through Playwright;
# Playwright's own browser download is not used.
CHROMIUM := /usr/bin/chromium
SUDO     := $(if $(filter 0,$(shell id -u)),,sudo)
# The sweep cache of the notebooks lives in the checkout (git-ignored): a fresh clone runs
# every experiment for real, a rerun in the same checkout is quick.
export BACKPROP_CACHE ?= $(CURDIR)/.cache/sweeps
NBVAL  := --nbval-lax --nbval-current-env --nbval-cell-timeout=1800 \
          --nbval-sanitize-with notebooks/nbval_sanitize.cfg

# make app serves the playground to a browser; APP_IP=0.0.0.0 opens it to the classroom LAN.
APP_IP   ?= 127.0.0.1
APP_PORT ?= 8866

.PHONY: lab app test lint bench notebooks clean-venv

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $@

$(CHROMIUM):
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

# The classroom settings (idle kernels culled, ...) are in app/voila.json, which Voila reads
# from the folder it runs in.
app: $(STAMP)
	@echo "The playground: open http://$(APP_IP):$(APP_PORT)/ in a browser (Ctrl-C stops it)"
	cd app && $(CURDIR)/$(BIN)/voila playground.ipynb --no-browser --Voila.ip=$(APP_IP) \
	    --port=$(APP_PORT)

lint: $(STAMP)
	$(BIN)/ruff check .

test: lint $(CHROMIUM)
	$(BIN)/python -m pytest tests notebooks $(NBVAL) $(PYTEST_ARGS)

notebooks: $(STAMP)
	$(BIN)/python scripts/execute_notebooks.py

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_train.py
	$(BIN)/python benchmarks/bench_widgets.py
	$(BIN)/python benchmarks/bench_classroom.py

clean-venv:
	rm -rf $(VENV)
