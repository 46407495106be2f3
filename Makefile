# cyplink: two commands do all the set-up on a fresh machine with Python 3.11:
#   make demo   - whole pipeline on a small synthetic population
#   make test   - lint + unit + end-to-end + dbt tests + docs coverage + browser test
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
CYPLINK := $(BIN)/cyplink

DEMO_SCALE ?= 0.2
DEMO_SEED ?= 42
DATA := data
export CYPLINK_LANDING ?= $(DATA)/landing
export CYPLINK_TRUTH ?= $(DATA)/truth
export CYPLINK_WAREHOUSE ?= $(DATA)/warehouse.duckdb
export CYPLINK_EXPORTS ?= $(DATA)/exports
export DBT_SEND_ANONYMOUS_USAGE_STATS := False

.PHONY: help install validators demo test lint fmt unit docs report bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	UV_PYTHON=$(PYTHON) $(UV) sync --frozen --quiet
	touch $@

install: $(VENV)/.synced  ## create .venv and install the locked dependencies

# Data to Insight's DfE 903/CIN validators pin pandas<2: they get their own venv.
VALIDATORS_VENV := .venv-validators
$(VALIDATORS_VENV)/.installed: validators/requirements.txt
	rm -rf $(VALIDATORS_VENV)
	$(PYTHON) -m venv $(VALIDATORS_VENV)
	$(VALIDATORS_VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -r validators/requirements.txt
	$(VALIDATORS_VENV)/bin/pip check --disable-pip-version-check
	$(VALIDATORS_VENV)/bin/python -c "import lac_validator.lac_validator, cin_validator.cin_validator"
	touch $@

validators: $(VALIDATORS_VENV)/.installed  ## separate venv with the DfE validators (for `cyplink validate`)

demo: install  ## synthetic data -> linkage -> dbt build -> docs -> exports -> report
	@time_start=$$(date +%s); \
	$(CYPLINK) synth --scale $(DEMO_SCALE) --seed $(DEMO_SEED) --landing $(CYPLINK_LANDING) --truth $(CYPLINK_TRUTH); \
	$(CYPLINK) run --landing $(CYPLINK_LANDING) --warehouse $(CYPLINK_WAREHOUSE) --exports $(CYPLINK_EXPORTS); \
	$(CYPLINK) evaluate --warehouse $(CYPLINK_WAREHOUSE) --truth $(CYPLINK_TRUTH); \
	$(CYPLINK) docs --landing $(CYPLINK_LANDING) --warehouse $(CYPLINK_WAREHOUSE) --out $(DATA)/docs; \
	$(CYPLINK) report --warehouse $(CYPLINK_WAREHOUSE) --out $(DATA)/report; \
	echo; echo "cyplink demo finished in $$(( $$(date +%s) - time_start )) s"; \
	echo "  warehouse : $(CYPLINK_WAREHOUSE)  (schemas linkage, staging, linked, marts, publication)"; \
	echo "  exports   : $(CYPLINK_EXPORTS)/  (Parquet + CSV for BI tools)"; \
	echo "  docs site : $(DATA)/docs/index.html"; \
	echo "  report    : $(DATA)/report/index.html"; \
	echo "  synthetic : landing $(CYPLINK_LANDING), truth $(CYPLINK_TRUTH)"

lint: install  ## ruff (lint + format check), mypy and sqlfluff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy cyplink synthetic linkage analyses
	@# The dbt templater compiles against a warehouse: give it a throwaway one.
	mkdir -p $(DATA)/lint
	CYPLINK_WAREHOUSE=$(DATA)/lint/lint.duckdb $(BIN)/sqlfluff lint models macros tests analyses --processes 2

fmt: install  ## apply ruff and sqlfluff fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	mkdir -p $(DATA)/lint
	CYPLINK_WAREHOUSE=$(DATA)/lint/lint.duckdb $(BIN)/sqlfluff fix models macros tests analyses --processes 2

unit: install  ## pytest without the end-to-end tests
	$(BIN)/pytest -m "not e2e and not browser"

test: install validators lint  ## everything CI runs: lint, pytest (unit + e2e with dbt build, docs coverage, validators, browser)
	$(BIN)/pytest

docs: install  ## static dbt docs site (single HTML file) from the current warehouse
	$(CYPLINK) docs --landing $(CYPLINK_LANDING) --warehouse $(CYPLINK_WAREHOUSE) --out $(DATA)/docs

report: install  ## HTML report from the publication marts
	$(CYPLINK) report --warehouse $(CYPLINK_WAREHOUSE) --out $(DATA)/report

BENCH_OUT := bench/out
bench: install  ## generation at scale 0.1 and 1.0, linkage at 1.0 vs plain Splink (record in BENCHMARKS.md)
	$(BIN)/python -m synthetic.bench --scales 0.1 1.0 --out $(BENCH_OUT)/synthetic
	$(BIN)/python -m linkage.bench --scale 1.0 \
	  --landing $(BENCH_OUT)/synthetic/scale_1/landing --truth $(BENCH_OUT)/synthetic/scale_1/truth \
	  --workdir $(BENCH_OUT)/linkage

clean:  ## remove generated data and dbt output (keeps .venv)
	rm -rf $(DATA) target logs bench/out test-artifacts
