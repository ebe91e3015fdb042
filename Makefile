# Two commands do everything on a fresh machine with Python 3.11 and make:
#   make run    create .venv, install, run the default evaluation (Herefordshire)
#   make test   run the whole test suite (creating .venv if needed)
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EVALUATION ?= evaluations/herefordshire.yaml

.PHONY: run test venv lock notebooks sample clean

venv: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "make: $(PYTHON) not found; install Python 3.11 or run make PYTHON=/path/to/python3.11"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "pip==26.3"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	# byte-compile evaltools as pip does the packages it installs: an editable install is
	# not, and where PYTHONDONTWRITEBYTECODE is set every kernel of a run compiled it again
	$(BIN)/python -m compileall -q src/evaltools
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/evaltools run $(EVALUATION)

test: $(STAMP)
	$(BIN)/python -m pytest

# Regenerate the pinned environment from pyproject.toml's ranges (needs the network).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet -e '.[dev]'
	{ echo "# Pinned environment for evaltools (Python 3.11). Used as pip constraints by the Makefile:"; \
	  echo "#   pip install -c requirements.lock -e '.[dev]'"; \
	  echo "# Regenerate after changing pyproject.toml dependencies: make lock"; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^evaltools'; } > requirements.lock
	rm -rf .lock-venv

# Rebuild the stored .ipynb from the reviewed jupytext .py files (no outputs).
notebooks: $(STAMP)
	$(BIN)/jupytext --sync notebooks/*.py

# Regenerate the bundled synthetic child-level sample (deterministic: same files).
sample: $(STAMP)
	$(BIN)/evaltools synth --config data/sample/synth.yaml --out data/sample

clean:
	rm -rf $(VENV) .pytest_cache
