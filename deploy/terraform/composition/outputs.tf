output "environment" {
  description = "Environment name."
  value       = var.environment
}

output "cluster_name" {
  description = "EKS cluster name (taskapp-<env>)."
  value       = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "Kubernetes API endpoint."
  value       = module.eks.cluster_endpoint
}

output "cluster_certificate_authority_data" {
  description = "Base64 CA of the API server."
  value       = module.eks.cluster_certificate_authority_data
}

output "vpc_id" {
  description = "VPC ID (the AWS Load Balancer Controller's vpcId value)."
  value       = module.network.vpc_id
}

output "irsa_role_arns" {
  description = "IRSA role ARN per workload: backend, aws_load_balancer_controller, external_secrets, aws_for_fluent_bit, cluster_autoscaler."
  value       = module.irsa.role_arns
}

output "rds_endpoint" {
  description = "PostgreSQL host (port 5432, TLS required)."
  value       = module.database.endpoint
}

output "rds_master_secret_arn" {
  description = "RDS-managed secret with the master credentials."
  value       = module.database.master_user_secret_arn
}

output "redis_endpoint" {
  description = "Redis primary endpoint host (TLS, AUTH, port 6379)."
  value       = module.cache.primary_endpoint
}

output "backend_secret_name" {
  description = "Secrets Manager name of the backend's settings (keys database_url, redis_url, secret_key)."
  value       = aws_secretsmanager_secret.backend.name
}

output "backup_bucket_name" {
  description = "S3 bucket for database backups."
  value       = module.storage.backup_bucket_name
}

output "assets_bucket_name" {
  description = "S3 bucket for static assets."
  value       = module.storage.assets_bucket_name
}

output "ecr_repository_urls" {
  description = "ECR repository URLs by name (taskapp-backend, taskapp-frontend)."
  value       = { for k, r in data.aws_ecr_repository.app : k => r.repository_url }
}

output "platform_admin_role_arn" {
  description = "Role operators assume to administer this environment's cluster (EKS access entry) and to reach its private API through SSM port forwarding."
  value       = aws_iam_role.platform_admin.arn
}

output "image_pull" {
  description = "Where the environment pulls its images from, and with which roles (checked against ../../shared by the estate test)."
  value = {
    registry              = local.registry_host
    repositories          = sort([for r in data.aws_ecr_repository.app : r.name])
    node_role_policies    = module.eks.node_role_policy_arns
    fargate_role_policies = module.eks.fargate_pod_execution_role_policy_arns
  }
}

output "container_log_group_name" {
  description = "CloudWatch log group for container logs."
  value       = module.eks.container_log_group_name
}

output "account_names" {
  description = "Names this environment claims in the AWS account or globally, as kind:name (the estate test fails when two configurations claim one)."
  value = concat(
    module.network.account_names, module.eks.account_names, module.database.account_names, module.cache.account_names,
    module.storage.account_names, module.irsa.account_names,
    module.budget.account_names, ["secret:${aws_secretsmanager_secret.backend.name}", "iam-role:${aws_iam_role.platform_admin.name}"],
  )
}
