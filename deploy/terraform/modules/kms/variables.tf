variable "name" {
  description = "Name tag of the key (e.g. taskapp-dev-rds)."
  type        = string

  validation {
    condition     = length(var.name) > 0
    error_message = "name must not be empty."
  }
}

variable "description" {
  description = "What the key encrypts (shown in the KMS console)."
  type        = string
}

variable "alias" {
  description = "Alias without the alias/ prefix (e.g. taskapp-dev-eks); null for none."
  type        = string
  default     = null

  validation {
    condition     = var.alias == null || can(regex("^[A-Za-z0-9/_-]{1,250}$", coalesce(var.alias, "x"))) && !startswith(coalesce(var.alias, "x"), "aws/")
    error_message = "alias must be letters, digits, /, _ or - and must not start with aws/ (reserved for AWS keys)."
  }
}

variable "log_group_names" {
  description = "CloudWatch Logs log group names (a trailing * allowed) whose data the logs service may encrypt with this key."
  type        = list(string)
  default     = []
}

variable "extra_statements" {
  description = "Further key policy statements (e.g. a service principal or another account's use), as objects jsonencode turns into IAM policy statements; each needs a unique Sid."
  type        = list(any)
  default     = []

  validation {
    condition     = alltrue([for s in var.extra_statements : can(s.Sid) && s.Sid != "AccountAdministration" && s.Sid != "CloudWatchLogsUse"])
    error_message = "every extra statement needs its own Sid (AccountAdministration and CloudWatchLogsUse are taken)."
  }
}

variable "deletion_window_in_days" {
  description = "Days a scheduled deletion waits (7-30): the window to notice a key still in use."
  type        = number
  default     = 30

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30
    error_message = "deletion_window_in_days must be between 7 and 30."
  }
}

variable "tags" {
  description = "Tags added to the key."
  type        = map(string)
  default     = {}
}
