# Two commands: `make demo` (the main job end to end) and `make test` (the suite).
# Each builds .venv from the pinned requirements.lock when it is missing or stale.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.taxgate-installed

.PHONY: demo test lint typecheck bench clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/taxgate demo

test: $(STAMP)
	bash scripts/check-services
	$(BIN)/ruff check taxgate tests bench docs
	$(BIN)/ruff format --check taxgate tests bench docs/verify_response.py
	$(BIN)/mypy
	$(BIN)/pytest -n 2 --durations=15

lint: $(STAMP)
	$(BIN)/ruff check taxgate tests bench docs
	$(BIN)/ruff format --check taxgate tests bench docs/verify_response.py

typecheck: $(STAMP)
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
