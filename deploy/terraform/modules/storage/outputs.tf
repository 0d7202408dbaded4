output "backup_bucket_name" {
  description = "Bucket for database backups (the backend's IRSA role may only put objects)."
  value       = aws_s3_bucket.this["backups"].bucket
}

output "backup_bucket_arn" {
  description = "ARN of the backup bucket."
  value       = aws_s3_bucket.this["backups"].arn
}

output "assets_bucket_name" {
  description = "Bucket for static assets."
  value       = aws_s3_bucket.this["assets"].bucket
}

output "assets_bucket_arn" {
  description = "ARN of the assets bucket."
  value       = aws_s3_bucket.this["assets"].arn
}

output "loki_bucket_name" {
  description = "Bucket for Loki's chunks; empty string when Loki is off."
  value       = var.enable_loki ? aws_s3_bucket.this["loki"].bucket : ""
}

output "loki_bucket_arn" {
  description = "ARN of Loki's bucket; null when Loki is off."
  value       = var.enable_loki ? aws_s3_bucket.this["loki"].arn : null
}

output "kms_key_arn" {
  description = "KMS key encrypting both buckets."
  value       = module.kms.arn
}

output "account_names" {
  description = "Names this module claims in the AWS account or globally, as kind:name (the estate test fails when two configurations claim one)."
  value       = [for b in aws_s3_bucket.this : "s3-bucket:${b.bucket}"]
}

output "assets_cors_rules" {
  description = "The assets bucket's CORS rules (browser uploads of attachments); empty without assets_cors_origins."
  value       = flatten([for c in aws_s3_bucket_cors_configuration.assets : c.cors_rule])
}
