# Colloquy: `make run` serves the demo site, `make test` runs every check.
# Both create .venv and install on first use; without DATABASE_URL they start an
# embedded PostgreSQL (data in .pgdata/) for the duration of the command.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
WITH_DB := $(PY) -m config.devdb --

.PHONY: run test install lint format clean-db backup restore bench lock deploy-check

# Installs come from the lock files in requirements/ (every package pinned, with its
# hashes): base.txt is what the image runs, dev.txt adds tests, linters and the embedded
# PostgreSQL, bench.txt adds the benchmarks' chart. The project itself is not a package.
install: $(VENV)/.installed

$(VENV)/.installed: requirements/dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.txt
	touch $@

# Regenerates the lock files from pyproject.toml, keeping every pin that still fits (a new
# dependency is added at its newest version); `make lock UPGRADE=1` moves everything to
# the newest versions the bounds allow. pip-tools is a tool of this command only.
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(PY) -m piptools compile --quiet \
	--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	--no-emit-find-links --no-emit-trusted-host $(if $(UPGRADE),--upgrade)
lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet "pip-tools>=7.4,<8"
	$(PIP_COMPILE) --output-file requirements/base.txt pyproject.toml
	$(PIP_COMPILE) --extra dev --constraint requirements/base.txt \
	  --output-file requirements/dev.txt pyproject.toml
	$(PIP_COMPILE) --extra dev --extra bench --constraint requirements/dev.txt \
	  --output-file requirements/bench.txt pyproject.toml

# config/serve.py: migrate, seed the demo if empty, runserver (its test drives a crowd at it).
run: install
	$(PY) -m config.serve --port $(PORT)

test: install
	$(WITH_DB) sh -c '\
	  $(PY) manage.py check && \
	  $(PY) manage.py makemigrations --check --dry-run && \
	  $(PY) -m ruff check . && \
	  $(PY) -m ruff format --check . && \
	  $(PY) -m mypy && \
	  $(PY) -m pytest $(PYTEST_ARGS)'

# The compose "scale" shape from local processes (migrate once, two gunicorns of two workers
# with production settings, the mail worker, Redis, Debian's nginx), then a check that an
# approval shows on every replica at once; everything stops by itself. See docs/deploying.md.
deploy-check: install
	deploy/local-stack --check

# Back up the database to backups/colloquy-<time>.dump (or FILE=path), and restore one.
backup: install
	$(WITH_DB) $(PY) -m config.backup dump $(FILE)

restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/colloquy-....dump"; exit 2; }
	$(WITH_DB) $(PY) -m config.backup restore $(FILE)

lint:
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

clean-db:
	rm -rf .pgdata

# The benchmark of issue 6 (see docs/benchmarks.md): its own database, two gunicorns,
# wrk. `make bench PEER=1` first runs the peer harness in ../shared/peers-xtd (~6 min). Needs wrk from Debian's packages: installed here when missing and run as root.
bench: install $(VENV)/.bench-installed
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing wrk with apt-get"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else \
	    echo "make bench needs wrk: sudo apt-get install wrk (Debian/Ubuntu), brew install wrk (macOS)"; \
	    exit 1; \
	  fi; }
	$(WITH_DB) $(PY) -m bench.run $(if $(PEER),--peer) $(BENCH_ARGS)

$(VENV)/.bench-installed: requirements/bench.txt $(VENV)/.installed
	$(PY) -m pip install --quiet --require-hashes -r requirements/bench.txt
	touch $@

# Full-page screenshots of the demo site at 390×844 and 1280×800 into docs/screenshots/
# (a scratch database, seeded and dropped; Chromium from PATH, as for the browser tests).
# Issue 5's load test: 2,000 comment submissions from 32 clients (with page reads) through
# gunicorn; checks each accepted one is stored exactly once and every thread is intact.
.PHONY: bench-load
bench-load: install
	$(WITH_DB) $(PY) -m bench.loadtest $(BENCH_LOAD_ARGS)

# Issue 15's import at scale: a generated WordPress export (10,000 and 100,000 comments)
# imported into a database of its own; wall time, comments/s, CPU and peak memory.
.PHONY: bench-import
bench-import: install
	$(WITH_DB) $(PY) -m bench.import_scale $(BENCH_IMPORT_ARGS)
# Issue 15's scale benchmark: a small corpus and 10,000 posts with 1,000,000 comments and
# 50,000 pending, seeded with COPY into its own database (dropped after); pages and
# moderation side by side. Writes bench/results/scale.json.
.PHONY: bench-scale
bench-scale: install
	$(WITH_DB) $(PY) -m bench.scale $(BENCH_SCALE_ARGS)

.PHONY: screenshots
screenshots: install
	$(WITH_DB) $(PY) -m tools.screenshots $(SCREENSHOTS_ARGS)

# Issue 13's spam filter benchmark: learn from moderators' decisions on four sources, meet
# the fifth (each in turn); bench/results/spam.json. BENCH_SPAM_ARGS="--csv a.csv …" for
# labelled files of your own (see docs/spam-filter.md).
.PHONY: bench-spam
bench-spam: install
	$(WITH_DB) $(PY) -m bench.spam $(BENCH_SPAM_ARGS)

# Issue 13 item 6: the moderation queue's first page with 10,000 comments waiting (target
# 300 ms), through the test client on a database of its own; bench/results/queue.json.
.PHONY: bench-queue
bench-queue: install
	$(WITH_DB) $(PY) -m bench.queue $(BENCH_QUEUE_ARGS)
