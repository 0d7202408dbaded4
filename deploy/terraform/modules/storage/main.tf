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

# The shared hardening (public access blocked, ACLs off, versioning, SSE-KMS, TLS-only policy,
# one lifecycle rule) comes from modules/bucket; this module keeps the names, tags and what
# differs per bucket: the backups' tiers and expiry, and how long old versions stay.
module "bucket" {
  source      = "../bucket"
  for_each    = local.buckets
  bucket      = aws_s3_bucket.this[each.key].id
  bucket_arn  = aws_s3_bucket.this[each.key].arn
  kms_key_arn = module.kms.arn
  lifecycle_rule = {
    id              = local.lifecycle[each.key].id
    transitions     = each.key == "backups" ? local.backup_transitions : []
    expiration_days = each.key == "backups" ? var.backup_expiration_days : null
    noncurrent_days = local.lifecycle[each.key].noncurrent_days
    abort_days      = local.lifecycle[each.key].abort_days
  }
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.backups
  to   = aws_s3_bucket_lifecycle_configuration.this["backups"]
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.assets
  to   = aws_s3_bucket_lifecycle_configuration.this["assets"]
}

# State written before the buckets moved onto modules/bucket (issue 17).
moved {
  from = aws_s3_bucket_public_access_block.this["backups"]
  to   = module.bucket["backups"].aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_ownership_controls.this["backups"]
  to   = module.bucket["backups"].aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_versioning.this["backups"]
  to   = module.bucket["backups"].aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.this["backups"]
  to   = module.bucket["backups"].aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_policy.this["backups"]
  to   = module.bucket["backups"].aws_s3_bucket_policy.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.this["backups"]
  to   = module.bucket["backups"].aws_s3_bucket_lifecycle_configuration.this
}

moved {
  from = aws_s3_bucket_public_access_block.this["assets"]
  to   = module.bucket["assets"].aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_ownership_controls.this["assets"]
  to   = module.bucket["assets"].aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_versioning.this["assets"]
  to   = module.bucket["assets"].aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.this["assets"]
  to   = module.bucket["assets"].aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_policy.this["assets"]
  to   = module.bucket["assets"].aws_s3_bucket_policy.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.this["assets"]
  to   = module.bucket["assets"].aws_s3_bucket_lifecycle_configuration.this
}

moved {
  from = aws_s3_bucket_public_access_block.this["loki"]
  to   = module.bucket["loki"].aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_ownership_controls.this["loki"]
  to   = module.bucket["loki"].aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_versioning.this["loki"]
  to   = module.bucket["loki"].aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.this["loki"]
  to   = module.bucket["loki"].aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_policy.this["loki"]
  to   = module.bucket["loki"].aws_s3_bucket_policy.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.this["loki"]
  to   = module.bucket["loki"].aws_s3_bucket_lifecycle_configuration.this
}

# Browsers upload attachments straight to the assets bucket (a presigned POST from the web app,
# docs/adr/0020) and may read them back with fetch: the app's origins only. Downloads by link
# are navigations, which need no CORS.
resource "aws_s3_bucket_cors_configuration" "assets" {
  count  = length(var.assets_cors_origins) > 0 ? 1 : 0
  bucket = aws_s3_bucket.this["assets"].id

  cors_rule {
    id              = "app-uploads"
    allowed_origins = var.assets_cors_origins
    allowed_methods = ["POST", "GET", "HEAD"]
    # A preflight names whatever headers the browser adds to a multipart upload; the presigned
    # policy, not CORS, decides what may be stored.
    allowed_headers = ["*"]
    expose_headers  = ["ETag"]
    max_age_seconds = 3000
  }
}
