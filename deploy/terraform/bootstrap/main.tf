module "kms" {
  source      = "../modules/kms"
  name        = "taskapp-terraform-state"
  alias       = "taskapp-terraform-state"
  description = "Terraform state of taskapp"
}

moved {
  from = aws_kms_key.state
  to   = module.kms.aws_kms_key.this
}

moved {
  from = aws_kms_alias.state
  to   = module.kms.aws_kms_alias.this[0]
}

resource "aws_s3_bucket" "state" {
  bucket = var.state_bucket_name

  lifecycle {
    prevent_destroy = true
  }
}

module "state_bucket" {
  source      = "../modules/bucket"
  bucket      = aws_s3_bucket.state.id
  bucket_arn  = aws_s3_bucket.state.arn
  kms_key_arn = module.kms.arn
  lifecycle_rule = {
    id              = "expire-old-state-versions"
    noncurrent_days = var.noncurrent_state_retention_days
    abort_days      = 7
  }
}

# The hardening was written here before modules/bucket: adopt it, do not replace it.
moved {
  from = aws_s3_bucket_public_access_block.state
  to   = module.state_bucket.aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_ownership_controls.state
  to   = module.state_bucket.aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_versioning.state
  to   = module.state_bucket.aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.state
  to   = module.state_bucket.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.state
  to   = module.state_bucket.aws_s3_bucket_lifecycle_configuration.this
}

moved {
  from = aws_s3_bucket_policy.state
  to   = module.state_bucket.aws_s3_bucket_policy.this
}

resource "aws_dynamodb_table" "locks" {
  name         = var.lock_table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "LockID"

  attribute {
    name = "LockID"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = module.kms.arn
  }

  deletion_protection_enabled = true

  lifecycle {
    prevent_destroy = true
  }
}
