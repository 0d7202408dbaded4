output "role_arn" {
  description = "ARN of the role (the eks.amazonaws.com/role-arn service account annotation)."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the role."
  value       = aws_iam_role.this.name
}

output "trust_policy" {
  description = "The role's trust policy (JSON)."
  value       = aws_iam_role.this.assume_role_policy
}

output "policy_json" {
  description = "The inline policy (JSON), or null."
  value       = var.policy_json
}
