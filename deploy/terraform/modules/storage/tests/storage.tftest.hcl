mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

variables {
  name_prefix = "taskapp-test"
}

run "buckets_block_public_access_and_encrypt" {
  command = plan

  assert {
    condition     = aws_s3_bucket.this["backups"].bucket == "taskapp-test-backups-123456789012" && aws_s3_bucket.this["assets"].bucket == "taskapp-test-assets-123456789012"
    error_message = "bucket names must be <prefix>-<purpose>-<account>"
  }
  assert {
    condition = alltrue([for b in aws_s3_bucket_public_access_block.this :
    b.block_public_acls && b.block_public_policy && b.ignore_public_acls && b.restrict_public_buckets])
    error_message = "every bucket must block all public access"
  }
  assert {
    condition = alltrue([for c in aws_s3_bucket_server_side_encryption_configuration.this :
    one(c.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms" && one(c.rule).apply_server_side_encryption_by_default[0].kms_master_key_id == module.kms.arn])
    error_message = "every bucket must use SSE-KMS with the module's key"
  }
  assert {
    condition     = alltrue([for v in aws_s3_bucket_versioning.this : v.versioning_configuration[0].status == "Enabled"])
    error_message = "every bucket must be versioned"
  }
  assert {
    condition     = alltrue([for o in aws_s3_bucket_ownership_controls.this : o.rule[0].object_ownership == "BucketOwnerEnforced"])
    error_message = "ACLs must be disabled"
  }
}

run "tls_only_bucket_policies" {
  command = plan

  assert {
    condition = alltrue([for p in aws_s3_bucket_policy.this :
      jsondecode(p.policy).Statement[0].Effect == "Deny" &&
      jsondecode(p.policy).Statement[0].Condition.Bool["aws:SecureTransport"] == "false" &&
    jsondecode(p.policy).Statement[0].Principal == "*"])
    error_message = "every bucket policy must deny non-TLS requests from everyone"
  }
}

run "backups_move_to_cheaper_tiers_then_expire" {
  command = plan

  assert {
    condition     = aws_s3_bucket_lifecycle_configuration.this["backups"].rule[0].expiration[0].days == 365
    error_message = "backups expire after backup_expiration_days"
  }
  assert {
    condition     = [for t in aws_s3_bucket_lifecycle_configuration.this["backups"].rule[0].transition : [t.days, t.storage_class]] == [[30, "STANDARD_IA"], [90, "GLACIER_IR"]]
    error_message = "backups move to STANDARD_IA after 30 days and GLACIER_IR after 90"
  }
}

run "short_retention_skips_transitions_that_do_not_pay" {
  command = plan
  variables {
    backup_expiration_days = 45
  }

  assert {
    condition     = length(aws_s3_bucket_lifecycle_configuration.this["backups"].rule[0].transition) == 0 && aws_s3_bucket_lifecycle_configuration.this["backups"].rule[0].expiration[0].days == 45
    error_message = "45-day backups stay in STANDARD (minimum storage durations) and expire at 45 days"
  }
}

run "rejects_a_retention_of_zero" {
  command = plan
  variables {
    backup_expiration_days = 0
  }
  expect_failures = [var.backup_expiration_days]
}

run "loki_gets_its_own_encrypted_bucket_when_on" {
  command = plan

  variables {
    enable_loki = true
  }

  assert {
    condition     = output.loki_bucket_name == aws_s3_bucket.this["loki"].bucket && endswith(output.loki_bucket_name, "-loki-123456789012") && aws_s3_bucket_lifecycle_configuration.this["loki"].rule[0].noncurrent_version_expiration[0].noncurrent_days == 7
    error_message = "with Loki on, a <prefix>-loki-<account> bucket (encrypted, versioned, TLS-only like the others)"
  }
  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.this["loki"].rule).apply_server_side_encryption_by_default[0].kms_master_key_id == module.kms.arn && aws_s3_bucket_public_access_block.this["loki"].block_public_policy
    error_message = "Loki's bucket is encrypted with the storage key and not public"
  }
}
