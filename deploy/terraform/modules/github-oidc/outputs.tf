output "role_arn" {
  description = "ARN of the CI role (the role-to-assume of aws-actions/configure-aws-credentials)."
  value       = aws_iam_role.ci.arn
}

output "oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider."
  value       = local.provider_arn
}

output "account_names" {
  description = "Names this module claims in the AWS account or globally, as kind:name (the estate test fails when two configurations claim one)."
  value       = concat(["iam-role:${aws_iam_role.ci.name}"], [for p in aws_iam_openid_connect_provider.github : "iam-oidc-provider:${p.url}"])
}
