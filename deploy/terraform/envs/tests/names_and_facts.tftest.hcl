# What every environment shares, in one plan per env (this file is linked into envs/<env>/tests/
# and planned with that env's own terraform.tfvars):
# - the names the other parts (GitOps values, workflows, docs) rely on, and that every name the env
#   claims in the one account carries the env (ADR 0008; issue 17: one naming test, not three);
# - the GitOps Bridge contract: the gitops_bridge output carries exactly the annotations of
#   deploy/gitops/cluster-facts.yaml (the GitOps side is tested against the same file) but the
#   `from: shared` ones (repo_url: shared's output, added by scripts/gitops-bridge.py), each
#   filled from this env's resources; only the facts of a part the env switched off are empty.
mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

mock_provider "aws" {
  alias           = "us_east_1"
  override_during = plan
  source          = "../../tests/mocks"
}

run "names_and_facts_the_other_parts_rely_on" {
  command = plan

  assert {
    condition     = output.cluster_name == "taskapp-${var.environment}" && output.container_log_group_name == "/aws/eks/taskapp-${var.environment}/containers"
    error_message = "cluster and log group names must follow taskapp-<env>"
  }
  assert {
    condition     = output.backend_secret_name == "taskapp/${var.environment}/backend"
    error_message = "the backend secret must be taskapp/<env>/backend"
  }
  assert {
    condition = alltrue([
      for r in module.storage.assets_cors_rules : toset(r.allowed_origins) == toset(["https://${var.domain_name}"])
    ]) && length(module.storage.assets_cors_rules) == 1
    error_message = "browsers may upload attachments to the assets bucket from the app's own origin (https://<domain_name>) only"
  }
  assert {
    condition     = module.irsa.service_accounts.backend == "taskapp-${var.environment}/taskapp-backend"
    error_message = "the backend role must trust taskapp-<env>/taskapp-backend"
  }
  assert {
    condition     = module.eks.admin_principal_arns == tolist(["arn:aws:iam::123456789012:role/taskapp-${var.environment}-platform-admin"])
    error_message = "the EKS access entry names the taskapp-<env>-platform-admin role this env creates"
  }
  assert {
    condition     = output.backup_bucket_name == "taskapp-${var.environment}-backups-123456789012"
    error_message = "the backup bucket is taskapp-<env>-backups-<account>"
  }
  assert {
    condition     = output.image_pull.repositories == tolist(["taskapp-backend", "taskapp-frontend"]) && output.image_pull.registry == "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
    error_message = "the env pulls taskapp-backend and taskapp-frontend from the account's registry (../../shared)"
  }

  assert {
    condition     = length(output.account_names) > 0 && alltrue([for n in output.account_names : strcontains(n, "taskapp-${var.environment}") || strcontains(n, "taskapp/${var.environment}/")])
    error_message = "names without taskapp-<env> would collide in the one account (ADR 0008): ${join(", ", [for n in output.account_names : n if !(strcontains(n, "taskapp-${var.environment}") || strcontains(n, "taskapp/${var.environment}/"))])}"
  }

  assert {
    condition     = toset(keys(output.gitops_bridge.annotations)) == toset([for f in yamldecode(file("../../../gitops/cluster-facts.yaml")).facts : f.annotation if lookup(f, "from", "env") != "shared"])
    error_message = "gitops_bridge.annotations and deploy/gitops/cluster-facts.yaml differ: missing ${jsonencode(setsubtract([for f in yamldecode(file("../../../gitops/cluster-facts.yaml")).facts : f.annotation if lookup(f, "from", "env") != "shared"], keys(output.gitops_bridge.annotations)))}, not in the contract ${jsonencode(setsubtract(keys(output.gitops_bridge.annotations), [for f in yamldecode(file("../../../gitops/cluster-facts.yaml")).facts : f.annotation if lookup(f, "from", "env") != "shared"]))}"
  }
  assert {
    condition     = output.gitops_bridge.annotations.alb_host == (var.edge_mode == "cloudfront" ? "origin.${var.domain_name}" : var.domain_name)
    error_message = "the ALB answers on the domain (edge_mode ingress) or on CloudFront's API origin origin.<domain> (cloudfront)"
  }
  assert {
    condition     = output.gitops_bridge.labels.environment == var.environment && output.gitops_bridge.annotations.environment == var.environment
    error_message = "the cluster Secret is labelled and annotated with its environment"
  }

  assert {
    condition = toset([for k, v in output.gitops_bridge.annotations : k if v == ""]) == toset(concat(
      var.enable_waf ? [] : ["waf_acl_arn"],
      var.edge_mode == "cloudfront" ? [] : ["web_bucket"],
      var.enable_loki ? [] : ["loki_bucket", "irsa_loki_role_arn"],
    ))
    error_message = "empty facts must be exactly those of parts this env has switched off (WAF, CloudFront edge, Loki): ${jsonencode([for k, v in output.gitops_bridge.annotations : k if v == ""])}"
  }
  assert {
    condition     = alltrue([for k, v in output.gitops_bridge.annotations : !strcontains(v, "00000000-0000-0000-0000-000000000000") && !strcontains(v, "placeholder") && !strcontains(lower(v), "changeme")])
    error_message = "no placeholder values in the facts"
  }

  assert {
    condition = [
      output.gitops_bridge.annotations.irsa_backup_role_arn,
      output.gitops_bridge.annotations.irsa_external_dns_role_arn,
      output.gitops_bridge.annotations.db_master_secret_arn,
      output.gitops_bridge.annotations.app_secret_name,
      output.gitops_bridge.annotations.grafana_admin_secret_name,
      output.gitops_bridge.annotations.ecr_registry,
      output.gitops_bridge.annotations.acm_certificate_arn,
      ] == [
      module.irsa.role_arns["backup"],
      module.irsa.role_arns["external_dns"],
      module.database.master_user_secret_arn,
      "taskapp/${var.environment}/backend",
      "taskapp/${var.environment}/grafana-admin",
      output.image_pull.registry,
      module.ingress.certificate_arn,
    ]
    error_message = "facts must come from the env's own resources"
  }
  assert {
    condition     = module.irsa.service_accounts.backup == "taskapp-${var.environment}/taskapp-backend-backup" && module.irsa.service_accounts.external_dns == "kube-system/external-dns" && module.irsa.service_accounts.external_secrets == "external-secrets/external-secrets"
    error_message = "the roles trust the service accounts the GitOps side creates"
  }
  assert {
    condition     = toset(keys(jsondecode(aws_secretsmanager_secret_version.backend.secret_string))) == toset(["redis_url", "secret_key"]) && startswith(jsondecode(aws_secretsmanager_secret_version.backend.secret_string).redis_url, "rediss://:")
    error_message = "the backend secret holds redis_url (TLS) and secret_key, and no frozen database_url (RDS rotates the password: External Secrets builds the URL from db_master_secret_arn)"
  }
  assert {
    condition     = toset(keys(jsondecode(aws_secretsmanager_secret_version.grafana_admin.secret_string))) == toset(["admin-user", "admin-password"])
    error_message = "Grafana's admin secret has the keys of the chart's admin.existingSecret"
  }
}

# The backend's NetworkPolicy egress to PostgreSQL and Redis is the data_subnet_cidrs fact: the
# subnets RDS and ElastiCache are placed in (module.network's database subnets), carved from this
# env's VPC. No env file types a CIDR, so a changed VPC flows through to the cluster.
run "database_subnets_are_a_fact_carved_from_the_vpc" {
  command = plan

  assert {
    condition = alltrue([
      for c in split(",", output.gitops_bridge.annotations.data_subnet_cidrs) :
      contains([for i in range(64) : cidrsubnet(var.vpc_cidr, tonumber(split("/", c)[1]) - tonumber(split("/", var.vpc_cidr)[1]), i)], c)
    ]) && length(split(",", output.gitops_bridge.annotations.data_subnet_cidrs)) == length(var.azs)
    error_message = "data_subnet_cidrs must be one database subnet per AZ inside vpc_cidr ${var.vpc_cidr}: ${output.gitops_bridge.annotations.data_subnet_cidrs}"
  }
}

run "a_changed_vpc_cidr_flows_into_the_database_subnets_fact" {
  command = plan

  variables {
    vpc_cidr = "10.99.0.0/16"
  }

  assert {
    condition     = length(output.gitops_bridge.annotations.data_subnet_cidrs) > 0 && alltrue([for c in split(",", output.gitops_bridge.annotations.data_subnet_cidrs) : startswith(c, "10.99.")])
    error_message = "the data_subnet_cidrs fact must follow vpc_cidr: ${output.gitops_bridge.annotations.data_subnet_cidrs}"
  }
  assert {
    condition     = startswith(output.gitops_bridge.annotations.public_subnet_cidrs, "10.99.")
    error_message = "the public_subnet_cidrs fact must follow vpc_cidr too"
  }
}
