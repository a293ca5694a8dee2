# tenx: every target works on a fresh machine with only Go installed.
GO ?= go
PKGS := ./...
# staticcheck runs in its own module context: goose pins an x/exp version the
# module proxy no longer serves, so it cannot share our go.mod as a tool line.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: run test gen gen-check lint lint-spec spec-diff sdk sdk-check bench bench-load bench-webhooks build fuzz

run: ## serve on the embedded SQLite database in ./data
	$(GO) run ./cmd/tenx serve

build:
	$(GO) build -o bin/tenx ./cmd/tenx

test: ## every test, with the race detector (Postgres/Redis tests need TENX_TEST_*_URL)
	$(GO) test -race -count=1 -timeout 40m $(PKGS)

gen: ## bundle openapi/src/ into openapi/openapi.yaml, then regenerate gen/, the Go SDK and the coverage map
	$(GO) generate ./openapi/

GENERATED := openapi/openapi.yaml gen/ client/client.gen.go docs/endpoint-coverage.md

gen-check: gen ## fail when the bundle, gen/, the Go SDK or the coverage map is stale
	@git diff --exit-code -- $(GENERATED) || (echo "generated files are stale: run 'make gen' and commit" >&2; exit 1)
	@test -z "$$(git status --porcelain -- $(GENERATED))" || (echo "generated files are untracked: run 'make gen' and commit" >&2; exit 1)

lint: ## vet, gofmt, staticcheck
	$(GO) vet $(PKGS)
	@out=$$(gofmt -l $$(git ls-files '*.go')); test -z "$$out" || (echo "gofmt needed: $$out" >&2; exit 1)
	$(GO) run $(STATICCHECK) $(PKGS)

lint-spec: ## Redocly lint of the spec (pinned in tools/redocly; needs npm)
	cd tools/redocly && npm ci --no-audit --no-fund --loglevel=error && npx --no-install redocly lint --config ../../redocly.yaml ../../openapi/openapi.yaml

spec-diff: ## fail on an unmarked breaking change to the spec since BASE (default HEAD~1)
	./.ci/spec-breaking $(BASE)

sdk: ## regenerate the TypeScript SDK types from openapi/openapi.yaml (needs npm)
	cd sdk/typescript && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && npm run generate

sdk-check: ## TypeScript SDK: types fresh, build, test against a live server
	cd sdk/typescript && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && npm run check-generated && GO="$(GO)" npm test

bench: ## benchmarks of the request path and the rate limiter
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./server/ ./ratelimit/ ./auth/

BENCHLOAD_FLAGS ?=
bench-load: ## loopback load run of the read path against a bare Echo server (SQLite, and Postgres with TENX_TEST_POSTGRES_URL)
	$(GO) run ./cmd/benchload $(BENCHLOAD_FLAGS)

bench-webhooks: ## 10,000 webhook events delivered to a local receiver (SQLite, and Postgres with TENX_TEST_POSTGRES_URL): events/s, p50/p99 commit to delivery
	$(GO) run ./cmd/webhookbench

# A count, not a duration: Go 1.26's fuzz coordinator can report a spurious
# "context deadline exceeded" when a -fuzztime duration expires under load
# (golang/go#75804, fixed in 1.27); an execution count has no deadline.
FUZZTIME ?= 60000x
fuzz: ## run each fuzz target briefly (the committed corpus in testdata/fuzz runs in make test too)
	$(GO) test -run '^$$' -fuzz '^FuzzParsePAT$$' -fuzztime $(FUZZTIME) ./auth/
	$(GO) test -run '^$$' -fuzz '^FuzzExtractCredential$$' -fuzztime $(FUZZTIME) ./auth/
