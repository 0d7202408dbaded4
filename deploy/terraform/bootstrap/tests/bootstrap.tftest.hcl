mock_provider "aws" {
  override_during = plan
  source          = "../tests/mocks"
}

run "state_bucket_is_versioned_encrypted_and_private" {
  command = plan

  assert {
    condition     = aws_s3_bucket.state.bucket == "taskapp-terraform-state" && aws_s3_bucket_versioning.state.versioning_configuration[0].status == "Enabled"
    error_message = "the state bucket must be versioned"
  }
  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.state.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms"
    error_message = "the state bucket must be KMS-encrypted"
  }
  assert {
    condition     = aws_s3_bucket_public_access_block.state.block_public_acls && aws_s3_bucket_public_access_block.state.block_public_policy && aws_s3_bucket_public_access_block.state.ignore_public_acls && aws_s3_bucket_public_access_block.state.restrict_public_buckets
    error_message = "the state bucket must block public access"
  }
  assert {
    condition     = jsondecode(aws_s3_bucket_policy.state.policy).Statement[0].Condition.Bool["aws:SecureTransport"] == "false" && jsondecode(aws_s3_bucket_policy.state.policy).Statement[0].Effect == "Deny"
    error_message = "the state bucket must refuse non-TLS requests"
  }
}

run "lock_table_matches_the_s3_backend" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.locks.name == "taskapp-terraform-locks" && aws_dynamodb_table.locks.hash_key == "LockID"
    error_message = "the S3 backend needs a table keyed by LockID (string)"
  }
  assert {
    condition     = aws_dynamodb_table.locks.server_side_encryption[0].enabled && aws_dynamodb_table.locks.point_in_time_recovery[0].enabled
    error_message = "the lock table must be encrypted with point-in-time recovery"
  }
}

run "rejects_an_invalid_bucket_name" {
  command = plan
  variables {
    state_bucket_name = "Taskapp_State"
  }
  expect_failures = [var.state_bucket_name]
}
