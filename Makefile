# The README's two commands: `make run` and `make test`. Both install what they need on a fresh machine.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
INSTALLED := $(VENV)/.installed
PYTEST := $(BIN)/pytest -q -p no:randomly
export OPENKAP_DATA_DIR ?= $(CURDIR)/data

.PHONY: run install test lint typecheck test-sqlite test-postgres test-browser bench lock vendor

$(INSTALLED): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e . 2>/dev/null \
		|| $(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(INSTALLED)

install: $(INSTALLED)

# Serve the demo clinic on SQLite at http://127.0.0.1:8000.
run: install
	$(BIN)/openkap migrate --noinput -v 0
	$(BIN)/openkap demo
	@echo
	@echo "OpenKAP is serving the demo clinic at http://127.0.0.1:8000  (staff sign-in; Ctrl+C stops it)"
	OPENKAP_DEMO_MODE=1 $(BIN)/openkap runserver 127.0.0.1:8000 --noreload

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy openkap

test-sqlite: install
	DATABASE_URL=sqlite:///$(OPENKAP_DATA_DIR)/test.sqlite3 $(PYTEST) -m "not browser" -n 2

test-postgres: install
	scripts/with_postgres.sh $(PYTEST) -m "not browser" -n 2

test-browser: install
	scripts/with_postgres.sh $(PYTEST) -m browser

# Everything CI runs: lint, types, the suite on SQLite and on PostgreSQL, then the browser tests.
test: install
	scripts/ensure_system_packages.sh
	$(MAKE) --no-print-directory lint typecheck test-sqlite test-postgres test-browser

# Benchmarks (not part of the test run): ratios against a baseline measured in the same run.
bench: install
	$(BIN)/python bench/bench_pk.py
	$(BIN)/python bench/bench_audit.py
	scripts/with_postgres.sh $(BIN)/python bench/bench_audit.py
	scripts/with_postgres.sh $(BIN)/python bench/bench_reports.py --patients $(or $(BENCH_PATIENTS),100000)

# Re-pin every Python package after changing pyproject.toml.
lock:
	rm -rf /tmp/openkap-lock && $(PYTHON) -m venv /tmp/openkap-lock
	/tmp/openkap-lock/bin/pip install --quiet -e ".[dev]"
	/tmp/openkap-lock/bin/pip freeze --exclude-editable | grep -v '^openkap' > requirements.lock

# Refresh the front-end assets from npm into openkap/web/static/vendor.
vendor:
	scripts/vendor_assets.sh
