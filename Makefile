# Baton — the two commands: `make run` and `make test` (see README.md).
SHELL := /bin/bash
BATON := .build/release/baton

.PHONY: run test bench build deps deps-test unit integration clean

## Build release and start the live server with the shipped models (Studio on http://127.0.0.1:8000/).
run: deps build
	$(BATON) serve Models

## The whole test suite: unit tests (debug), then the PyTorch package's tests and integration tests against the release binary.
test: deps-test unit build integration

## Benchmarks, release build, with PyTorch beside each figure when it is importable.
bench: deps build
	.build/release/baton-bench

build:
	./scripts/build-release.sh

deps:
	./scripts/setup-system.sh run

deps-test:
	./scripts/setup-system.sh test

unit:
	swift build --build-tests
	swift test --skip-build

integration:
	python3 -m pytest -q python/tests
	python3 -m pytest -q Tests/Integration

clean:
	rm -rf .build
