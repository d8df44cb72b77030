# LearnKafka: two commands for a newcomer.
#   make run   - set up everything and serve the site on 127.0.0.1:$(PORT)
#   make test  - set up everything and run the whole suite, browser tests included
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test test-fast test-browser setup chromium bench lint clean

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

test: setup chromium
	$(PY) -m pytest -m "not browser" -q
	$(PY) -m pytest -m browser -q -p no:randomly

test-fast: setup
	$(PY) -m pytest -m "not browser" -q

test-browser: setup chromium
	$(PY) -m pytest -m browser -q

bench: setup
	$(PY) -m benchmarks

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) db.sqlite3 test-artifacts
