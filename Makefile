# taskapp: the entry points. `make run` and `make test` are the quick start; each part of the
# monorepo adds its own targets in mk/<part>.mk and registers its checks in CHECKS.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

ROOT := $(CURDIR)
TOOLS := $(ROOT)/.tools
VAR := $(ROOT)/var
export ROOT TOOLS VAR

# Filled in by mk/*.mk:
CHECKS :=        # every check `make test` runs, in order
# How scripts/run-checks.sh schedules them on 2 cores (see its header):
# monitoring-live and upgrade-test start servers on ports of their own and judge with wide bounds
# (2 s p99, no failed request), and fuzz (a stack of its own) judges responses, not time, so they
# too run beside the backend suites. So do the Postman runs (contract, security headers): answers
# and headers, one after the other on the default stack (8901), which load-smoke uses only after
# the side lane has finished.
CHECKS_BESIDE := workflows-lint delivery-test hadolint helm-lint helm-validate k8s-test checkov-k8s \
  monitoring-rules monitoring-dashboards monitoring-alertmanager monitoring-platform python-lint \
  tf-fmt tf-test ci-role-test checkov-tf contract-test security-headers-test \
  fuzz upgrade-test monitoring-live security-scan
# Side checks the main lane may take once its own are done (servers on ports of their own, tool
# venvs of their own), last in CHECKS_BESIDE so they are the ones still queued then.
CHECKS_EITHER := fuzz upgrade-test monitoring-live security-scan
CHECKS_ALONE := chaos web-e2e web-lighthouse load-smoke
# Run by the main lane while it waits for the side lane, so the alone phase installs nothing.
ALONE_PREPARE := prepare-alone
RUN_PREREQS :=   # what `make run` prepares before serving (web app build, ...)
LINTS :=         # linters and type checkers
FMTS :=          # formatters that rewrite files
CLEANS :=        # part-specific clean-ups

include $(sort $(wildcard mk/*.mk))

.PHONY: help run test prepare-alone lint fmt clean services-up services-down
help: ## list the targets
	@grep -hE '^[a-zA-Z0-9_.-]+:.*## ' $(MAKEFILE_LIST) | sort | awk 'BEGIN{FS=":.*## "}{printf "  %-24s %s\n",$$1,$$2}'

run: $(RUN_PREREQS) backend-migrate ## install, build the web app, migrate SQLite, serve on http://127.0.0.1:8000
	@echo "taskapp on http://127.0.0.1:8000 (API docs: /docs; demo account: make backend-seed)"
	cd backend && TASKAPP_WEB_DIR=$${TASKAPP_WEB_DIR:-$(ROOT)/frontend/dist} \
	  exec $(UV) run --frozen taskapp serve --host 127.0.0.1 --port 8000

test: ## run every check (what CI runs): lint, types, unit, integration, e2e, infra
	@CHECKS_BESIDE="$(CHECKS_BESIDE)" CHECKS_EITHER="$(CHECKS_EITHER)" CHECKS_ALONE="$(CHECKS_ALONE)" \
	  ALONE_PREPARE="$(ALONE_PREPARE)" scripts/run-checks.sh $(CHECKS)

prepare-alone: ## install what the checks in CHECKS_ALONE use (browser, Lighthouse, Locust, nginx), nothing else
	PREPARE_ONLY=1 scripts/e2e-web.sh
	PREPARE_ONLY=1 scripts/lighthouse.sh
	PREPARE_ONLY=1 scripts/load.sh
	PREPARE_ONLY=1 scripts/chaos.sh

lint: $(LINTS) ## linters and type checkers only

fmt: $(FMTS) ## format the code in place

services-up: ## start the local PostgreSQL and Redis used by the tests
	scripts/services.sh start

services-down: ## stop them
	scripts/services.sh stop

clean: $(CLEANS) ## stop services, remove build output, caches and local state (keeps installed tools)
	scripts/services.sh stop || true
	rm -rf var artifacts
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
