# Two commands do all the set-up: `make demo` and `make test`.
# Both create .venv on first use and install the project into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO_DIR ?= demo_output
# xlwings Server is free under PolyForm Noncommercial 1.0.0, which counts use by a government
# institution (a municipality) as a permitted purpose; see README ("Licences").
export XLWINGS_LICENSE_KEY ?= noncommercial

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[server,test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/itbudget demo $(DEMO_DIR)

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .hypothesis build *.egg-info
