# The staging composition planned with its own terraform.tfvars (loaded automatically).
mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

run "names_the_other_parts_rely_on" {
  command = plan

  assert {
    condition     = output.cluster_name == "taskapp-staging" && module.eks.container_log_group_name == "/aws/eks/taskapp-staging/containers"
    error_message = "cluster and log group names must follow taskapp-<env>"
  }
  assert {
    condition     = aws_secretsmanager_secret.backend.name == "taskapp/staging/backend" && toset(keys(jsondecode(aws_secretsmanager_secret_version.backend.secret_string))) == toset(["database_url", "redis_url", "secret_key"])
    error_message = "the backend secret must be taskapp/staging/backend with database_url, redis_url, secret_key"
  }
  assert {
    condition     = startswith(jsondecode(aws_secretsmanager_secret_version.backend.secret_string).database_url, "postgresql+asyncpg://taskapp:mock-master-password@mock.abcdefghijkl.eu-west-1.rds.amazonaws.com:5432/taskapp") && startswith(jsondecode(aws_secretsmanager_secret_version.backend.secret_string).redis_url, "rediss://:")
    error_message = "database_url must use asyncpg with the RDS master credentials; redis_url must use TLS"
  }
  assert {
    condition     = toset(keys(module.registry.repository_urls)) == toset(["taskapp-backend", "taskapp-frontend"])
    error_message = "expected the two ECR repositories"
  }
  assert {
    condition     = module.irsa.service_accounts.backend == "taskapp-staging/taskapp-backend"
    error_message = "the backend role must trust taskapp-staging/taskapp-backend"
  }
  assert {
    condition     = output.backup_bucket_name == "taskapp-staging-backups-123456789012" && startswith(output.github_actions_role_arn, "arn:aws:iam::")
    error_message = "backup_bucket_name and github_actions_role_arn outputs must be set"
  }
}

run "staging_mirrors_prod_with_cheaper_parts" {
  command = plan

  assert {
    condition     = length(module.network.nat_public_ips) == 1 && length(module.network.private_subnet_ids) == 3
    error_message = "staging spans three AZs behind one NAT gateway"
  }
  assert {
    condition     = length(module.eks.fargate_namespaces) == 0 && module.eks.node_group_scaling.capacity_type == "SPOT"
    error_message = "staging runs the app on Spot nodes like prod's layout"
  }
  assert {
    condition     = module.database.multi_az && module.database.deletion_protection && module.cache.multi_az_enabled
    error_message = "staging exercises the same failover paths as prod"
  }
}
