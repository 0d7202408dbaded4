mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

variables {
  bucket         = "taskapp-test-bucket"
  bucket_arn     = "arn:aws:s3:::taskapp-test-bucket"
  lifecycle_rule = { id = "expire-old-versions", noncurrent_days = 30, abort_days = 7 }
}

run "private_versioned_tls_only_and_sse_s3_without_a_key" {
  command = plan

  assert {
    condition     = output.public_access_blocked && aws_s3_bucket_ownership_controls.this.rule[0].object_ownership == "BucketOwnerEnforced" && output.versioning_status == "Enabled"
    error_message = "public access blocked, ACLs off, versioning on"
  }
  assert {
    condition     = output.sse_algorithm == "AES256" && !one(aws_s3_bucket_server_side_encryption_configuration.this.rule).bucket_key_enabled
    error_message = "without a key the bucket is SSE-S3 (what ELB access logs need)"
  }
  assert {
    condition     = jsondecode(output.policy).Statement == [{ Sid = "DenyInsecureTransport", Effect = "Deny", Principal = "*", Action = "s3:*", Resource = ["arn:aws:s3:::taskapp-test-bucket", "arn:aws:s3:::taskapp-test-bucket/*"], Condition = { Bool = { "aws:SecureTransport" = "false" } } }]
    error_message = "the policy denies every request without TLS, on the bucket and its objects"
  }
  assert {
    condition     = aws_s3_bucket_lifecycle_configuration.this.rule[0].id == "expire-old-versions" && length(aws_s3_bucket_lifecycle_configuration.this.rule[0].expiration) == 0 && aws_s3_bucket_lifecycle_configuration.this.rule[0].noncurrent_version_expiration[0].noncurrent_days == 30 && aws_s3_bucket_lifecycle_configuration.this.rule[0].abort_incomplete_multipart_upload[0].days_after_initiation == 7
    error_message = "current objects stay, old versions and abandoned uploads go"
  }
}

run "a_key_a_granted_service_and_an_expiry" {
  command = plan

  variables {
    kms_key_arn       = "arn:aws:kms:eu-west-1:123456789012:key/test"
    lifecycle_rule    = { id = "expire-logs", expiration_days = 90, noncurrent_days = 1, abort_days = 1 }
    policy_statements = [{ Sid = "ServiceWrites", Effect = "Allow", Principal = { Service = "logging.s3.amazonaws.com" }, Action = "s3:PutObject", Resource = "arn:aws:s3:::taskapp-test-bucket/*" }]
  }

  assert {
    condition     = output.sse_algorithm == "aws:kms" && one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default[0].kms_master_key_id == "arn:aws:kms:eu-west-1:123456789012:key/test" && one(aws_s3_bucket_server_side_encryption_configuration.this.rule).bucket_key_enabled
    error_message = "with a key: SSE-KMS with an S3 bucket key"
  }
  assert {
    condition     = [for s in jsondecode(output.policy).Statement : s.Sid] == ["DenyInsecureTransport", "ServiceWrites"]
    error_message = "the caller's statements follow the TLS-only one"
  }
  assert {
    condition     = aws_s3_bucket_lifecycle_configuration.this.rule[0].expiration[0].days == 90
    error_message = "current objects expire when the caller says so"
  }
}

run "a_taken_sid_or_a_zero_day_rule_is_refused" {
  command = plan

  variables {
    bucket_arn        = "taskapp-test-bucket"
    lifecycle_rule    = { id = "x", noncurrent_days = 0, abort_days = 1 }
    policy_statements = [{ Sid = "DenyInsecureTransport", Effect = "Allow", Principal = "*", Action = "s3:*", Resource = "*" }]
  }

  expect_failures = [var.bucket_arn, var.lifecycle_rule, var.policy_statements]
}
