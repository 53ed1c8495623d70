# faultdrill — run 'make help' for the targets.
GO      ?= go
BIN     ?= bin
SCENARIO ?= scenarios/examples/ledger-bad-release.yaml

export TESTCONTAINERS_RYUK_DISABLED := true
export CGO_ENABLED := 0

FUZZTIME ?= 20s

.PHONY: help build demo gameday test bench fuzz lint clean

## help: list the targets
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed -e 's/^## /  /' -e 's/: /\t/'

## build: build faultdrill and the demo system (ledger) into bin/
build:
	$(GO) build -trimpath -o $(BIN)/faultdrill ./cmd/faultdrill
	$(GO) build -trimpath -o $(BIN)/ledger ./demo/cmd/ledger

## demo: run the bundled drill on the process runtime (no Docker needed)
demo: build
	$(BIN)/faultdrill run $(SCENARIO)

## gameday: run the bundled game day (three drills, a combined report and review.md)
gameday: build
	$(BIN)/faultdrill gameday gamedays/example.yaml

## rehearse: rehearse the bundled Markdown runbook (scenarios/examples/runbooks/ledger-rollback.md), manual steps asked on the terminal
.PHONY: rehearse
rehearse: build
	$(BIN)/faultdrill rehearse scenarios/examples/ledger-runbook.yaml

## test: vet and run every test (what CI runs)
# Two passes, each using the 2 cores of a CI machine:
#   1. every package but the end-to-end suites, two packages at a time;
#   2. the end-to-end suites (E2E), one after the other, each on PROCS
#      parallel ginkgo processes (ginkgo from go.mod, so the CLI matches the
#      library). Their drills are light (tens of requests a second) and spend
#      their time waiting on the system under test, so PROCS drills share 2
#      cores without starving a load generator (which the harness gate would
#      call a void drill). A spec that cannot share the machine is marked
#      Serial (it then runs alone after the others); specs that must take
#      turns go into one Ordered container. See drill/drill_suite_test.go.
#      A new package of end-to-end drills joins E2E.
# One suite: make test-e2e E2E=./drill GINKGO_FLAGS='--focus=docker'
PROCS ?= 4
E2E ?= ./drill ./cmd/faultdrill
GINKGO ?= $(GO) run github.com/onsi/ginkgo/v2/ginkgo
GINKGO_FLAGS ?=
# The packages of pass 1: all but E2E (evaluated only when used).
UNIT = $(filter-out $(patsubst ./%,$(MODULE)/%,$(E2E)),$(shell $(GO) list ./...))
MODULE = $(shell $(GO) list -m)

.PHONY: test-unit test-e2e
test:
	$(GO) vet ./...
	$(MAKE) --no-print-directory test-unit
	$(MAKE) --no-print-directory test-e2e

## test-unit: the packages of pass 1 of make test (no vet)
test-unit:
	$(GO) test -count=1 -p 2 -timeout 30m $(UNIT)

## test-e2e: the end-to-end suites of pass 2 of make test, on PROCS ginkgo processes (no vet)
test-e2e:
	$(GINKGO) run --procs=$(PROCS) --keep-going --timeout=30m $(GINKGO_FLAGS) $(E2E)

## bench: run the benchmarks (figures in the README come from here)
bench:
	$(GO) test -run '^$$' -bench . -benchmem -timeout 30m ./...

## fuzz: fuzz the scenario decoder, the report.json reader, the tar extractor and the runbook parser, FUZZTIME each (default 20s)
# The seed corpora (testdata/fuzz/...) also run under plain go test.
fuzz:
	$(GO) test ./scenarios -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./reports -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/archive -run '^$$' -fuzz '^FuzzExtract$$' -fuzztime $(FUZZTIME)
	$(GO) test ./runbook -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)

## lint: gofmt and go vet
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

## seaweedfs: build two releases of SeaweedFS (a real clustered store) from the Go module proxy into bin/
.PHONY: seaweedfs
seaweedfs:
	demo/seaweedfs/build.sh $(BIN)

## images: build the demo's Docker images (ledger, toxiproxy) locally FROM scratch, with no pull
.PHONY: images
images:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	mkdir -p "$$tmp/ledger" "$$tmp/toxiproxy" && \
	GOOS=linux $(GO) build -trimpath -o "$$tmp/ledger/ledger" ./demo/cmd/ledger && \
	GOOS=linux $(GO) build -trimpath -o "$$tmp/toxiproxy/toxiproxy" github.com/Shopify/toxiproxy/v2/cmd/server && \
	DOCKER_BUILDKIT=0 docker build --pull=false --label faultdrill.demo=true \
		-f demo/docker/ledger.Dockerfile -t faultdrill/ledger:dev "$$tmp/ledger" && \
	DOCKER_BUILDKIT=0 docker build --pull=false --label faultdrill.demo=true \
		-f demo/docker/toxiproxy.Dockerfile -t faultdrill/toxiproxy:2.12.0 "$$tmp/toxiproxy"

## clean: remove built binaries and drill folders
clean:
	rm -rf $(BIN) drills
