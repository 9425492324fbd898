PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOAD_SECONDS ?= 60
CHROMIUM := /usr/bin/chromium

.PHONY: install demo examples test lint bench clean chromium

$(STAMP): pyproject.toml
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

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

bench: $(STAMP)
	$(BIN)/python bench/run_all.py --load-duration $(LOAD_SECONDS) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
