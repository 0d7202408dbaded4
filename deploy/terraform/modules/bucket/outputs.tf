output "policy" {
  description = "The bucket policy (JSON)."
  value       = aws_s3_bucket_policy.this.policy
}

output "sse_algorithm" {
  description = "Default encryption: aws:kms or AES256."
  value       = one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default[0].sse_algorithm
}

output "public_access_blocked" {
  description = "True when all four public access block settings are on."
  value       = aws_s3_bucket_public_access_block.this.block_public_acls && aws_s3_bucket_public_access_block.this.block_public_policy && aws_s3_bucket_public_access_block.this.ignore_public_acls && aws_s3_bucket_public_access_block.this.restrict_public_buckets
}

output "versioning_status" {
  description = "Versioning status (Enabled)."
  value       = aws_s3_bucket_versioning.this.versioning_configuration[0].status
}

output "kms_key_arn" {
  description = "The KMS key of default encryption; null with SSE-S3."
  value       = one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default[0].kms_master_key_id
}

output "ownership" {
  description = "Object ownership (BucketOwnerEnforced: ACLs off)."
  value       = aws_s3_bucket_ownership_controls.this.rule[0].object_ownership
}

output "lifecycle" {
  description = "The lifecycle rule as planned: id, transitions as [days, storage class], expiration days (null: never), noncurrent days, abort days."
  value = {
    id              = aws_s3_bucket_lifecycle_configuration.this.rule[0].id
    transitions     = [for t in aws_s3_bucket_lifecycle_configuration.this.rule[0].transition : [t.days, t.storage_class]]
    expiration_days = one([for e in aws_s3_bucket_lifecycle_configuration.this.rule[0].expiration : e.days])
    noncurrent_days = aws_s3_bucket_lifecycle_configuration.this.rule[0].noncurrent_version_expiration[0].noncurrent_days
    abort_days      = aws_s3_bucket_lifecycle_configuration.this.rule[0].abort_incomplete_multipart_upload[0].days_after_initiation
  }
}
