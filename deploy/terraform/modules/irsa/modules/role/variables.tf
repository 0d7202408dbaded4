variable "name" {
  description = "Name of the IAM role."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.name))
    error_message = "name must be a valid IAM role name (1-64 characters of A-Za-z0-9+=,.@_-)."
  }
}

variable "oidc_provider_arn" {
  description = "ARN of the cluster's IAM OIDC provider."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/.+", var.oidc_provider_arn))
    error_message = "oidc_provider_arn must be an IAM OIDC provider ARN."
  }
}

variable "oidc_issuer" {
  description = "Issuer of the cluster's OIDC provider, with or without https:// (e.g. oidc.eks.eu-west-1.amazonaws.com/id/ABC)."
  type        = string
}

variable "service_accounts" {
  description = "Kubernetes service accounts allowed to assume the role, as namespace/name."
  type        = list(string)

  validation {
    condition     = length(var.service_accounts) > 0 && alltrue([for sa in var.service_accounts : can(regex("^[a-z0-9-]+/[a-z0-9.-]+$", sa))])
    error_message = "service_accounts must list at least one namespace/name (no wildcards)."
  }
}

variable "policy_json" {
  description = "Inline policy (JSON) granting exactly what the workload needs; null for none."
  type        = string
  default     = null
}

variable "managed_policy_arns" {
  description = "AWS managed policies to attach, by ARN."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
