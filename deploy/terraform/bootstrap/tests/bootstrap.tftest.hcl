mock_provider "aws" {
  override_during = plan
  source          = "../tests/mocks"
}

run "state_bucket_is_versioned_encrypted_and_private" {
  command = plan

  assert {
    condition     = aws_s3_bucket.state.bucket == "taskapp-terraform-state" && module.state_bucket.versioning_status == "Enabled"
    error_message = "the state bucket must be versioned"
  }
  assert {
    condition     = module.state_bucket.sse_algorithm == "aws:kms"
    error_message = "the state bucket must be KMS-encrypted"
  }
  assert {
    condition     = module.state_bucket.public_access_blocked
    error_message = "the state bucket must block public access"
  }
  assert {
    condition     = jsondecode(module.state_bucket.policy).Statement[0].Condition.Bool["aws:SecureTransport"] == "false" && jsondecode(module.state_bucket.policy).Statement[0].Effect == "Deny"
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
