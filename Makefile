# eastern's build entry points. `make` builds ./eastern.
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT   ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
LDFLAGS  := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
FUZZTIME ?= 30s
# Release targets: static binaries, so they run on any distribution (and in
# scratch or distroless images) without a C library.
PLATFORMS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64
SHA256SUM ?= $(shell command -v sha256sum >/dev/null 2>&1 && echo sha256sum || echo 'shasum -a 256')

.PHONY: build test bench fuzz vet dist e2e image

# Static (no C library): the dynamic loader alone costs a third of a render.
# eastern-cluster is eastern with the commands that talk to a cluster
# (deploy, job, diff --live), to which eastern hands them: client-go stays
# out of every render's start-up. eastern is built with nocel, without
# cel-go, whose package initialisation would double a render's time; it
# hands a lint whose CRDs have x-kubernetes-validations rules to
# eastern-cluster too.
EASTERN_TAGS ?= nocel
build:
	CGO_ENABLED=0 $(GO) build -trimpath -tags '$(EASTERN_TAGS)' -ldflags '$(LDFLAGS)' -o eastern ./cmd/eastern
	CGO_ENABLED=0 $(GO) build -trimpath -tags cluster -ldflags '$(LDFLAGS)' -o eastern-cluster ./cmd/eastern

test:
	$(GO) test ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Every fuzz target in the repository, each for $(FUZZTIME): go test -fuzz
# takes one target of one package at a time, so they are listed first
# ("FuzzX" lines, then the package's "ok" line) and run one by one.
fuzz:
	@set -e; list=$$($(GO) test -list '^Fuzz' ./...) || { echo "$$list"; exit 1; }; \
	echo "$$list" | awk '/^Fuzz/ { t = t " " $$1 } /^ok/ { if (t != "") print $$2 t; t = "" }' | \
	while read -r pkg targets; do \
		for target in $$targets; do \
			echo "$$pkg $$target"; \
			$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) "$$pkg" || exit 1; \
		done; \
	done

vet:
	$(GO) vet ./...
	$(GO) vet -tags cluster ./cmd/eastern

# The end-to-end tests of deploy, job and diff --live against a real control
# plane (etcd, kube-apiserver, controller-manager, scheduler, kwok's fake
# node), built from the Go module proxy on first use and cached by version
# under ~/.cache/eastern-e2e ($$EASTERN_E2E_CACHE): about 10 minutes and 4 GB
# of build cache cold, seconds warm. E2EFLAGS go to go test.
# They reach the script through the environment, not its command line, so
# that E2EFLAGS='-run TestA|TestB' is not a shell pipe.
E2EFLAGS ?=
e2e: export E2EFLAGS := $(E2EFLAGS)
e2e:
	bash e2e/run.sh

# The container image (Dockerfile): FROM scratch and the two static
# binaries, built by the first of docker, podman and buildah found, or
# IMAGE_BUILDER. buildah needs no daemon (buildah bud).
IMAGE_BUILDER ?= $(shell for b in docker podman buildah; do command -v $$b >/dev/null 2>&1 && { echo $$b; break; }; done)
image: build
	@test -n "$(IMAGE_BUILDER)" || { echo "make image: no docker, podman or buildah on PATH (set IMAGE_BUILDER)"; exit 1; }
	$(IMAGE_BUILDER) $(if $(filter buildah,$(notdir $(IMAGE_BUILDER))),bud,build) -t eastern:$(VERSION) .

# dist/eastern-OS-ARCH[.exe] and dist/eastern-cluster-OS-ARCH[.exe] for every
# platform; dist/eastern-VERSION-OS-ARCH.tar.gz, both binaries (as eastern and
# eastern-cluster, which eastern finds next to itself) with LICENSE, README.md
# and CHANGELOG.md; and dist/SHA256SUMS of all of them. The archives are
# reproducible: fixed owner, order and modification time (the commit's).
MTIME ?= $(shell git log -1 --format=%cI 2>/dev/null || echo 2026-01-01T00:00:00Z)
dist:
	rm -rf dist && mkdir -p dist
	@set -e; for p in $(PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; ext=; [ "$$os" = windows ] && ext=.exe; \
		echo "dist/eastern-$$os-$$arch$$ext"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -tags '$(EASTERN_TAGS)' -ldflags '$(LDFLAGS)' \
			-o "dist/eastern-$$os-$$arch$$ext" ./cmd/eastern; \
		echo "dist/eastern-cluster-$$os-$$arch$$ext"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -tags cluster -ldflags '$(LDFLAGS)' \
			-o "dist/eastern-cluster-$$os-$$arch$$ext" ./cmd/eastern; \
		name="eastern-$(VERSION)-$$os-$$arch"; stage="dist/.stage/$$name"; \
		mkdir -p "$$stage"; \
		cp "dist/eastern-$$os-$$arch$$ext" "$$stage/eastern$$ext"; \
		cp "dist/eastern-cluster-$$os-$$arch$$ext" "$$stage/eastern-cluster$$ext"; \
		cp LICENSE README.md CHANGELOG.md "$$stage/"; \
		echo "dist/$$name.tar.gz"; \
		tar -C dist/.stage --sort=name --owner=0 --group=0 --numeric-owner --mtime='$(MTIME)' \
			-cf - "$$name" | gzip -n > "dist/$$name.tar.gz"; \
	done
	rm -rf dist/.stage
	cd dist && $(SHA256SUM) eastern-* > SHA256SUMS
	@cat dist/SHA256SUMS

# schema/data/kubernetes.txt, the per-release schemas eastern lint embeds,
# from the k8s.io versions pinned in schema/gen/versions.go. The generator is
# its own module so eastern never depends on k8s.io/api; it needs the Go
# module proxy and a few minutes.
.PHONY: schemas schemas-check
schemas:
	cd schema/gen && $(GO) run . -out ../data/kubernetes.txt

# Regenerates into a temporary directory and fails if the committed data
# differs from what the pinned sources give. Vets and tests the generator
# first: go vet ./... and go test ./... do not reach its module.
schemas-check:
	cd schema/gen && $(GO) vet . && $(GO) test .
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
		cd schema/gen && $(GO) run . -out "$$tmp/kubernetes.txt" -check ../data/kubernetes.txt
