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
    condition     = length(module.bucket) == 2 && alltrue([for b in module.bucket : b.public_access_blocked])
    error_message = "every bucket must block all public access"
  }
  assert {
    condition     = alltrue([for b in module.bucket : b.sse_algorithm == "aws:kms" && b.kms_key_arn == module.kms.arn])
    error_message = "every bucket must use SSE-KMS with the module's key"
  }
  assert {
    condition     = alltrue([for b in module.bucket : b.versioning_status == "Enabled"])
    error_message = "every bucket must be versioned"
  }
  assert {
    condition     = alltrue([for b in module.bucket : b.ownership == "BucketOwnerEnforced"])
    error_message = "ACLs must be disabled"
  }
}

run "tls_only_bucket_policies" {
  command = plan

  assert {
    condition = alltrue([for k, b in module.bucket :
      jsondecode(b.policy).Statement[0].Effect == "Deny" &&
      jsondecode(b.policy).Statement[0].Condition.Bool["aws:SecureTransport"] == "false" &&
      jsondecode(b.policy).Statement[0].Principal == "*" &&
    contains(jsondecode(b.policy).Statement[0].Resource, "${aws_s3_bucket.this[k].arn}/*")])
    error_message = "every bucket policy must deny non-TLS requests from everyone"
  }
}

run "backups_move_to_cheaper_tiers_then_expire" {
  command = plan

  assert {
    condition     = module.bucket["backups"].lifecycle.expiration_days == 365 && module.bucket["assets"].lifecycle.expiration_days == null
    error_message = "backups expire after backup_expiration_days"
  }
  assert {
    condition     = module.bucket["backups"].lifecycle.transitions == [[30, "STANDARD_IA"], [90, "GLACIER_IR"]] && module.bucket["assets"].lifecycle.transitions == []
    error_message = "backups move to STANDARD_IA after 30 days and GLACIER_IR after 90"
  }
}

run "short_retention_skips_transitions_that_do_not_pay" {
  command = plan
  variables {
    backup_expiration_days = 45
  }

  assert {
    condition     = module.bucket["backups"].lifecycle.transitions == [] && module.bucket["backups"].lifecycle.expiration_days == 45
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
    condition     = output.loki_bucket_name == aws_s3_bucket.this["loki"].bucket && endswith(output.loki_bucket_name, "-loki-123456789012") && module.bucket["loki"].lifecycle.noncurrent_days == 7
    error_message = "with Loki on, a <prefix>-loki-<account> bucket (encrypted, versioned, TLS-only like the others)"
  }
  assert {
    condition     = module.bucket["loki"].kms_key_arn == module.kms.arn && module.bucket["loki"].public_access_blocked
    error_message = "Loki's bucket is encrypted with the storage key and not public"
  }
}

run "assets_take_browser_uploads_from_the_app_origin_only" {
  command = plan

  variables {
    assets_cors_origins = ["https://tasks.example.com"]
  }

  assert {
    condition     = aws_s3_bucket_cors_configuration.assets[0].bucket == aws_s3_bucket.this["assets"].id
    error_message = "the CORS rule belongs on the assets bucket"
  }
  assert {
    condition = length(aws_s3_bucket_cors_configuration.assets[0].cors_rule) == 1 && alltrue([
      for r in aws_s3_bucket_cors_configuration.assets[0].cors_rule :
      toset(r.allowed_origins) == toset(["https://tasks.example.com"]) && toset(r.allowed_methods) == toset(["POST", "GET", "HEAD"])
    ])
    error_message = "only the app's origin may POST (presigned uploads) and GET from a browser"
  }
}

run "no_cors_rule_without_an_app_origin" {
  command = plan

  assert {
    condition     = length(aws_s3_bucket_cors_configuration.assets) == 0
    error_message = "without origins the bucket answers no browser from another origin"
  }
}

run "a_cors_origin_must_be_a_bare_https_origin" {
  command = plan

  variables {
    assets_cors_origins = ["https://tasks.example.com/app", "*"]
  }

  expect_failures = [var.assets_cors_origins]
}
