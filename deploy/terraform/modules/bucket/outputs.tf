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
