# Verification against a live stack (scripts/stack.sh: the backend in production mode on
# PostgreSQL + Redis, own ports 55632/56579, backend on 127.0.0.1:8901): Locust load shapes,
# the Postman collection run by newman, schemathesis fuzzing, security scans.
PROFILE ?= smoke
TARGET ?=

CHECKS += load-smoke contract-test fuzz security-scan security-headers-test

.PHONY: stack-up stack-down load load-smoke contract-test fuzz security-scan npm-audit-web security-headers-test
stack-up: ## start the live local stack (production mode, PostgreSQL + Redis) on http://127.0.0.1:8901
	scripts/stack.sh start

stack-down: ## stop it
	scripts/stack.sh stop

load: ## Locust load test: PROFILE=smoke|load|stress|spike, TARGET=url (default: the local stack); summary in artifacts/load/
	PROFILE=$(PROFILE) TARGET=$(TARGET) scripts/load.sh

load-smoke: ## the smoke load shape against the local stack: 0 errors, flows p95 < 300 ms
	PROFILE=smoke TARGET= scripts/load.sh

contract-test: ## the Postman collection (tests/postman) with newman against the local stack; JUnit in artifacts/postman/
	scripts/contract.sh contract

# Fuzz runs in make test's side lane, beside the main lane's stack users: a stack of its own.
FUZZ_PORTS ?= TASKAPP_PG_PORT=55652 TASKAPP_REDIS_PORT=56599 TASKAPP_STACK_PORT=8911
fuzz: ## schemathesis against the live /openapi.json: all operations, all checks, stateful; zero failures
	$(FUZZ_PORTS) scripts/fuzz.sh

security-scan: ## bandit over backend/src (npm audit needs an advisory API these machines lack: see npm-audit-web)
	scripts/security-scan.sh bandit

npm-audit-web: ## npm audit --audit-level=high of the web app; fails when the advisory endpoint gives no answer
	scripts/security-scan.sh npm

security-headers-test: ## the Postman run again: security headers on every response, no token/password in any response or log line
	scripts/contract.sh security
