# Baton — the two commands: `make run` and `make test` (see README.md).
SHELL := /bin/bash
BATON := .build/release/baton

.PHONY: run test bench build deps deps-test unit integration soak tsan fuzz fuzz-check docs clean

## Build release and start the live server with the shipped models (Studio on http://127.0.0.1:8000/).
run: deps build
	$(BATON) serve Models

## The whole test suite: unit tests (debug), the PyTorch package's tests and integration tests against the release binary,
## then every fuzz target for FUZZ_CHECK_SECONDS (seed and regression corpora first).
test: deps-test unit build integration fuzz-check

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

## Mixed valid and hostile OSC, 8 WebSocket clients, training and model switches against one release server.
## SOAK_MINUTES (default 10) sets the length; fails on a crash, lost events or memory growth over 10 %.
SOAK_MINUTES ?= 10
soak: deps-test build
	SOAK_MINUTES=$(SOAK_MINUTES) python3 scripts/soak/soak.py

## The suites that use threads (server, ensemble, training) under the thread sanitizer, in .build-tsan.
## TSan makes the process exit non-zero when it reports anything.
TSAN_SUITES ?= BatonServerTests|BatonEnsembleTests|BatonTrainingTests
tsan: deps-test
	swift build --build-tests --sanitize=thread --scratch-path .build-tsan
	TSAN_OPTIONS="halt_on_error=0 exitcode=66 second_deadlock_stack=1" \
		swift test --skip-build --sanitize=thread --scratch-path .build-tsan --filter '$(TSAN_SUITES)'

## Each libFuzzer target (Fuzz/README.md) for FUZZ_SECONDS, one after the other, in .build-fuzz.
FUZZ_SECONDS ?= 600
fuzz: deps
	./scripts/fuzz.sh $(FUZZ_SECONDS)

FUZZ_CHECK_SECONDS ?= 20
fuzz-check: deps
	./scripts/fuzz.sh $(FUZZ_CHECK_SECONDS)

## DocC archives of BatonCore, BatonEnsemble, BatonOSC and BatonServer in .build/docs (not part of `make test`).
## Fails on a DocC warning or a public symbol without a summary line.
docs:
	./scripts/docs.sh

clean:
	rm -rf .build .build-tsan .build-fuzz
