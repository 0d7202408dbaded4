variable "aws_region" {
  description = "Region of the registry (the environments' region: they pull from it)."
  type        = string
  default     = "eu-west-1"
}

variable "github_repository" {
  description = "The GitHub repository (owner/name, an operator input: your repository of taskapp) whose main branch and release tags may push images and charts, and that every env's Argo CD syncs from (output repo_url, the repo_url cluster fact)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$", var.github_repository)) && !endswith(var.github_repository, ".git")
    error_message = "github_repository must be owner/name (no URL, no .git, no wildcards)."
  }
}

variable "github_environments" {
  description = "GitHub deployment environments whose jobs assume the CI role (the workflows' `environment:` values: cd.yml dev, promote.yml/bootstrap.yml/web.yml staging and production); scripts/tests/test_ci_role.py derives them from the workflows."
  type        = list(string)
  default     = ["dev", "staging", "production"]
}

variable "create_github_oidc_provider" {
  description = "Create the token.actions.githubusercontent.com OIDC provider (false if the account already has it)."
  type        = bool
  default     = true
}

variable "image_repositories" {
  description = "Image repositories CI pushes and every environment pulls (the taskapp-<component> images of cd.yml)."
  type        = list(string)
  default     = ["taskapp-backend", "taskapp-frontend"]
}

variable "chart_repositories" {
  description = "OCI chart repositories release.yml pushes to (helm push oci://<registry>/charts): charts/<chart> for each chart in deploy/helm."
  type        = list(string)
  default     = ["charts/taskapp-backend", "charts/taskapp-frontend", "charts/taskapp-ingress", "charts/taskapp-monitoring"]

  validation {
    condition     = alltrue([for r in var.chart_repositories : startswith(r, "charts/")])
    error_message = "chart repositories live under charts/ (release.yml pushes to oci://<registry>/charts)."
  }
}

variable "keep_last_images" {
  description = "Tagged images (or chart versions) kept per repository."
  type        = number
  default     = 50
}

variable "dns_zone_name" {
  description = "Public DNS zone of the product (an operator input, e.g. taskapp.example.com): every env's domain_name lies in it and its envs/<env>/terraform.tfvars dns_zone_name names it."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$", var.dns_zone_name))
    error_message = "dns_zone_name must be a lowercase DNS name (no trailing dot)."
  }
}

variable "create_dns_zone" {
  description = "Create the Route 53 hosted zone dns_zone_name (then delegate to the output dns_name_servers); false: an existing public zone of that name in this account is used."
  type        = bool
  default     = true
}
