# Terraform (deploy/terraform): the AWS estate, proven offline with fmt, validate, terraform test
# (mock_provider "aws") and checkov. See deploy/terraform/README.md.
TF_SH := $(ROOT)/scripts/terraform.sh

CHECKS += tf-fmt tf-validate tf-test ci-role-test checkov-tf
LINTS += tf-fmt
FMTS += tf-fmt-fix

.PHONY: tf-fmt tf-fmt-fix tf-validate tf-test ci-role-test checkov-tf tf-init
tf-fmt: ## terraform fmt -check -recursive deploy/terraform
	$(TF_SH) fmt

tf-fmt-fix: ## terraform fmt -recursive deploy/terraform (rewrites files)
	terraform fmt -recursive deploy/terraform

tf-init: ## re-run the offline terraform init of every module, env and bootstrap
	$(TF_SH) init

tf-validate: ## offline init + terraform validate of every module, env and bootstrap
	$(TF_SH) validate

tf-test: ## terraform test (mock_provider "aws") in every module, env and bootstrap
	$(TF_SH) test

ci-role-test: ## the CI role (shared) and the envs' web-publish grants against every AWS call and OIDC subject of .github/workflows (scripts/ci_role.py)
	$(TF_SH) ci-role

checkov-tf: ## checkov -d deploy/terraform, zero failures (skips only in deploy/terraform/.checkov.yaml)
	$(TF_SH) checkov
