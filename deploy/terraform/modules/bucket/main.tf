# The hardening every private taskapp bucket shares (issue 17: it used to be written out in
# bootstrap, modules/edge and modules/ingress): public access blocked, ACLs off, versioning,
# default encryption, TLS-only access, and a lifecycle that drops old versions and abandoned
# uploads. The aws_s3_bucket itself stays with the caller: its name, tags and (bootstrap's)
# prevent_destroy, which Terraform cannot take from a variable.
resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = var.bucket
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = var.bucket
  rule {
    object_ownership = "BucketOwnerEnforced" # ACLs off
  }
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = var.bucket
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = var.bucket
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = var.kms_key_arn != null
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = var.bucket
  rule {
    id     = var.lifecycle_rule.id
    status = "Enabled"
    filter {}

    dynamic "transition" {
      for_each = var.lifecycle_rule.transitions
      content {
        days          = transition.value.days
        storage_class = transition.value.storage_class
      }
    }
    dynamic "expiration" {
      for_each = var.lifecycle_rule.expiration_days == null ? [] : [var.lifecycle_rule.expiration_days]
      content {
        days = expiration.value
      }
    }
    noncurrent_version_expiration {
      noncurrent_days = var.lifecycle_rule.noncurrent_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = var.lifecycle_rule.abort_days
    }
  }
  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_policy" "this" {
  bucket = var.bucket
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [var.bucket_arn, "${var.bucket_arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }], var.policy_statements)
  })
  depends_on = [aws_s3_bucket_public_access_block.this]
}
