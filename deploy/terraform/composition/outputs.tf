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
  description = "IRSA role ARN per workload: backend, backup, aws_load_balancer_controller, external_secrets, external_dns, aws_for_fluent_bit, cluster_autoscaler (+ loki)."
  value       = module.irsa.role_arns
}

output "rds_endpoint" {
  description = "PostgreSQL host (port 5432, TLS required)."
  value       = module.database.endpoint
}

output "rds_master_secret_arn" {
  description = "RDS-managed (rotated) secret with the master credentials (JSON username, password): External Secrets builds the database URL from it."
  value       = module.database.master_user_secret_arn
}

output "redis_endpoint" {
  description = "Redis primary endpoint host (TLS, AUTH, port 6379)."
  value       = module.cache.primary_endpoint
}

output "backend_secret_name" {
  description = "Secrets Manager name of the backend's settings (keys redis_url, secret_key)."
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

output "cloudfront_distribution_id" {
  description = "CloudFront distribution of the web app (edge_mode = cloudfront); null otherwise."
  value       = one(module.edge[*].distribution_id)
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
    module.budget.account_names, module.ingress.account_names, flatten(module.edge[*].account_names),
    ["secret:${aws_secretsmanager_secret.backend.name}", "secret:${aws_secretsmanager_secret.grafana_admin.name}", "iam-role:${aws_iam_role.platform_admin.name}"],
  )
}

# The GitOps Bridge (ENGINEERING.md section 5): every fact the cluster needs, from the resources
# themselves, as the annotations of the Argo CD cluster Secret (scripts/gitops-bridge.py writes
# it). The annotation names are exactly those of deploy/gitops/cluster-facts.yaml (tested).
output "gitops_bridge" {
  description = "Annotations (the facts of deploy/gitops/cluster-facts.yaml) and labels of the Argo CD cluster Secret of this env."
  value = {
    annotations = {
      environment                                = var.environment
      aws_account_id                             = local.account_id
      aws_region                                 = data.aws_region.current.name
      aws_cluster_name                           = module.eks.cluster_name
      aws_vpc_id                                 = module.network.vpc_id
      public_subnet_cidrs                        = join(",", module.network.public_subnet_cidrs)
      data_subnet_cidrs                          = join(",", module.network.database_subnet_cidrs)
      domain_name                                = var.domain_name
      alb_host                                   = var.edge_mode == "cloudfront" ? one(module.edge[*].api_origin_domain) : var.domain_name
      route53_zone_id                            = data.aws_route53_zone.public.zone_id
      acm_certificate_arn                        = module.ingress.certificate_arn
      waf_acl_arn                                = module.ingress.waf_acl_arn
      alb_logs_bucket                            = module.ingress.alb_logs_bucket
      edge_mode                                  = var.edge_mode
      web_bucket                                 = one(module.edge[*].web_bucket) == null ? "" : one(module.edge[*].web_bucket)
      ecr_registry                               = local.registry_host
      ecr_repository_backend                     = data.aws_ecr_repository.app["taskapp-backend"].name
      ecr_repository_frontend                    = data.aws_ecr_repository.app["taskapp-frontend"].name
      db_host                                    = module.database.endpoint
      db_port                                    = tostring(module.database.port)
      db_name                                    = module.database.database_name
      db_master_secret_arn                       = module.database.master_user_secret_arn
      redis_host                                 = module.cache.primary_endpoint
      redis_port                                 = tostring(module.cache.port)
      redis_auth_secret_arn                      = module.cache.auth_token_secret_arn
      app_secret_name                            = aws_secretsmanager_secret.backend.name
      smtp_secret_name                           = module.mail.smtp_secret_name
      grafana_admin_secret_name                  = aws_secretsmanager_secret.grafana_admin.name
      backup_bucket                              = module.storage.backup_bucket_name
      assets_bucket                              = module.storage.assets_bucket_name
      loki_bucket                                = module.storage.loki_bucket_name
      log_group_name                             = module.eks.container_log_group_name
      irsa_backend_role_arn                      = module.irsa.role_arns["backend"]
      irsa_backup_role_arn                       = module.irsa.role_arns["backup"]
      irsa_external_secrets_role_arn             = module.irsa.role_arns["external_secrets"]
      irsa_aws_load_balancer_controller_role_arn = module.irsa.role_arns["aws_load_balancer_controller"]
      irsa_external_dns_role_arn                 = module.irsa.role_arns["external_dns"]
      irsa_fluent_bit_role_arn                   = module.irsa.role_arns["aws_for_fluent_bit"]
      irsa_cluster_autoscaler_role_arn           = module.irsa.role_arns["cluster_autoscaler"]
      irsa_loki_role_arn                         = lookup(module.irsa.role_arns, "loki", "")
    }
    labels = {
      environment = var.environment
      edge_mode   = var.edge_mode
      loki        = tostring(var.enable_loki)
      waf         = tostring(var.enable_waf)
    }
  }
}
