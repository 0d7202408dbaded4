variable "name" {
  description = "Name of the IAM role."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.name))
    error_message = "name must be a valid IAM role name (1-64 characters of A-Za-z0-9+=,.@_-)."
  }
}

variable "service" {
  description = "The AWS service principal that assumes the role (e.g. eks.amazonaws.com)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9.-]+\\.amazonaws\\.com$", var.service))
    error_message = "service must be an AWS service principal such as eks.amazonaws.com."
  }
}

variable "assume_actions" {
  description = "What the service may do with the role: sts:AssumeRole, plus sts:TagSession where the service tags its sessions (EKS)."
  type        = list(string)
  default     = ["sts:AssumeRole"]

  validation {
    condition     = length(var.assume_actions) > 0 && alltrue([for a in var.assume_actions : contains(["sts:AssumeRole", "sts:TagSession"], a)])
    error_message = "assume_actions lists sts:AssumeRole and/or sts:TagSession."
  }
}

variable "trust_conditions" {
  description = "Condition block of the trust statement (operator => key => value), narrowing which of the service's requests may assume the role (confused-deputy protection); {} for none."
  type        = map(map(string))
  default     = {}
}

variable "aws_managed_policies" {
  description = "AWS managed policies to attach, by their path under arn:<partition>:iam::aws:policy/ (e.g. AmazonEKSClusterPolicy, service-role/AmazonRDSEnhancedMonitoringRole)."
  type        = set(string)
  default     = []
}

variable "inline_policies" {
  description = "Inline policies by name (JSON documents), each granting exactly what the service needs."
  type        = map(string)
  default     = {}
}

variable "tags" {
  description = "Tags added to the role."
  type        = map(string)
  default     = {}
}
