variable "github_repository" {
  description = "GitHub repository (owner/name) whose workflows may assume the CI role."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$", var.github_repository))
    error_message = "github_repository must be owner/name, without wildcards."
  }
}

variable "role_name" {
  description = "Name of the CI role."
  type        = string
  default     = "taskapp-github-actions"
}

variable "allowed_refs" {
  description = "Git refs (as in the OIDC sub claim) allowed to assume the role: the main branch and release tags."
  type        = list(string)
  default     = ["refs/heads/main", "refs/tags/v*"]

  validation {
    condition     = length(var.allowed_refs) > 0 && alltrue([for r in var.allowed_refs : can(regex("^refs/(heads|tags)/[A-Za-z0-9._/-]+\\*?$", r))])
    error_message = "allowed_refs must be refs/heads/<branch> or refs/tags/<prefix>[*] entries."
  }
}

variable "allowed_environments" {
  description = "GitHub deployment environments (as in the OIDC sub claim environment:<name>) whose jobs may assume the role: those the workflows name in `environment:`."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.allowed_environments : can(regex("^[A-Za-z0-9._-]+$", e))])
    error_message = "allowed_environments must be plain environment names, without wildcards."
  }
}

variable "ecr_repository_arns" {
  description = "ECR repositories the CI role may push to (and nothing else)."
  type        = list(string)

  validation {
    condition     = length(var.ecr_repository_arns) > 0 && alltrue([for a in var.ecr_repository_arns : can(regex("^arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/[^*]+$", a))])
    error_message = "ecr_repository_arns must be ECR repository ARNs without wildcards."
  }
}

variable "ecr_describe_repository_arns" {
  description = "Repositories whose image tags CI looks up (ecr:DescribeImages): the image repositories."
  type        = list(string)
  default     = []
}

variable "ecr_pull_repository_arns" {
  description = "Repositories CI pulls layers from (ecr:GetDownloadUrlForLayer): the web app image publish-web.sh reads, the charts publish-charts.sh checks."
  type        = list(string)
  default     = []
}

variable "create_oidc_provider" {
  description = "Create the token.actions.githubusercontent.com OIDC provider (one per account); false: look up the existing one."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
