# Terraform (deploy/terraform): the AWS estate, proven offline with fmt, validate, terraform test
# (mock_provider "aws") and checkov. See deploy/terraform/README.md.
TF_SH := $(ROOT)/scripts/terraform.sh

# No tf-validate in `make test`: terraform test validates every configuration before each run
# block (a bad argument even in a count = 0 resource fails the run), and every configuration has
# tests, so the separate pass only repeated that, loading the AWS provider's schema 20 more times
# (106 s of the side lane in CI). It stays as a quick target for a developer.
CHECKS += tf-fmt tf-test ci-role-test checkov-tf
LINTS += tf-fmt
FMTS += tf-fmt-fix

.PHONY: tf-fmt tf-fmt-fix tf-validate tf-test ci-role-test checkov-tf tf-init
tf-fmt: ## terraform fmt -check -recursive deploy/terraform
	$(TF_SH) fmt

tf-fmt-fix: ## terraform fmt -recursive deploy/terraform (rewrites files)
	terraform fmt -recursive deploy/terraform

tf-init: ## re-run the offline terraform init of every module, env and bootstrap
	$(TF_SH) init

tf-validate: ## offline init + terraform validate of every module, env and bootstrap (quick; tf-test validates too)
	$(TF_SH) validate

tf-test: ## env link check + terraform test (mock_provider "aws", validates first) in every module, env and bootstrap
	$(TF_SH) test

ci-role-test: ## the CI role (shared) and the envs' web-publish grants against every AWS call and OIDC subject of .github/workflows (scripts/ci_role.py)
	$(TF_SH) ci-role

checkov-tf: ## checkov -d deploy/terraform, zero failures (skips only in deploy/terraform/.checkov.yaml)
	$(TF_SH) checkov
