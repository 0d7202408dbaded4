# The dev composition planned with its own terraform.tfvars (loaded automatically).
mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

run "names_the_other_parts_rely_on" {
  command = plan

  assert {
    condition     = output.cluster_name == "taskapp-dev" && module.eks.container_log_group_name == "/aws/eks/taskapp-dev/containers"
    error_message = "cluster and log group names must follow taskapp-<env>"
  }
  assert {
    condition     = aws_secretsmanager_secret.backend.name == "taskapp/dev/backend" && toset(keys(jsondecode(aws_secretsmanager_secret_version.backend.secret_string))) == toset(["database_url", "redis_url", "secret_key"])
    error_message = "the backend secret must be taskapp/dev/backend with database_url, redis_url, secret_key"
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
    condition     = module.irsa.service_accounts.backend == "taskapp-dev/taskapp-backend"
    error_message = "the backend role must trust taskapp-dev/taskapp-backend"
  }
  assert {
    condition     = output.backup_bucket_name == "taskapp-dev-backups-123456789012" && startswith(output.github_actions_role_arn, "arn:aws:iam::")
    error_message = "backup_bucket_name and github_actions_role_arn outputs must be set"
  }
}

run "dev_is_the_cheap_shape" {
  command = plan

  assert {
    condition     = length(module.network.nat_public_ips) == 1 && length(module.network.private_subnet_ids) == 2
    error_message = "dev spans two AZs behind one shared NAT gateway"
  }
  assert {
    condition     = module.eks.fargate_namespaces == tolist(["taskapp-dev"])
    error_message = "dev runs the app namespace on Fargate"
  }
  assert {
    condition     = module.database.multi_az == false && module.database.deletion_protection == false
    error_message = "dev: single-AZ database without deletion protection"
  }
  assert {
    condition     = module.cache.num_cache_clusters == 1 && module.cache.multi_az_enabled == false
    error_message = "dev: one Redis node"
  }
  assert {
    condition     = module.eks.node_group_scaling.capacity_type == "SPOT" && module.eks.node_group_scaling.max_size == 3
    error_message = "dev: small Spot node group"
  }
}
