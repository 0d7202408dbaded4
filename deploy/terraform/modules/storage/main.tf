data "aws_caller_identity" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  buckets = {
    backups = "${var.name_prefix}-backups-${local.account_id}"
    assets  = "${var.name_prefix}-assets-${local.account_id}"
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

resource "aws_s3_bucket_lifecycle_configuration" "backups" {
  bucket = aws_s3_bucket.this["backups"].id

  rule {
    id     = "tier-then-expire-backups"
    status = "Enabled"
    filter {}

    dynamic "transition" {
      for_each = local.backup_transitions
      content {
        days          = transition.value.days
        storage_class = transition.value.storage_class
      }
    }

    expiration {
      days = var.backup_expiration_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "assets" {
  bucket = aws_s3_bucket.this["assets"].id

  rule {
    id     = "expire-old-asset-versions"
    status = "Enabled"
    filter {}

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}
