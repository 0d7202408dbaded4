# The names the other parts (GitOps values, workflows, docs) rely on, for whichever environment
# runs it: one file, linked into envs/<env>/tests/, planned with that env's own terraform.tfvars.
mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

mock_provider "aws" {
  alias           = "us_east_1"
  override_during = plan
  source          = "../../tests/mocks"
}

run "names_the_other_parts_rely_on_and_every_name_carries_the_environment" {
  command = plan

  assert {
    condition     = output.cluster_name == "taskapp-${var.environment}" && output.container_log_group_name == "/aws/eks/taskapp-${var.environment}/containers"
    error_message = "cluster and log group names must follow taskapp-<env>"
  }
  assert {
    condition     = output.backend_secret_name == "taskapp/${var.environment}/backend"
    error_message = "the backend secret must be taskapp/<env>/backend"
  }
  assert {
    condition     = module.irsa.service_accounts.backend == "taskapp-${var.environment}/taskapp-backend"
    error_message = "the backend role must trust taskapp-<env>/taskapp-backend"
  }
  assert {
    condition     = module.eks.admin_principal_arns == tolist(["arn:aws:iam::123456789012:role/taskapp-${var.environment}-platform-admin"])
    error_message = "the EKS access entry names the taskapp-<env>-platform-admin role this env creates"
  }
  assert {
    condition     = output.backup_bucket_name == "taskapp-${var.environment}-backups-123456789012"
    error_message = "the backup bucket is taskapp-<env>-backups-<account>"
  }
  assert {
    condition     = output.image_pull.repositories == tolist(["taskapp-backend", "taskapp-frontend"]) && output.image_pull.registry == "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
    error_message = "the env pulls taskapp-backend and taskapp-frontend from the account's registry (../../shared)"
  }

  assert {
    condition     = length(output.account_names) > 0 && alltrue([for n in output.account_names : strcontains(n, "taskapp-${var.environment}") || strcontains(n, "taskapp/${var.environment}/")])
    error_message = "names without taskapp-<env> would collide in the one account (ADR 0008): ${join(", ", [for n in output.account_names : n if !(strcontains(n, "taskapp-${var.environment}") || strcontains(n, "taskapp/${var.environment}/"))])}"
  }
}
