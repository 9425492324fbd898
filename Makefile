PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOAD_SECONDS ?= 60
CHROMIUM := /usr/bin/chromium

# The decision core and extractors are compiled by mypyc (setup.py): changing them compiles again.
CORE := $(wildcard src/handoff/core/*.py src/handoff/extract/*.py)

.PHONY: install demo examples test test-pure lint bench clean chromium

$(STAMP): pyproject.toml setup.py $(CORE)
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for the dashboard's browser tests (Playwright drives it; no browser download).
$(CHROMIUM):
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

chromium: $(CHROMIUM)

demo: $(STAMP)
	$(BIN)/handoff demo

examples: $(STAMP)
	$(BIN)/handoff check examples/policy.yaml
	@for f in examples/conversations/*.json; do \
	  case $$f in *.roster.json) continue;; esac; \
	  roster=$${f%.json}.roster.json; \
	  echo; echo "== $$f"; \
	  if [ -f $$roster ]; then extra="--roster-state $$roster"; else extra=""; fi; \
	  $(BIN)/handoff simulate --policy examples/policy.yaml $$extra $$f || exit 1; \
	done

test: $(STAMP) $(CHROMIUM)
	$(BIN)/ruff check src tests bench
	$(BIN)/pytest
	$(MAKE) --no-print-directory test-pure

# The core's tests again on the same code run as Python (what HANDOFF_PURE_PYTHON=1 installs).
test-pure: $(STAMP)
	rm -rf build/pure && mkdir -p build/pure && cp -r src/handoff build/pure/
	find build/pure -name '*.so' -delete
	HANDOFF_PURE_PYTHON=1 PYTHONPATH=build/pure $(BIN)/pytest -p no:cacheprovider \
	  tests/core tests/scenarios tests/extract

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

bench: $(STAMP)
	$(BIN)/python bench/run_all.py --load-duration $(LOAD_SECONDS) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info src/*.egg-info
	find src -name '*.so' -delete
