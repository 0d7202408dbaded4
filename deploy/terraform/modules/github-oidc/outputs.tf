output "role_arn" {
  description = "ARN of the CI role (the role-to-assume of aws-actions/configure-aws-credentials)."
  value       = aws_iam_role.ci.arn
}

output "oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider."
  value       = local.provider_arn
}
