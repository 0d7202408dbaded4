# The parts of the one taskapp AWS account that no environment owns (docs/adr/0008): the registry
# every environment pulls from (images and OCI charts, built once by CI and promoted by tag) and
# the GitHub Actions role that pushes to it. Environments find the repositories by name (data
# sources), so planning an environment before this is applied fails instead of guessing.
module "registry" {
  source           = "../modules/registry"
  repositories     = concat(var.image_repositories, var.chart_repositories)
  keep_last_images = var.keep_last_images
}

module "github_oidc" {
  source               = "../modules/github-oidc"
  github_repository    = var.github_repository
  role_name            = "taskapp-github-actions"
  allowed_environments = var.github_environments
  ecr_repository_arns  = values(module.registry.repository_arns)
  # Tags looked up: the images (promote.yml, release.yml). Layers pulled: the web app image
  # (publish-web.sh reads its files) and the charts (publish-charts.sh: helm show chart).
  ecr_describe_repository_arns = [for r in var.image_repositories : module.registry.repository_arns[r]]
  ecr_pull_repository_arns     = concat([module.registry.repository_arns["taskapp-frontend"]], [for r in var.chart_repositories : module.registry.repository_arns[r]])
  create_oidc_provider         = var.create_github_oidc_provider
}

# The public hosted zone of the product (issue 15): every env's domain lives in it (ADR 0008:
# one account), its ACM validation records and external-dns's records go there. Terraform creates
# it unless the operator brings one (create_dns_zone = false: looked up by name). Either way the
# envs find it by dns_zone_name, so their plan fails until this is applied.
resource "aws_route53_zone" "public" {
  #checkov:skip=CKV2_AWS_38:DNSSEC needs a DS record at the parent zone or registrar, which is outside this account (docs/deploy.md)
  #checkov:skip=CKV2_AWS_39:query logging needs a us-east-1 log group and costs per query; Route 53 changes are in CloudTrail
  count         = var.create_dns_zone ? 1 : 0
  name          = var.dns_zone_name
  comment       = "taskapp: the public zone of every environment's domain (deploy/terraform/shared)"
  force_destroy = false
}

data "aws_route53_zone" "public" {
  count        = var.create_dns_zone ? 0 : 1
  name         = var.dns_zone_name
  private_zone = false
}

locals {
  dns_zone = var.create_dns_zone ? {
    id           = aws_route53_zone.public[0].zone_id
    name_servers = aws_route53_zone.public[0].name_servers
    } : {
    id           = data.aws_route53_zone.public[0].zone_id
    name_servers = data.aws_route53_zone.public[0].name_servers
  }
}
