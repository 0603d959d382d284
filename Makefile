# eastern's build entry points. `make` builds ./eastern.
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT   ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
LDFLAGS  := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
FUZZTIME ?= 30s

.PHONY: build test bench fuzz vet

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o eastern ./cmd/eastern

test:
	$(GO) test ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzRender -fuzztime $(FUZZTIME) ./engine

vet:
	$(GO) vet ./...
