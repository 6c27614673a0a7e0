# Cunjian: the two commands are `make run` and `make test`. Everything installs into .venv.
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
PORT ?= 8000
WORKERS ?= 4
# The address gunicorn listens on: loopback by default, so only this machine (and an nginx in
# front of it, docs/deployment.md) reaches it; HOST=0.0.0.0 to listen on every address (a trial
# on the office network), or one address of this machine's.
HOST ?= 127.0.0.1
# Threads per worker (gthread): a slow client holds one thread, not a whole worker. Six sockets
# sending a header byte every 5 s stalled /healthz for 62.6 s with 4 sync workers and not at all
# (0.02 s) with 4 gthread workers × 8 threads (measured 2026-12-06; 40 such sockets: 0.01 s).
THREADS ?= 8

.PHONY: run test install install-test translations migrate seed bench lint format clean system-packages

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed translations system-packages
install-test: $(VENV)/.installed-test translations system-packages

# The bulletin's PDF needs a CJK font from Debian (and pango, which WeasyPrint loads); installed
# once, when absent and apt-get is there (root on the project's machines and CI).
system-packages:
	@if ! fc-list :lang=zh 2>/dev/null | grep -q . && command -v apt-get >/dev/null; then \
	  export DEBIAN_FRONTEND=noninteractive; \
	  (apt-get install -y -qq fonts-wqy-microhei libpango-1.0-0 libpangoft2-1.0-0 >/dev/null 2>&1 || \
	   (apt-get update -qq && apt-get install -y -qq fonts-wqy-microhei libpango-1.0-0 libpangoft2-1.0-0 >/dev/null)); \
	fi

translations: $(VENV)/.installed
	$(VENV)/bin/pybabel -q compile -d app/translations

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed

run: seed
	$(FLASK) ensure-admin
	$(VENV)/bin/gunicorn --workers $(WORKERS) --worker-class gthread --threads $(THREADS) \
	  --bind $(HOST):$(PORT) --access-logfile - wsgi:app

test: install-test
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/pytest -q

bench: install-test
	$(PY) -m bench

lint: install-test
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install-test
	$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) instance .pytest_cache

# After adding a translatable string: extract it, then translate it in the .po file.
translations-update: install
	$(VENV)/bin/pybabel -q extract -F babel.cfg -o /tmp/cunjian-messages.pot .
	$(VENV)/bin/pybabel -q update -i /tmp/cunjian-messages.pot -d app/translations
