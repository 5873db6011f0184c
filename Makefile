# Two commands on a fresh machine: `make run` and `make test`.
# Each creates .venv on first use and reinstalls when pyproject.toml changes.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test bench screenshots clean

run: $(VENV)/.installed-app
	$(BIN)/attention-stepper

test: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet "torch==2.13.0" || echo "torch not installed: the PyTorch benchmark will be skipped"
	for script in core_vs_torch update_latency input_stream startup memory soak; do \
		QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/$$script.py || exit 1; done

screenshots: $(VENV)/.installed-app
	QT_QPA_PLATFORM=offscreen $(BIN)/attention-stepper screenshot --step scores --out docs/screenshot-scores.png
	QT_QPA_PLATFORM=offscreen $(BIN)/attention-stepper screenshot --step softmax --causal --out docs/screenshot-softmax.png
	QT_QPA_PLATFORM=offscreen $(BIN)/attention-stepper screenshot --step project --out docs/screenshot-project.png

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; run: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed-app

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
