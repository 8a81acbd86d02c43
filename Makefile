# Clientele: `make run` starts the product, `make test` runs every test.
# Both install whatever is missing first (scripts/setup.sh).
SHELL := /bin/bash
CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TARGET_DIR
CHROMEDRIVER ?= $(shell command -v chromedriver)
export CHROMEDRIVER
# Tools that scripts/setup.sh keeps outside the clone: wasm-opt (binaryen
# 132, from npm) must be on PATH for trunk.
CLIENTELE_TOOLS ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/clientele
export CLIENTELE_TOOLS
export PATH := $(CLIENTELE_TOOLS)/binaryen/node_modules/.bin:$(PATH)
SERVER_BIN := $(CARGO_TARGET_DIR)/debug/clientele-server

.PHONY: setup run dev dist test check fmt clippy wasm-core test-native test-postgres test-contract test-wasm test-e2e bench

setup:
	@bash scripts/setup.sh

## The product: build the app, then serve it and the API from one process,
## with the demo practices (every demo account's password: clientele-demo).
run: dist
	cargo run --release -p clientele-server -- --dist dist --demo

## Development: the server, plus `trunk serve` with its /api proxy.
dev: setup
	@bash scripts/dev.sh

dist: setup
	bash scripts/trunk-release.sh
	bash scripts/precompress.sh dist

## Every test, and the checks CI holds us to.
test: setup check test-native test-postgres test-contract test-wasm test-e2e

check: fmt clippy wasm-core

fmt:
	cargo fmt --all --check

clippy:
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p clientele-app --target wasm32-unknown-unknown --all-targets -- -D warnings

wasm-core:
	cargo build -p clientele-core --target wasm32-unknown-unknown

test-native:
	cargo test --workspace --exclude clientele-e2e --exclude clientele-app

## The API suite again on PostgreSQL (each test on a database of its own,
## and two server instances on one), on a throwaway cluster that is always
## removed. The extraction-accuracy tests are skipped here: they measure OCR,
## and the store paths they use are covered by the extraction tests.
test-postgres: setup
	@cluster="$$(mktemp -d)"; \
	trap 'bash scripts/postgres.sh stop "$$cluster"' EXIT; \
	url="$$(bash scripts/postgres.sh start "$$cluster")"; \
	echo "PostgreSQL for the tests: $$url"; \
	CLIENTELE_TEST_DB="$$url" cargo test -p clientele-server --test api -- --skip extraction_accuracy

## The API contract, checked by Schemathesis against the real server.
test-contract: setup
	cargo build -p clientele-server
	bash scripts/schemathesis.sh $(SERVER_BIN)

test-wasm:
	bash scripts/test-wasm.sh

## The browser tests, two at a time (each runs its own server, driver and
## Chromium), with a throwaway PostgreSQL cluster for the live updates' two
## instances that is always removed. E2E_TESTS=live runs only the tests
## whose names match.
test-e2e: dist
	cargo build -p clientele-server
	@cluster="$$(mktemp -d)"; \
	trap 'bash scripts/postgres.sh stop "$$cluster"' EXIT; \
	url="$$(bash scripts/postgres.sh start "$$cluster")"; \
	echo "PostgreSQL for the two-instance test: $$url"; \
	CLIENTELE_E2E_POSTGRES="$$url" CLIENTELE_SERVER_BIN=$(SERVER_BIN) CLIENTELE_DIST=$(CURDIR)/dist \
	  cargo test -p clientele-e2e -- --test-threads=2 $(E2E_TESTS)

bench: setup
	@bash bench/run.sh
