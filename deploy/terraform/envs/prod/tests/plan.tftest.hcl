# The prod composition planned with its own terraform.tfvars (loaded automatically).
mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

run "names_the_other_parts_rely_on" {
  command = plan

  assert {
    condition     = output.cluster_name == "taskapp-prod" && module.eks.container_log_group_name == "/aws/eks/taskapp-prod/containers"
    error_message = "cluster and log group names must follow taskapp-<env>"
  }
  assert {
    condition     = aws_secretsmanager_secret.backend.name == "taskapp/prod/backend" && toset(keys(jsondecode(aws_secretsmanager_secret_version.backend.secret_string))) == toset(["database_url", "redis_url", "secret_key"])
    error_message = "the backend secret must be taskapp/prod/backend with database_url, redis_url, secret_key"
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
    condition     = module.irsa.service_accounts.backend == "taskapp-prod/taskapp-backend"
    error_message = "the backend role must trust taskapp-prod/taskapp-backend"
  }
  assert {
    condition     = output.backup_bucket_name == "taskapp-prod-backups-123456789012" && startswith(output.github_actions_role_arn, "arn:aws:iam::")
    error_message = "backup_bucket_name and github_actions_role_arn outputs must be set"
  }
}

run "prod_is_highly_available_and_protected" {
  command = plan

  assert {
    condition     = length(module.network.nat_public_ips) == 3 && length(module.network.private_subnet_ids) == 3
    error_message = "prod spans three AZs with a NAT gateway in each"
  }
  assert {
    condition     = length(module.eks.fargate_namespaces) == 0
    error_message = "prod runs the app on the managed node group"
  }
  assert {
    condition     = module.database.multi_az && module.database.deletion_protection
    error_message = "prod: Multi-AZ database with deletion protection"
  }
  assert {
    condition     = module.cache.num_cache_clusters >= 2 && module.cache.multi_az_enabled
    error_message = "prod: Redis with a replica and Multi-AZ failover"
  }
  assert {
    condition     = module.eks.node_group_scaling.capacity_type == "ON_DEMAND" && module.eks.node_group_scaling.min_size >= 3
    error_message = "prod: on-demand nodes, at least one per AZ"
  }
}
