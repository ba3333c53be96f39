# Baton — the two commands: `make run` and `make test` (see README.md).
SHELL := /bin/bash
BATON := .build/release/baton

.PHONY: run test bench build deps deps-test unit integration clean

## Build release and stream text from the shipped Shakespeare model.
run: deps build
	$(BATON) sample Models/text/shakespeare.safetensors --prime "ROMEO:" --length 1200 --temperature 0.8

## The whole test suite: unit tests (debug), then integration tests against the release binary.
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
	python3 -m pytest -q Tests/Integration

clean:
	rm -rf .build
