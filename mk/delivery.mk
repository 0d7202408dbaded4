# Delivery (GitHub Actions CI/CD, GitOps promotion): lint the workflows, test the promotion script,
# build the images where a Docker engine runs, and the dependency/security scanners ci.yml runs.
DELIVERY_TOOLS := $(ROOT)/scripts/delivery-tools.sh
WORKFLOWS := $(wildcard $(ROOT)/.github/workflows/*.yml)
DELIVERY_SCRIPTS := $(addprefix $(ROOT)/scripts/,delivery-tools.sh promote.sh promote-plan.sh gitops-commit.sh cluster-up.sh publish-charts.sh publish-web.sh)
IMAGE_TAG ?= $(shell git -C $(ROOT) rev-parse HEAD 2>/dev/null || echo dev)
IMAGE_VERSION ?= $(shell git -C $(ROOT) describe --tags --always 2>/dev/null || echo dev)
BANDIT_SPEC := bandit==1.9.4
PIP_AUDIT_SPEC := pip-audit==2.10.1

CHECKS += workflows-lint delivery-test
LINTS += workflows-lint

.PHONY: workflows-lint delivery-test images bandit pip-audit npm-audit cluster-up cluster-smoke cluster-down

workflows-lint: ## actionlint + shellcheck on .github/workflows, SHA pins and permissions rules, shellcheck of the delivery scripts
	@[ -n "$(WORKFLOWS)" ] || { echo "no workflows in .github/workflows" >&2; exit 1; }
	@al="$$($(DELIVERY_TOOLS) actionlint)"; node $(ROOT)/scripts/actionlint.cjs "$$al" $(WORKFLOWS)
	@bin="$$($(DELIVERY_TOOLS) venv)"; \
	  "$$bin/python" $(ROOT)/scripts/check_workflows.py --shellcheck "$$bin/shellcheck" && \
	  "$$bin/shellcheck" --norc -x -P $(ROOT)/scripts $(DELIVERY_SCRIPTS) && echo "shellcheck: $(words $(DELIVERY_SCRIPTS)) delivery script(s) clean"

delivery-test: ## tests of the promotion scripts, check_workflows.py, the Jenkinsfile/workflows parity and the docs that follow the code
	@mkdir -p $(ROOT)/artifacts
	@bin="$$($(DELIVERY_TOOLS) venv)"; \
	  cd $(ROOT) && "$$bin/python" -m pytest -q -p no:cacheprovider scripts/tests \
	    --junitxml=$(ROOT)/artifacts/junit-delivery.xml

images: ## build both images with docker buildx (needs a running Docker engine; not part of `make test`)
	@command -v docker >/dev/null 2>&1 || { echo "images: no docker CLI: install Docker (engine + buildx) to build the images" >&2; exit 1; }
	@docker info >/dev/null 2>&1 || { echo "images: no Docker engine is running (docker info failed): start dockerd, or build in CI (cd.yml)" >&2; exit 1; }
	@docker buildx version >/dev/null 2>&1 || { echo "images: docker buildx is missing: install the docker-buildx plugin" >&2; exit 1; }
	docker buildx build --load --build-arg VERSION=$(IMAGE_VERSION) --build-arg COMMIT=$(IMAGE_TAG) \
	  -t taskapp-backend:$(IMAGE_TAG) -t taskapp-backend:local -f backend/Dockerfile backend
	docker buildx build --load --build-arg VERSION=$(IMAGE_VERSION) --build-arg COMMIT=$(IMAGE_TAG) \
	  -t taskapp-frontend:$(IMAGE_TAG) -t taskapp-frontend:local -f frontend/Dockerfile frontend
	@echo "built taskapp-backend:$(IMAGE_TAG) and taskapp-frontend:$(IMAGE_TAG)"

# The local env on kind (Argo CD syncing deploy/gitops/envs/local from a pushed commit), as ci.yml's
# cluster-smoke job runs it. Needs Docker and kind; not part of `make test`.
# CLUSTER_REVISION (default HEAD) and CLUSTER_REPO (default the origin remote) say what Argo CD syncs.
cluster-up: ## kind + images + Argo CD + the local env synced from CLUSTER_REVISION; waits until every Application is Healthy
	$(ROOT)/scripts/cluster-up.sh up $(if $(CLUSTER_REVISION),--revision $(CLUSTER_REVISION)) $(if $(CLUSTER_REPO),--repo $(CLUSTER_REPO))

cluster-smoke: ## the Postman contract through the kind cluster's ingress (http://localhost:8080)
	$(ROOT)/scripts/cluster-up.sh smoke

cluster-down: ## delete the kind cluster of cluster-up
	$(ROOT)/scripts/cluster-up.sh down

# The scanners below need the network (vulnerability databases): ci.yml runs them on GitHub;
# they are not in CHECKS so an offline `make test` does not depend on them.
bandit: ## bandit security lint of backend/src (medium severity and up fails)
	@. $(ROOT)/scripts/lib.sh; bin="$$(tool_venv bandit "$(BANDIT_SPEC)")"; \
	  "$$bin/bandit" -q -r $(ROOT)/backend/src --severity-level medium --confidence-level medium

pip-audit: backend-sync ## audit the backend's locked runtime dependencies against the PyPI advisory database
	@mkdir -p $(ROOT)/artifacts
	@. $(ROOT)/scripts/lib.sh; bin="$$(tool_venv pip-audit "$(PIP_AUDIT_SPEC)")"; \
	  cd $(ROOT)/backend && $(UV) export --frozen --no-dev --no-emit-project --format requirements-txt \
	    -o $(ROOT)/artifacts/backend-requirements.txt --quiet && \
	  "$$bin/pip-audit" --strict --disable-pip --progress-spinner off -r $(ROOT)/artifacts/backend-requirements.txt

npm-audit: ## npm audit of the web app's lockfile, fails on high or critical advisories or no answer
	$(ROOT)/scripts/security-scan.sh npm
