output "arn" {
  description = "ARN of the role."
  value       = aws_iam_role.this.arn
}

output "name" {
  description = "Name of the role."
  value       = aws_iam_role.this.name
}

output "trust_policy" {
  description = "The role's trust policy (JSON)."
  value       = aws_iam_role.this.assume_role_policy
}

output "managed_policy_arns" {
  description = "ARNs of the attached AWS managed policies, sorted."
  value       = sort([for a in aws_iam_role_policy_attachment.managed : a.policy_arn])
}

output "inline_policies" {
  description = "The inline policies (JSON) by name."
  value       = { for name, p in aws_iam_role_policy.inline : name => p.policy }
}
