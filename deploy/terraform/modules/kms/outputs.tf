output "arn" {
  description = "ARN of the key."
  value       = aws_kms_key.this.arn
}

output "key_id" {
  description = "Key ID (some arguments, e.g. RDS's master_user_secret_kms_key_id, take it instead of the ARN)."
  value       = aws_kms_key.this.key_id
}

output "policy" {
  description = "The key policy (JSON)."
  value       = aws_kms_key.this.policy
}
