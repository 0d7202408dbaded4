# Kubernetes part: container images (hadolint), Helm charts (deploy/helm), Argo CD app-of-apps
# (deploy/gitops), validated offline: helm lint, kubernetes-validate, checkov, pytest on the
# rendered objects. Tools are installed under .tools/ by scripts/k8s-tools.sh.
K8S_ENVS := dev staging prod local
export K8S_ENVS
K8S_CHARTS := taskapp-backend taskapp-frontend taskapp-ingress taskapp-monitoring
# The EKS Kubernetes version the manifests must be valid for (kubernetes-validate ships its schemas).
K8S_VERSION ?= 1.35.0
export K8S_VERSION

CHECKS += hadolint helm-lint helm-validate k8s-test checkov-k8s
LINTS += hadolint helm-lint

.PHONY: k8s-tools k8s-render helm-lint helm-validate k8s-test checkov-k8s hadolint
k8s-tools: ## install helm, kubectl, kubernetes-validate, hadolint, checkov under .tools/
	scripts/k8s-tools.sh all

k8s-render: ## render every chart and the app-of-apps per environment into artifacts/k8s/rendered
	scripts/k8s-render.sh

helm-lint: ## helm lint --strict for every chart x environment (with the cluster facts), the app-of-apps and the local datastores
	@helm="$$(scripts/k8s-tools.sh helm)"; facts="$$(scripts/k8s-values.sh)"; n=0; \
	for env in $(K8S_ENVS); do \
	  for chart in $(K8S_CHARTS); do \
	    [ -f deploy/gitops/envs/$$env/$$chart.yaml ] || continue; \
	    "$$helm" lint --strict --quiet deploy/helm/$$chart -f deploy/gitops/envs/$$env/$$chart.yaml -f $$facts/$$env/$$chart.values.yaml 2> >(grep -v "found symbolic link" >&2) \
	      || { echo "helm lint failed: $$chart ($$env)"; exit 1; }; n=$$((n+1)); \
	  done; \
	  "$$helm" lint --strict --quiet deploy/gitops/apps -f deploy/gitops/envs/$$env/apps.yaml -f $$facts/$$env/apps.values.yaml \
	    || { echo "helm lint failed: deploy/gitops/apps ($$env)"; exit 1; }; n=$$((n+1)); \
	done; \
	"$$helm" lint --strict --quiet deploy/gitops/local/datastores || { echo "helm lint failed: deploy/gitops/local/datastores"; exit 1; }; n=$$((n+1)); \
	echo "helm lint --strict: $$n chart x environment combinations clean"

helm-validate: ## helm template | kubernetes-validate --strict for every chart x environment ($(K8S_VERSION))
	scripts/k8s-validate.sh

k8s-test: ## the first-install check of every env (wave order, facts, placeholders) + pytest over the rendered objects
	@bin="$$(scripts/k8s-tools.sh k8s-venv)"; scripts/k8s-tools.sh helm >/dev/null; mkdir -p artifacts; \
	"$$bin/python" -m pytest deploy/tests -q -p no:cacheprovider --junitxml=artifacts/junit-k8s.xml

checkov-k8s: ## checkov over all rendered manifests and both Dockerfiles (skips: deploy/checkov-skips.yaml)
	scripts/k8s-checkov.sh

hadolint: ## hadolint on backend/Dockerfile and frontend/Dockerfile
	@bin="$$(scripts/k8s-tools.sh k8s-venv)"; "$$bin/hadolint" --failure-threshold info backend/Dockerfile frontend/Dockerfile \
	  && echo "hadolint: backend/Dockerfile, frontend/Dockerfile clean"
