# Two commands do all the set-up: `make demo` and `make test`.
# Both create .venv on first use and install the project into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO_DIR ?= demo_output
DIST_DIR ?= dist
# xlwings Server is free under PolyForm Noncommercial 1.0.0, which counts use by a government
# institution (a municipality) as a permitted purpose; see README ("Licences").
export XLWINGS_LICENSE_KEY ?= noncommercial

.PHONY: demo test js-test dist bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[server,test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/itbudget demo $(DEMO_DIR)

test: js-test $(STAMP)
	$(BIN)/python -m pytest

# The add-in's own JavaScript (addin/static/js): node:test with office-addin-mock.
js-test: node_modules/.package-lock.json
	node --test tests/js/

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# A wheel of itbudget in dist/ (docs/addin.md: installing it on a PC or a server).
dist: $(STAMP)
	rm -rf build
	$(BIN)/python -m pip wheel --no-deps --wheel-dir $(DIST_DIR) .

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .hypothesis build dist *.egg-info node_modules
