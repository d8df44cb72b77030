# LearnKafka: two commands for a newcomer.
#   make run   - set up everything and serve the site on 127.0.0.1:$(PORT)
#   make test  - set up everything and run the whole suite, browser tests included
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test test-fast test-browser setup chromium redis kcat bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)
	$(PY) manage.py migrate --noinput

run: setup
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Browser tests need Debian's Chromium; .ci/ensure-chromium.sh installs it
# when we are root on Debian and otherwise says what to install.
chromium:
	@bash .ci/ensure-chromium.sh

# The multi-process tests start their own Redis; .ci/ensure-redis.sh installs
# Debian's redis-server when we are root (PostgreSQL's initdb is already here).
redis:
	@bash .ci/ensure-redis.sh

# The Kafka gateway's kcat tests: Debian's kcat when we are root (else they skip).
kcat:
	@bash .ci/ensure-kcat.sh

# pytest exits 5 when a selection collects no tests; that is not a failure here.
PYTEST_OK5 = status=0; $(PY) -m pytest $(1) || status=$$?; [ $$status -eq 0 ] || [ $$status -eq 5 ]

test: setup chromium redis kcat
	@$(call PYTEST_OK5,-m "not browser" -q)
	@$(call PYTEST_OK5,-m browser -q)

test-fast: setup redis kcat
	@$(call PYTEST_OK5,-m "not browser" -q)

test-browser: setup chromium
	@$(call PYTEST_OK5,-m browser -q)

bench: setup
	$(PY) -m benchmarks

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) db.sqlite3 test-artifacts
