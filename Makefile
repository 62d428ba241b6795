# The README's two commands are `make run` and `make test`; each works alone on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test bench docs lint clean fuzz browser-tools

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: install
	$(BIN)/storyline follow --from config/feeds.toml
	$(BIN)/storyline serve --watch

test: install browser-tools
	$(BIN)/python -m pytest -q

# axe-core, pinned in .ci/node, injected by the browser tests into pages for the
# accessibility scan (without npm the scan is skipped, and fails when CI is set).
browser-tools: .ci/node/node_modules/axe-core/axe.min.js

.ci/node/node_modules/axe-core/axe.min.js: .ci/node/package.json .ci/node/package-lock.json
	command -v npm >/dev/null 2>&1 && npm ci --prefix .ci/node --no-audit --no-fund --silent \
	  || echo "npm not found: the browser tests' accessibility scan is skipped"

bench: install
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	$(BIN)/python benchmarks/extraction.py --write docs/benchmarks.md
	$(BIN)/python benchmarks/structure.py
	$(BIN)/python benchmarks/revisions.py --write docs/benchmarks.md
	$(BIN)/python benchmarks/fetch.py --write docs/benchmarks.md
	$(BIN)/python benchmarks/follow.py
	$(BIN)/python benchmarks/ingest.py --write docs/benchmarks.md
	$(BIN)/python benchmarks/stories.py --repeat 3 --write docs/benchmarks.md
	$(BIN)/python benchmarks/web.py --write docs/benchmarks.md
	$(BIN)/python benchmarks/store_backends.py --write docs/benchmarks.md
	$(BIN)/python benchmarks/dates.py
	$(BIN)/python benchmarks/hostile.py --write docs/benchmarks.md
	$(BIN)/python benchmarks/duplicates.py --write docs/benchmarks.md
	$(BIN)/python benchmarks/followers.py --hosts 60 --articles 240 --write docs/benchmarks.md
	$(BIN)/python benchmarks/spark.py --write docs/benchmarks.md
	$(BIN)/python benchmarks/spark_stories.py --write docs/benchmarks.md

# The error-contract properties over mutated real input, far longer than CI's fixed-seed
# run: FUZZ_EXAMPLES per property, a new seed each time (printed, to repeat a failure).
FUZZ_EXAMPLES ?= 20000
fuzz: install
	seed=$${FUZZ_SEED:-$$(date +%s)}; echo "fuzz seed $$seed"; \
	STORYLINE_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) STORYLINE_FUZZ_SEED=$$seed \
	$(BIN)/python -m pytest -q -p no:warnings tests/test_error_contract.py

docs: install
	$(BIN)/python scripts/gen_docs.py

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy --strict src

clean:
	rm -rf $(VENV) build dist src/*.egg-info
