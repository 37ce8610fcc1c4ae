# Two commands do all the set-up:  make lab  and  make test  (and make app in the classroom).
# Each target runs scripts/tasks.py, the one implementation of the set-up, which Windows users
# (no make) run themselves: py scripts\tasks.py lab. It creates .venv with $(PYTHON) when it is
# missing and (re)installs the project only when pyproject.toml changed (the stamp file is
# named by its SHA-256, computed in Python: no sha256sum/shasum needed).
#
# Settings, given on the command line (make app APP_PORT=8867) or in the environment; make
# passes command-line variables on to tasks.py in the environment:
#   PYTHON       the Python that runs tasks.py and creates .venv (3.10 or newer; default python3)
#   LAB_PORT     port of make lab (default: Jupyter's 8888, or the next free one)
#   NOTEBOOKS    the folder make lab opens (default notebooks; student/self-study: the student
#                edition, as in  make lab NOTEBOOKS=student/self-study)
#   APP_IP       address of make app (default 127.0.0.1; 0.0.0.0 opens it to the classroom LAN)
#   APP_PORT     port of make app (default 8866)
#   HUB_IP       address of make hub (default 127.0.0.1), HUB_PORT its port (default 8000);
#                HUB_DIR its state (default .hub/), HUB_PASSWORD the class's password
#   BOARD_PORT   port of make app's class board (default APP_PORT + 1)
#   APP_STORE    the class's store of runs, an SQLite file (default app/class-runs.sqlite)
#   PYTEST_ARGS  more pytest arguments for make test, e.g. PYTEST_ARGS="-x -k widgets"
#   CHROMIUM     the browser for the browser tests (default: found; see scripts/find_browser.py)
# The JupyterLab and Voila command lines are LAB_ARGS and VOILA_ARGS in scripts/tasks.py.
#
# Kept to what GNU make 3.81 (macOS) understands: no 3.82+/4.x features.

PYTHON ?= python3
TASKS  := $(PYTHON) scripts/tasks.py
BIN    := .venv/bin

.PHONY: lab app hub test lint install browser bench notebooks sweeps clean-venv student

lab:
	@$(TASKS) lab

app:
	@$(TASKS) app

test:
	@$(TASKS) test

# The course on a JupyterHub on this machine (deploy/jupyterhub/; needs node and npm, which it
# installs from Debian when missing, and configurable-http-proxy, which it installs with npm).
hub:
	@$(TASKS) hub

lint:
	@$(TASKS) lint

install:
	@$(TASKS) install

browser:
	@$(TASKS) browser

# The stamp file by its name (make .venv/.installed-<hash>) also just installs.
.venv/.installed-%:
	@$(TASKS) install

notebooks: install
	$(BIN)/python scripts/execute_notebooks.py

# The finished runs of notebooks 02-04, shipped in backprop/data/sweeps.json.gz, recomputed from an
# empty cache (about 17 minutes on two cores): after a change to backprop/activation.py, nn.py
# or training.py (tests/test_sweep_results.py fails then) or to their sweeps (so does the CI
# check, tests/test_sweeps_shipped.py).
sweeps: install
	$(BIN)/python scripts/make_sweeps.py

bench: install
	$(BIN)/python benchmarks/bench_train.py
	$(BIN)/python benchmarks/bench_widgets.py
	$(BIN)/python benchmarks/bench_classroom.py

clean-venv:
	rm -rf .venv

# The student edition, from the teacher's notebooks: student/self-study (committed: each
# solution folded into a collapsed <details>) and student/classroom (git-ignored: none).
student: install
	$(BIN)/python scripts/make_student.py
