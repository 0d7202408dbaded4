# One environment of taskapp: the same composition for dev, staging and prod (the files other
# than backend.tf and terraform.tfvars are identical across envs/, which scripts/terraform.sh
# checks). Sizing lives in terraform.tfvars.
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

# The public hosted zone of the product (shared by the envs of the one account: ADR 0008).
data "aws_route53_zone" "public" {
  name         = var.dns_zone_name
  private_zone = false
}

locals {
  name          = "taskapp-${var.environment}"
  app_namespace = "taskapp-${var.environment}"
  secret_prefix = "taskapp/${var.environment}/"
  account_id    = data.aws_caller_identity.current.account_id
  partition     = data.aws_partition.current.partition
  # Access entries are keyed by these ARNs, so they must be known at plan time: built from the
  # role's name (known, and a reference that orders the entry after the role), not its arn.
  admin_arns = [for r in concat([aws_iam_role.platform_admin.name], var.cluster_admin_role_names) : "arn:${local.partition}:iam::${local.account_id}:role/${trimprefix(r, "/")}"]
  # The images CI pushes (cd.yml: taskapp-<component>) and the charts pull from ../../shared.
  image_repositories = ["taskapp-backend", "taskapp-frontend"]
  registry_host      = one(distinct([for r in data.aws_ecr_repository.app : split("/", r.repository_url)[0]]))
}

module "network" {
  source                     = "../../modules/network"
  name                       = local.name
  cidr                       = var.vpc_cidr
  azs                        = var.azs
  single_nat_gateway         = var.single_nat_gateway
  enable_interface_endpoints = var.enable_interface_endpoints
  cluster_name               = local.name
  flow_log_retention_days    = var.log_retention_days
}

module "eks" {
  source               = "../../modules/eks"
  cluster_name         = local.name
  kubernetes_version   = var.kubernetes_version
  vpc_id               = module.network.vpc_id
  subnet_ids           = module.network.private_subnet_ids
  public_access_cidrs  = var.cluster_public_access_cidrs
  admin_principal_arns = local.admin_arns
  node_instance_types  = var.node_instance_types
  node_capacity_type   = var.node_capacity_type
  node_min_size        = var.node_min_size
  node_desired_size    = var.node_desired_size
  node_max_size        = var.node_max_size
  fargate_namespaces   = var.app_on_fargate ? [local.app_namespace] : []
  log_retention_days   = var.log_retention_days
}

module "database" {
  source                     = "../../modules/database"
  identifier                 = local.name
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.database_subnet_ids
  allowed_security_group_ids = [module.eks.cluster_security_group_id]
  instance_class             = var.db_instance_class
  allocated_storage_gib      = var.db_allocated_storage_gib
  multi_az                   = var.db_multi_az
  backup_retention_days      = var.db_backup_retention_days
  deletion_protection        = var.db_deletion_protection
}

module "cache" {
  source                     = "../../modules/cache"
  name                       = local.name
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.database_subnet_ids
  allowed_security_group_ids = [module.eks.cluster_security_group_id]
  auth_token_secret_name     = "${local.secret_prefix}redis-auth"
  node_type                  = var.cache_node_type
  num_cache_clusters         = var.cache_num_nodes
}

# Mail (verification, password reset, invitations, reminders) through SES: the env's domain signs
# it, and the SMTP credentials wait in taskapp/<env>/smtp for External Secrets.
module "mail" {
  source           = "../../modules/mail"
  name             = local.name
  domain_name      = var.domain_name
  zone_id          = data.aws_route53_zone.public.zone_id
  smtp_secret_name = "${local.secret_prefix}smtp"
  kms_key_arn      = module.app_secrets_kms.arn
}

module "storage" {
  source                 = "../../modules/storage"
  name_prefix            = local.name
  backup_expiration_days = var.backup_expiration_days
  enable_loki            = var.enable_loki
  # The web app uploads attachments straight to the assets bucket (presigned POST).
  assets_cors_origins = ["https://${var.domain_name}"]
}

module "ingress" {
  source             = "../../modules/ingress"
  name               = local.name
  domain_name        = var.domain_name
  zone_id            = data.aws_route53_zone.public.zone_id
  enable_waf         = var.enable_waf
  log_retention_days = var.log_retention_days
}

# edge_mode = "cloudfront": CloudFront serves the web app from S3 and sends /api/* to the ALB,
# which then answers on origin.<domain> (covered by the regional certificate's *.<domain>).
module "edge" {
  source             = "../../modules/edge"
  count              = var.edge_mode == "cloudfront" ? 1 : 0
  name               = local.name
  domain_name        = var.domain_name
  zone_id            = data.aws_route53_zone.public.zone_id
  api_origin_domain  = "origin.${var.domain_name}"
  log_retention_days = var.log_retention_days
  # The CI role of ../../shared publishes the web app (scripts/publish-web.sh) to this env only.
  publisher_role_name = var.ci_role_name

  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }
}

# The registry lives in ../../shared (ADR 0008: one registry for every environment). Looking the
# repositories up makes a plan fail when it is missing, and gives the real registry host.
data "aws_ecr_repository" "app" {
  for_each = toset(local.image_repositories)
  name     = each.value
}

# Environments no longer own a registry or the CI role (they collided in the one account):
# forget them without destroying, in case an environment was applied with them.
removed {
  from = module.registry
  lifecycle {
    destroy = false
  }
}

removed {
  from = module.github_oidc
  lifecycle {
    destroy = false
  }
}

module "irsa" {
  source                  = "../../modules/irsa"
  cluster_name            = local.name
  app_namespace           = local.app_namespace
  oidc_provider_arn       = module.eks.oidc_provider_arn
  oidc_issuer             = module.eks.oidc_issuer
  backup_bucket_arn       = module.storage.backup_bucket_arn
  backup_kms_key_arn      = module.storage.kms_key_arn
  assets_bucket_arn       = module.storage.assets_bucket_arn
  assets_kms_key_arn      = module.storage.kms_key_arn
  route53_zone_arn        = data.aws_route53_zone.public.arn
  enable_loki             = var.enable_loki
  loki_bucket_arn         = module.storage.loki_bucket_arn
  loki_kms_key_arn        = var.enable_loki ? module.storage.kms_key_arn : null
  app_secrets_prefix      = local.secret_prefix
  extra_secret_arns       = [module.database.master_user_secret_arn]
  secrets_kms_key_arns    = [module.app_secrets_kms.arn, module.database.kms_key_arn, module.cache.kms_key_arn]
  container_log_group_arn = module.eks.container_log_group_arn
}

module "budget" {
  source            = "../../modules/budget"
  name              = "${local.name}-monthly"
  monthly_limit_usd = var.budget_monthly_usd
  subscriber_emails = var.budget_emails
  cost_filter_tags  = { Environment = var.environment }
}

# --- Secrets Terraform creates (and nothing else does: docs/deploy.md never asks to create them
# by hand). Both under taskapp/<env>/, which External Secrets may read (modules/irsa).
# The database URL is not among them: RDS rotates the master password every 7 days, so External
# Secrets builds the URL from the RDS-managed secret (db_master_secret_arn in the GitOps Bridge)
# and refreshes it after each rotation.
module "app_secrets_kms" {
  source      = "../../modules/kms"
  name        = "${local.name}-app-secrets"
  description = "${local.name}: application secrets under ${local.secret_prefix}"
}

moved {
  from = aws_kms_key.app_secrets
  to   = module.app_secrets_kms.aws_kms_key.this
}

data "aws_secretsmanager_random_password" "secret_key" {
  password_length     = 64
  exclude_punctuation = true
}

# taskapp/<env>/backend: redis_url (TLS + the AUTH token) and the signing key secret_key.
resource "aws_secretsmanager_secret" "backend" {
  name                    = "${local.secret_prefix}backend"
  description             = "taskapp backend settings for ${var.environment} (redis_url, secret_key); the database URL comes from the RDS-managed secret"
  kms_key_id              = module.app_secrets_kms.arn
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "backend" {
  secret_id = aws_secretsmanager_secret.backend.id
  secret_string = jsonencode({
    redis_url  = "rediss://:${urlencode(module.cache.auth_token)}@${module.cache.primary_endpoint}:${module.cache.port}/0"
    secret_key = data.aws_secretsmanager_random_password.secret_key.random_password
  })

  lifecycle {
    # The signing key is drawn again on every plan: keep the first one.
    ignore_changes = [secret_string]
  }
}

# taskapp/<env>/grafana-admin: Grafana's admin login, in the keys the Grafana chart's
# admin.existingSecret expects (admin-user, admin-password).
data "aws_secretsmanager_random_password" "grafana_admin" {
  password_length     = 32
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret" "grafana_admin" {
  name                    = "${local.secret_prefix}grafana-admin"
  description             = "Grafana admin credentials of ${local.name} (admin-user, admin-password)"
  kms_key_id              = module.app_secrets_kms.arn
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "grafana_admin" {
  secret_id = aws_secretsmanager_secret.grafana_admin.id
  secret_string = jsonencode({
    "admin-user"     = "admin"
    "admin-password" = data.aws_secretsmanager_random_password.grafana_admin.random_password
  })

  lifecycle {
    ignore_changes = [secret_string] # drawn once; rotate by replacing this version
  }
}

# --- The way in (issue 15 point 2): the role the EKS access entry makes cluster admin. Any
# principal of this account whose own IAM policy allows sts:AssumeRole on it (e.g. the platform
# team's SSO permission set) may assume it; it may read the cluster and open SSM port-forwarding
# sessions through this cluster's nodes to the private API endpoint (docs/deploy.md).
resource "aws_iam_role" "platform_admin" {
  name                 = "${local.name}-platform-admin"
  description          = "Administers ${local.name}: EKS cluster admin, SSM port forwarding to the private API"
  max_session_duration = 3600
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
      Action    = ["sts:AssumeRole", "sts:SetSourceIdentity"]
    }]
  })
}

resource "aws_iam_role_policy" "platform_admin" {
  name = "cluster-access"
  role = aws_iam_role.platform_admin.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "DescribeTheCluster"
        Effect   = "Allow"
        Action   = ["eks:DescribeCluster", "eks:ListAccessEntries"]
        Resource = ["arn:${local.partition}:eks:${var.aws_region}:${local.account_id}:cluster/${local.name}"]
      },
      {
        Sid      = "FindNodes"
        Effect   = "Allow"
        Action   = ["ec2:DescribeInstances", "ssm:DescribeInstanceInformation"] # no resource-level permissions
        Resource = ["*"]
      },
      {
        Sid      = "PortForwardThroughThisClustersNodes"
        Effect   = "Allow"
        Action   = ["ssm:StartSession"]
        Resource = ["arn:${local.partition}:ec2:${var.aws_region}:${local.account_id}:instance/*"]
        Condition = {
          StringEquals = { "ssm:resourceTag/eks:cluster-name" = local.name }
        }
      },
      {
        Sid      = "OnlyThePortForwardingDocument"
        Effect   = "Allow"
        Action   = ["ssm:StartSession"]
        Resource = ["arn:${local.partition}:ssm:${var.aws_region}::document/AWS-StartPortForwardingSessionToRemoteHost"]
      },
      {
        Sid      = "OwnSessions"
        Effect   = "Allow"
        Action   = ["ssm:TerminateSession", "ssm:ResumeSession"]
        Resource = ["arn:${local.partition}:ssm:*:${local.account_id}:session/$${aws:userid}-*"]
      },
    ]
  })
}
