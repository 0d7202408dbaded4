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
  value       = module.registry.repository_urls
}

output "github_actions_role_arn" {
  description = "Role GitHub Actions (main branch and v* tags) assumes to push images."
  value       = module.github_oidc.role_arn
}

output "container_log_group_name" {
  description = "CloudWatch log group for container logs."
  value       = module.eks.container_log_group_name
}
