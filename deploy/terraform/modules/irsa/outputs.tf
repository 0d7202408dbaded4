output "role_arns" {
  description = "Role ARN per workload (backend, backup, aws_load_balancer_controller, external_secrets, external_dns, aws_for_fluent_bit, cluster_autoscaler, loki when on): the eks.amazonaws.com/role-arn annotation of its service account."
  value       = { for k, m in module.role : k => m.role_arn }
}

output "service_accounts" {
  description = "namespace/name of the service account each role trusts."
  value       = local.service_accounts
}

output "account_names" {
  description = "Names this module claims in the AWS account or globally, as kind:name (the estate test fails when two configurations claim one)."
  value       = [for m in module.role : "iam-role:${m.role_name}"]
}
