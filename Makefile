# Two entry points for newcomers: `make demo` and `make test`. Everything else is a helper.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PO := $(wildcard locales/*/LC_MESSAGES/chihoi.po)
MO := $(PO:.po=.mo)

.PHONY: demo test soak run lint typecheck check i18n-extract i18n clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' --config-settings editable_mode=compat
	touch $(STAMP)

locales/%/LC_MESSAGES/chihoi.mo: locales/%/LC_MESSAGES/chihoi.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -D chihoi -d locales -l $* -i $< -o $@ >/dev/null

i18n: $(MO)

demo: $(STAMP) i18n
	$(BIN)/chihoi db upgrade
	$(BIN)/chihoi demo seed
	$(BIN)/chihoi run

test: $(STAMP) i18n
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# The long versions of the suite's fuzz: every prompt, both profiles, 10,000 inputs each
# (prints figures; SOAK_ARGS="--inputs 500" for a shorter run).
soak: $(STAMP) i18n
	CHIHOI_DATA_KEY=$${CHIHOI_DATA_KEY:-soak-data-key-0123456789abcdef} $(BIN)/python -m bench.soak $(SOAK_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check bot handlers storage tests bench
	$(BIN)/ruff format --check bot handlers storage tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

# Re-extract messages and merge them into both catalogs (then translate the new vi entries).
i18n-extract: $(STAMP)
	$(BIN)/python -m bot.core.i18n_tools sync

clean:
	rm -rf $(VENV) var
