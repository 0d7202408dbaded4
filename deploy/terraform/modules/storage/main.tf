data "aws_caller_identity" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  buckets = merge({
    backups = "${var.name_prefix}-backups-${local.account_id}"
    assets  = "${var.name_prefix}-assets-${local.account_id}"
  }, var.enable_loki ? { loki = "${var.name_prefix}-loki-${local.account_id}" } : {})
  lifecycle = {
    backups = { id = "tier-then-expire-backups", noncurrent_days = 30, abort_days = 7 }
    assets  = { id = "expire-old-asset-versions", noncurrent_days = 30, abort_days = 7 }
    loki    = { id = "expire-old-chunk-versions", noncurrent_days = 7, abort_days = 1 }
  }
  # A storage class transition only pays off when the object stays there for its minimum
  # storage duration (30 days IA, 90 days Glacier Instant Retrieval).
  backup_transitions = concat(
    var.backup_expiration_days >= var.backup_infrequent_access_after_days + 30 ? [{ days = var.backup_infrequent_access_after_days, storage_class = "STANDARD_IA" }] : [],
    var.backup_expiration_days >= var.backup_glacier_after_days + 90 ? [{ days = var.backup_glacier_after_days, storage_class = "GLACIER_IR" }] : [],
  )
}

module "kms" {
  source      = "../kms"
  name        = "${var.name_prefix}-s3"
  description = "${var.name_prefix}: S3 buckets (backups, assets)"
  tags        = var.tags
}

moved {
  from = aws_kms_key.this
  to   = module.kms.aws_kms_key.this
}

resource "aws_s3_bucket" "this" {
  for_each      = local.buckets
  bucket        = each.value
  force_destroy = var.force_destroy
  tags          = merge(var.tags, { Name = each.value, Purpose = each.key })
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each                = local.buckets
  bucket                  = aws_s3_bucket.this[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  for_each = local.buckets
  bucket   = aws_s3_bucket.this[each.key].id
  rule {
    object_ownership = "BucketOwnerEnforced" # ACLs off
  }
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = local.buckets
  bucket   = aws_s3_bucket.this[each.key].id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = local.buckets
  bucket   = aws_s3_bucket.this[each.key].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = module.kms.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_policy" "this" {
  for_each = local.buckets
  bucket   = aws_s3_bucket.this[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.this[each.key].arn, "${aws_s3_bucket.this[each.key].arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
  depends_on = [aws_s3_bucket_public_access_block.this]
}

# One lifecycle per bucket. Backups are tiered, then expire; assets keep their current objects;
# Loki's compactor applies Loki's retention itself. Every bucket drops old versions and
# abandoned uploads.
resource "aws_s3_bucket_lifecycle_configuration" "this" {
  for_each = local.buckets
  bucket   = aws_s3_bucket.this[each.key].id

  rule {
    id     = local.lifecycle[each.key].id
    status = "Enabled"
    filter {}

    dynamic "transition" {
      for_each = each.key == "backups" ? local.backup_transitions : []
      content {
        days          = transition.value.days
        storage_class = transition.value.storage_class
      }
    }

    dynamic "expiration" {
      for_each = each.key == "backups" ? [var.backup_expiration_days] : []
      content {
        days = expiration.value
      }
    }

    noncurrent_version_expiration {
      noncurrent_days = local.lifecycle[each.key].noncurrent_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = local.lifecycle[each.key].abort_days
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.backups
  to   = aws_s3_bucket_lifecycle_configuration.this["backups"]
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.assets
  to   = aws_s3_bucket_lifecycle_configuration.this["assets"]
}
