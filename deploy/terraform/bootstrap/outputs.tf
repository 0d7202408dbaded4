output "state_bucket_name" {
  description = "Bucket for envs/*/backend.tf."
  value       = aws_s3_bucket.state.id
}

output "lock_table_name" {
  description = "DynamoDB lock table for envs/*/backend.tf."
  value       = aws_dynamodb_table.locks.name
}

output "state_kms_key_arn" {
  description = "KMS key encrypting the state bucket and lock table."
  value       = module.kms.arn
}
