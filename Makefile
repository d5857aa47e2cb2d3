# The two commands a person needs are `make demo` and `make test`; both create .venv when it is missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint typecheck contracts unit bench bench-redaction clean

$(STAMP): pyproject.toml requirements.lock
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/callwarden demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

test: lint typecheck contracts
	HF_HUB_OFFLINE=1 $(BIN)/pytest -q; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo 'pytest collected no tests' >&2; exit 1; fi; exit $$rc

bench: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python bench/ingest.py
	HF_HUB_OFFLINE=1 $(BIN)/python bench/asr.py
	$(BIN)/pip install --quiet -r bench/requirements-consent.txt
	PYTHONPATH=. HF_HUB_OFFLINE=1 $(BIN)/python bench/consent.py
	PYTHONPATH=. HF_HUB_OFFLINE=1 $(BIN)/python bench/line_hearings.py
	PYTHONPATH=. HF_HUB_OFFLINE=1 $(BIN)/python bench/redaction.py --with-audio
	PYTHONPATH=.:bench HF_HUB_OFFLINE=1 $(BIN)/python bench/redaction_review_rate.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Redaction benchmark in its own environment: presidio-analyzer (pattern recognizers only) never enters .venv.
bench-redaction:
	test -d .venv-bench || $(PY) -m venv .venv-bench
	.venv-bench/bin/pip install --quiet -r bench/requirements-redaction.txt
	PYTHONPATH=src .venv-bench/bin/python bench/redaction.py
