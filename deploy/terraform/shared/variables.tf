variable "aws_region" {
  description = "Region of the registry (the environments' region: they pull from it)."
  type        = string
  default     = "eu-west-1"
}

variable "github_repository" {
  description = "GitHub repository (owner/name) whose main branch and release tags may push images and charts."
  type        = string
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
