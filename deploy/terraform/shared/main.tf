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
  ecr_repository_arns  = values(module.registry.repository_arns)
  create_oidc_provider = var.create_github_oidc_provider
}
