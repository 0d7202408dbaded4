mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

variables {
  name                       = "taskapp-test"
  vpc_id                     = "vpc-0123456789abcdef0"
  subnet_ids                 = ["subnet-a", "subnet-b"]
  allowed_security_group_ids = ["sg-0cluster"]
  auth_token_secret_name     = "taskapp/test/redis-auth"
}

run "encrypted_in_transit_and_at_rest_with_auth" {
  command = plan

  assert {
    condition     = aws_elasticache_replication_group.this.transit_encryption_enabled && aws_elasticache_replication_group.this.transit_encryption_mode == "required"
    error_message = "TLS in transit must be required"
  }
  assert {
    condition     = aws_elasticache_replication_group.this.at_rest_encryption_enabled == "true" && aws_elasticache_replication_group.this.kms_key_id == module.kms.arn
    error_message = "at-rest encryption with the module's KMS key must be on"
  }
  assert {
    condition     = aws_elasticache_replication_group.this.auth_token == aws_secretsmanager_secret_version.auth.secret_string && aws_secretsmanager_secret_version.auth.secret_id == aws_secretsmanager_secret.auth.id
    error_message = "the AUTH token must be the one stored in Secrets Manager"
  }
  assert {
    condition     = aws_secretsmanager_secret.auth.name == "taskapp/test/redis-auth" && aws_secretsmanager_secret.auth.kms_key_id == module.kms.arn
    error_message = "the token secret must live under the app's prefix, KMS-encrypted"
  }
}

run "reachable_only_from_the_cluster_on_6379" {
  command = plan

  assert {
    condition     = jsonencode([for r in aws_vpc_security_group_ingress_rule.redis : [r.from_port, r.to_port, r.referenced_security_group_id, r.cidr_ipv4]]) == jsonencode([[6379, 6379, "sg-0cluster", null]])
    error_message = "only TCP 6379 from the cluster security group, never from a CIDR"
  }
  assert {
    condition     = aws_elasticache_replication_group.this.security_group_ids == toset([aws_security_group.this.id])
    error_message = "the cache must sit behind its own security group"
  }
}

run "two_nodes_fail_over_across_azs" {
  command = plan

  assert {
    condition     = aws_elasticache_replication_group.this.num_cache_clusters == 2 && aws_elasticache_replication_group.this.automatic_failover_enabled && aws_elasticache_replication_group.this.multi_az_enabled
    error_message = "more than one node must turn on automatic failover and Multi-AZ"
  }
}

run "single_node_has_no_failover" {
  command = plan
  variables {
    num_cache_clusters = 1
  }

  assert {
    condition     = !aws_elasticache_replication_group.this.automatic_failover_enabled && !aws_elasticache_replication_group.this.multi_az_enabled
    error_message = "a single node cannot fail over"
  }
}

run "rejects_zero_nodes" {
  command = plan
  variables {
    num_cache_clusters = 0
  }
  expect_failures = [var.num_cache_clusters]
}
