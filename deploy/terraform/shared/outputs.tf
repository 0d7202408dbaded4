output "ecr_registry" {
  description = "Registry host (<account>.dkr.ecr.<region>.amazonaws.com): the ECR_REGISTRY variable of the workflows."
  value       = module.registry.registry_host
}

output "ecr_repository_urls" {
  description = "Repository URL by name: the images and the charts/<chart> OCI repositories."
  value       = module.registry.repository_urls
}

output "ecr_repository_arns" {
  description = "Repository ARN by name (the CI role's policy names them; scripts/ci_role.py reads them from the plan)."
  value       = module.registry.repository_arns
}

output "github_actions_role_arn" {
  description = "Role GitHub Actions (main branch and v* tags) assumes to push images and charts: the AWS_ROLE_ARN repository variable (docs/delivery.md)."
  value       = module.github_oidc.role_arn
}

output "account_names" {
  description = "Names this configuration claims in the AWS account or globally, as kind:name (the estate test fails when two configurations claim one)."
  value       = concat(module.registry.account_names, module.github_oidc.account_names, [for z in aws_route53_zone.public : "route53-zone:${z.name}"])
}

output "dns_zone_id" {
  description = "Route 53 hosted zone of dns_zone_name (created here, or the operator's when create_dns_zone = false)."
  value       = local.dns_zone.id
}

output "dns_name_servers" {
  description = "Name servers of the hosted zone: set them as the NS records of dns_zone_name at its registrar or parent zone before applying an env (ACM validates through them)."
  value       = local.dns_zone.name_servers
}

output "repo_url" {
  description = "The Git repository every env's Argo CD syncs from: the repo_url cluster fact (scripts/gitops-bridge.py --repo-url) and the bootstrap AppProject's sourceRepos (docs/deploy.md)."
  value       = "https://github.com/${var.github_repository}.git"
}
