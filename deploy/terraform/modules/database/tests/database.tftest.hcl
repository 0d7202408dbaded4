mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

variables {
  identifier                 = "taskapp-test"
  vpc_id                     = "vpc-0123456789abcdef0"
  subnet_ids                 = ["subnet-a", "subnet-b"]
  allowed_security_group_ids = ["sg-0cluster"]
}

run "private_encrypted_and_tls_only" {
  command = plan

  assert {
    condition     = aws_db_instance.this.publicly_accessible == false
    error_message = "the database must not be publicly accessible"
  }
  assert {
    condition     = aws_db_instance.this.storage_encrypted && aws_db_instance.this.kms_key_id == module.kms.arn
    error_message = "storage must be encrypted with the module's KMS key"
  }
  assert {
    condition     = aws_db_instance.this.manage_master_user_password && aws_db_instance.this.master_user_secret_kms_key_id == module.kms.key_id
    error_message = "the master password must be managed by RDS in Secrets Manager"
  }
  assert {
    condition     = one([for p in aws_db_parameter_group.this.parameter : p.value if p.name == "rds.force_ssl"]) == "1"
    error_message = "the parameter group must force SSL"
  }
  assert {
    condition     = aws_db_parameter_group.this.family == "postgres16" && aws_db_instance.this.engine == "postgres"
    error_message = "expected PostgreSQL 16"
  }
  assert {
    condition     = aws_db_instance.this.performance_insights_enabled && aws_db_instance.this.monitoring_interval == 60
    error_message = "Performance Insights and enhanced monitoring must be on"
  }
}

run "reachable_only_from_the_cluster_on_5432" {
  command = plan

  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.postgres) == 1 && aws_vpc_security_group_ingress_rule.postgres[0].referenced_security_group_id == "sg-0cluster"
    error_message = "only the cluster security group may connect"
  }
  assert {
    condition     = alltrue([for r in aws_vpc_security_group_ingress_rule.postgres : r.from_port == 5432 && r.to_port == 5432 && r.ip_protocol == "tcp" && r.cidr_ipv4 == null && r.cidr_ipv6 == null])
    error_message = "ingress must be TCP 5432 from a security group, never from a CIDR"
  }
  assert {
    condition     = aws_db_instance.this.vpc_security_group_ids == toset([aws_security_group.this.id]) && aws_db_subnet_group.this.subnet_ids == toset(["subnet-a", "subnet-b"])
    error_message = "the instance must sit in the database subnets behind its own security group"
  }
}

run "production_defaults" {
  command = plan

  assert {
    condition     = aws_db_instance.this.multi_az && aws_db_instance.this.deletion_protection
    error_message = "defaults must be Multi-AZ with deletion protection"
  }
  assert {
    condition     = aws_db_instance.this.skip_final_snapshot == false && aws_db_instance.this.final_snapshot_identifier == "taskapp-test-final"
    error_message = "a protected database must take a final snapshot"
  }
  assert {
    condition     = aws_db_instance.this.backup_retention_period == 7
    error_message = "backups must be kept 7 days by default"
  }
}

run "cheap_development_instance" {
  command = plan
  variables {
    multi_az              = false
    deletion_protection   = false
    backup_retention_days = 3
  }

  assert {
    condition     = !aws_db_instance.this.multi_az && !aws_db_instance.this.deletion_protection && aws_db_instance.this.skip_final_snapshot
    error_message = "multi_az and deletion_protection must follow the variables"
  }
  assert {
    condition     = aws_db_instance.this.backup_retention_period == 3
    error_message = "retention must follow the variable"
  }
}

run "postgres_15_uses_its_parameter_family" {
  command = plan
  variables {
    engine_version = "15.12"
  }

  assert {
    condition     = aws_db_parameter_group.this.family == "postgres15"
    error_message = "the parameter group family must follow the major version"
  }
}

run "rejects_a_retention_of_zero" {
  command = plan
  variables {
    backup_retention_days = 0
  }
  expect_failures = [var.backup_retention_days]
}

run "rejects_no_allowed_source" {
  command = plan
  variables {
    allowed_security_group_ids = []
  }
  expect_failures = [var.allowed_security_group_ids]
}

run "rejects_postgres_14" {
  command = plan
  variables {
    engine_version = "14.10"
  }
  expect_failures = [var.engine_version]
}
